import { LINEAR_WEBHOOK_SIGNATURE_HEADER, LinearWebhookClient } from '@linear/sdk/webhooks';
import { Hono } from 'hono';
import type { AgentSessions } from '../../orchestrator/linear-agent/agent-sessions.ts';
import { answerFromComment } from '../../orchestrator/questions/run-questions.ts';
import { badRequest } from '../validation.ts';
import { decideLinearEvent } from './linear-webhook-events.ts';
import { acceptTrackerDelivery, type TrackerDeliveryDeps } from './tracker-deliveries.ts';

export interface LinearWebhookDeps extends TrackerDeliveryDeps {
  /** LINEAR_WEBHOOK_SECRET; unset → 503. */
  secret: string | undefined;
  /** Handles `AgentSessionEvent`s after the answer; unset (no OAuth app) → they are stored only. */
  agent?: AgentSessions;
}

/**
 * `POST /api/linear/webhook` (CONTRACTS.md §10). In order: 503 while LINEAR_WEBHOOK_SECRET is
 * unset; 401 unless `Linear-Signature` is the hex HMAC-SHA256 of the raw body with the secret
 * and the signed `webhookTimestamp` (ms) is within 60 s of now — both checked by
 * `LinearWebhookClient.verify` from @linear/sdk before anything else is read, so a captured
 * delivery cannot be replayed later; 400 for a missing `Linear-Delivery` or a body that lacks
 * what is read; then 200 with `{ duplicate: true }` for a delivery id seen before (Linear
 * delivers at least once and retries after 1 min, 1 h and 6 h), or `{ accepted: true, tick }`.
 * The tick runs after the answer. Bodies above 1 MB are refused with 413 (body-limits.ts).
 * https://linear.app/developers/webhooks#securing-webhooks
 */
export function linearWebhookRoutes(deps: LinearWebhookDeps): Hono {
  const app = new Hono();
  const verifier = deps.secret ? new LinearWebhookClient(deps.secret) : undefined;

  app.post('/api/linear/webhook', async (c) => {
    if (!verifier) {
      return c.json(
        {
          error: 'disabled',
          message: 'Linear webhooks are disabled: set LINEAR_WEBHOOK_SECRET on the orchestrator',
        },
        503,
      );
    }
    const raw = Buffer.from(await c.req.arrayBuffer());
    const signature = c.req.header(LINEAR_WEBHOOK_SIGNATURE_HEADER);
    const refusal = signature ? verification(verifier, raw, signature) : 'missing';
    if (refusal === 'body') {
      return badRequest(c, 'the body must be JSON', [{ field: '(body)', message: 'is not valid JSON' }]);
    }
    if (refusal !== 'ok') {
      return c.json({ error: 'unauthorized', message: REFUSALS[refusal] }, 401);
    }
    const deliveryId = c.req.header('linear-delivery');
    if (!deliveryId) {
      return badRequest(c, 'the Linear-Delivery header is missing', [
        { field: 'Linear-Delivery', message: 'header is required' },
      ]);
    }
    const decision = decideLinearEvent(JSON.parse(raw.toString('utf8')));
    if ('invalid' in decision) {
      return badRequest(c, `the Linear payload lacks what the orchestrator reads: ${decision.invalid}`, [
        { field: decision.invalid.split(':')[0]!, message: decision.invalid },
      ]);
    }
    const { agent, comment, ...delivery } = decision;
    const answer = await acceptTrackerDelivery(deps, { tracker: 'linear', deliveryId, ...delivery });
    // After the answer: the first activity is due within Linear's 10 s, well after our 200.
    if (agent && 'accepted' in answer) setImmediate(() => void deps.agent?.handle(agent));
    if (comment && 'accepted' in answer) setImmediate(() => void answerFromComment(deps.ctx, comment));
    return c.json(answer);
  });
  return app;
}

type Refusal = 'missing' | 'signature' | 'timestamp' | 'body';

const REFUSALS: Record<Exclude<Refusal, 'body'>, string> = {
  missing:
    'Linear-Signature is missing; send deliveries from a Linear webhook whose signing secret is LINEAR_WEBHOOK_SECRET',
  signature:
    'Linear-Signature does not match the body; LINEAR_WEBHOOK_SECRET must be the signing secret Linear shows for this webhook',
  timestamp:
    'webhookTimestamp is missing or more than 60 s from now: a replayed delivery, or this server’s clock is off',
};

/** `verify` throws on any failure; its message tells which (signature first, then the timestamp). */
function verification(verifier: LinearWebhookClient, raw: Buffer, signature: string): Refusal | 'ok' {
  try {
    verifier.verify(raw, signature);
    return 'ok';
  } catch (error) {
    if (error instanceof SyntaxError) return 'body';
    return /timestamp/i.test(error instanceof Error ? error.message : '') ? 'timestamp' : 'signature';
  }
}
