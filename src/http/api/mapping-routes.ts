import { Hono } from 'hono';
import type { Mapping } from '../../domain/mapping.ts';
import { MappingInputSchema, MappingPatchSchema } from '../../domain/mapping.ts';
import { deleteMapping, getMapping, listMappings, upsertMapping } from '../../store/mappings.ts';
import type { OrchestratorContext } from '../../orchestrator/context.ts';
import { badRequest, readJson } from '../validation.ts';

/**
 * Project mappings API (seed 002 endpoint reference; fields and rules of seed 001):
 * `GET /api/mappings`, `POST /api/mappings` (create or replace: 201 new, 200 replaced),
 * `PATCH /api/mappings/:teamKey` (maxInProgressAiIssues, paused), `DELETE /api/mappings/:teamKey`.
 * A bad body answers 400 with every failing field and why.
 */
export function mappingRoutes(ctx: OrchestratorContext): Hono {
  const app = new Hono();
  app.get('/api/mappings', async (c) => c.json({ mappings: await listMappings(ctx.db) }));

  app.post('/api/mappings', async (c) => {
    const body = await readJson(c, MappingInputSchema);
    if (!body.ok) return body.response;
    const unconfigured = providerProblem(ctx, body.value);
    if (unconfigured) return badRequest(c, unconfigured.message, [unconfigured]);
    const created = await upsertMapping(ctx.db, body.value, ctx.clock());
    return c.json({ mapping: body.value }, created ? 201 : 200);
  });

  app.patch('/api/mappings/:teamKey', async (c) => {
    const body = await readJson(c, MappingPatchSchema);
    if (!body.ok) return body.response;
    const existing = await getMapping(ctx.db, c.req.param('teamKey'));
    if (!existing) return notFound(c, c.req.param('teamKey'));
    const updated: Mapping = {
      ...existing,
      ...(body.value.maxInProgressAiIssues !== undefined
        ? { maxInProgressAiIssues: body.value.maxInProgressAiIssues }
        : {}),
      ...(body.value.paused !== undefined ? { paused: body.value.paused } : {}),
    };
    await upsertMapping(ctx.db, updated, ctx.clock());
    return c.json({ mapping: updated });
  });

  app.delete('/api/mappings/:teamKey', async (c) => {
    const teamKey = c.req.param('teamKey');
    if (!(await deleteMapping(ctx.db, teamKey))) return notFound(c, teamKey);
    return c.json({ deleted: teamKey });
  });
  return app;
}

function notFound(c: Parameters<typeof badRequest>[0], teamKey: string) {
  return c.json({ error: 'not_found', message: `no project mapping with teamKey ${teamKey}` }, 404);
}

/** A mapping whose tracker has no credentials on this orchestrator could never be polled. */
function providerProblem(ctx: OrchestratorContext, mapping: Mapping) {
  if (ctx.ticketing.has(mapping.ticketingProvider)) return undefined;
  const variables =
    mapping.ticketingProvider === 'linear' ? 'LINEAR_API_KEY' : 'JIRA_TOKEN and JIRA_CLOUD_ID';
  return {
    field: 'ticketingProvider',
    message: `${mapping.ticketingProvider} is not configured on this orchestrator: set ${variables} and restart`,
  };
}
