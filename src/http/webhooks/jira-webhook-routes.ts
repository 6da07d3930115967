import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { answerFromComment } from '../../orchestrator/questions/run-questions.ts';
import { badRequest } from '../validation.ts';
import { decideJiraEvent } from './jira-webhook-events.ts';
import { acceptTrackerDelivery, type TrackerDeliveryDeps } from './tracker-deliveries.ts';

export interface JiraWebhookDeps extends TrackerDeliveryDeps {
  /** JIRA_WEBHOOK_SECRET; unset → 503. */
  secret: string | undefined;
}

/**
 * `POST /api/jira/webhook` (CONTRACTS.md §10) for `jira:issue_created` / `jira:issue_updated`,
 * registered by a Jira admin with a secret. In order: 503 while JIRA_WEBHOOK_SECRET is unset;
 * 401 unless `X-Hub-Signature` is `sha256=<hex HMAC-SHA256 of the raw body>`; 400 for a body
 * that is not JSON or lacks `webhookEvent`; then 200 `{ duplicate: true }` for a delivery seen
 * before, else `{ accepted: true, tick }`, the tick running after the answer. The delivery id is
 * `X-Atlassian-Webhook-Identifier` (the same on Jira's retries); without it, the SHA-256 of the
 * body (a retry sends the same body, `timestamp` included). Jira's body carries no signed
 * send time, so there is no 60 s window: a replay is caught by the stored id, and at worst
 * asks for one more tick, which is idempotent.
 * https://developer.atlassian.com/cloud/jira/platform/webhooks/#secure-admin-webhooks
 */
export function jiraWebhookRoutes(deps: JiraWebhookDeps): Hono {
  const app = new Hono();
  app.post('/api/jira/webhook', async (c) => {
    if (!deps.secret) {
      return c.json(
        {
          error: 'disabled',
          message: 'Jira webhooks are disabled: set JIRA_WEBHOOK_SECRET on the orchestrator',
        },
        503,
      );
    }
    const raw = Buffer.from(await c.req.arrayBuffer());
    const signature = c.req.header('x-hub-signature');
    if (!signature || !signatureMatches(deps.secret, raw, signature)) {
      return c.json(
        {
          error: 'unauthorized',
          message: signature
            ? 'X-Hub-Signature does not match the body; the secret on the Jira webhook must equal JIRA_WEBHOOK_SECRET'
            : 'X-Hub-Signature is missing; give the Jira webhook a secret equal to JIRA_WEBHOOK_SECRET',
        },
        401,
      );
    }
    let payload: unknown;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch {
      return badRequest(c, 'the body must be JSON', [{ field: '(body)', message: 'is not valid JSON' }]);
    }
    const decision = decideJiraEvent(payload);
    if ('invalid' in decision) {
      return badRequest(c, `the Jira payload lacks what the orchestrator reads: ${decision.invalid}`, [
        { field: decision.invalid.split(':')[0]!, message: decision.invalid },
      ]);
    }
    const deliveryId =
      c.req.header('x-atlassian-webhook-identifier') ?? createHash('sha256').update(raw).digest('hex');
    const { comment, ...delivery } = decision;
    const answer = await acceptTrackerDelivery(deps, { tracker: 'jira', deliveryId, ...delivery });
    if (comment && 'accepted' in answer) setImmediate(() => void answerFromComment(deps.ctx, comment));
    return c.json(answer);
  });
  return app;
}

/** `sha256=<hex>` compared in constant time; any other form is a mismatch. */
function signatureMatches(secret: string, raw: Buffer, header: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`);
  const given = Buffer.from(header.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}
