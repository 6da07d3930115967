import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { IntegrationError, describeError } from '../../domain/errors.ts';
import type { JiraProvider } from '../../ticketing/jira/jira-provider.ts';
import { badRequest, readJson } from '../validation.ts';

export const ValidateJqlSchema = z
  .object({ jql: z.string().trim().min(1, 'is required').max(10_000) })
  .strict();

/**
 * Jira helpers of the admin API (seed 002): `POST /api/jira/validate-jql` `{ jql }` →
 * `{ valid: true, count }` or `{ valid: false, errors }` (Jira's own messages);
 * `GET /api/jira/projects` → `{ projects: [{ key, name }] }` the account may browse (the stepper's
 * project picker); `GET /api/jira/fields` → custom fields and how the two AI-Implement fields resolve;
 * `GET /api/jira/field-options?fieldId=customfield_…` → a select field's options.
 * Without Jira credentials every route answers 400 saying which variables to set. Jira's
 * failures map to 400 (invalid), 404 (not found), 502 (auth, outage) and 503 (rate limited).
 */
export function jiraRoutes(jira: JiraProvider | undefined): Hono {
  const app = new Hono();
  // jira.js (~40 MB of memory) is loaded only where Jira is configured and used.
  const admin = () => import('../../ticketing/jira/jira-admin.ts');
  app.use('/api/jira/*', async (c, next) => {
    if (jira) return next();
    return badRequest(
      c,
      'Jira is not configured on this orchestrator: set JIRA_TOKEN and JIRA_CLOUD_ID (or JIRA_EMAIL and JIRA_SITE_URL)',
    );
  });
  if (!jira) return app;

  app.post('/api/jira/validate-jql', async (c) => {
    const body = await readJson(c, ValidateJqlSchema);
    if (!body.ok) return body.response;
    return answer(c, async () => (await admin()).validateJql(jira.connection, body.value.jql));
  });
  app.get('/api/jira/projects', (c) =>
    answer(c, async () => ({
      projects: await (
        await import('../../ticketing/jira/jira-projects.ts')
      ).listJiraProjects(jira.connection),
    })),
  );
  app.get('/api/jira/fields', (c) => answer(c, async () => (await admin()).listJiraFields(jira.connection)));
  app.get('/api/jira/field-options', (c) => {
    const fieldId = c.req.query('fieldId') ?? '';
    if (!/^customfield_\d+$/.test(fieldId)) {
      return badRequest(c, 'fieldId: must look like customfield_10500', [
        { field: 'fieldId', message: 'must look like customfield_10500' },
      ]);
    }
    return answer(c, async () => (await admin()).listJiraFieldOptions(jira.connection, fieldId));
  });
  return app;
}

async function answer(c: Context, call: () => Promise<unknown>): Promise<Response> {
  try {
    return c.json(await call());
  } catch (error) {
    if (!(error instanceof IntegrationError)) throw error;
    const message = describeError(error);
    switch (error.category) {
      case 'invalid':
        return badRequest(c, message);
      case 'not_found':
        return c.json({ error: 'not_found', message }, 404);
      case 'rate_limited':
        c.header('Retry-After', String(Math.ceil((error.retryAfterMs ?? 60_000) / 1000)));
        return c.json({ error: 'rate_limited', message }, 503);
      default:
        return c.json({ error: 'jira_unavailable', message }, 502);
    }
  }
}
