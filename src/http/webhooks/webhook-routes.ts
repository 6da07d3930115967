import { Webhooks } from '@octokit/webhooks';
import { Hono } from 'hono';
import { describeError } from '../../domain/errors.ts';
import type { OrchestratorContext } from '../../orchestrator/context.ts';
import { DELIVERY_STALE_MS } from '../../orchestrator/follow-ups/follow-up-policy.ts';
import type { PullRequestLoop } from '../../orchestrator/follow-ups/pull-request-loop.ts';
import { claimDelivery, finishDelivery } from '../../store/webhook-deliveries.ts';
import { answerFromComment } from '../../orchestrator/questions/run-questions.ts';
import { badRequest } from '../validation.ts';
import { markerForLinearLabel } from '../../domain/markers.ts';
import { parseWebhookEvent } from './webhook-events.ts';
import type { WebhookHealth } from '../../orchestrator/webhook-health.ts';

export interface WebhookDeps {
  ctx: OrchestratorContext;
  /** GITHUB_WEBHOOK_SECRET; unset → 503. */
  secret: string | undefined;
  /** Unset → 503 as well: nothing would act on the events. */
  loop: PullRequestLoop | undefined;
  /** Starts a tick now (GitHub Issues as a tracker: `issues` labeled with a marker, or closed). */
  tickNow?: () => void;
  /** Told of each verified `issues` delivery: GitHub Issues' webhook health. */
  health?: WebhookHealth;
}

/**
 * An `issues` delivery that should start a tick now rather than wait for the poll: a marker label
 * a person sets (`AI-Implement`, `Plan-Approved`…) or an issue closed (ends in-flight work's claim).
 * https://docs.github.com/webhooks/webhook-events-and-payloads#issues
 */
function issueEventStartsTick(payload: unknown): boolean | string {
  const { action, label } = (payload ?? {}) as { action?: unknown; label?: { name?: unknown } };
  if (action === 'closed') return true;
  if (action === 'labeled' && typeof label?.name === 'string' && markerForLinearLabel(label.name))
    return true;
  return `issues.${String(action)} is not a marker label or a close`;
}

/**
 * `POST /api/github/webhook` (seed 002, "Webhook and trigger endpoints"): GitHub's deliveries
 * for the orchestrator's PRs. In order: 503 while GITHUB_WEBHOOK_SECRET is unset; 401 unless
 * `X-Hub-Signature-256` is the HMAC-SHA256 of the raw body with the secret (checked with
 * @octokit/webhooks before anything else is read); 400 for a missing `X-GitHub-Event` /
 * `X-GitHub-Delivery`, a body that is not JSON, or a used event whose payload lacks a field;
 * 200 `{ ignored }` for events the loop does not use; 200 `{ duplicate: true }` for a delivery
 * id handled before; otherwise 202 `{ accepted: true, deliveryId }` at once, and the event is
 * handled afterwards on the loop's work queue (its outcome is kept with the delivery id).
 * https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries
 */
export function webhookRoutes(deps: WebhookDeps): Hono {
  const app = new Hono();
  const verifier = deps.secret ? new Webhooks({ secret: deps.secret }) : undefined;

  app.post('/api/github/webhook', async (c) => {
    const { ctx, loop } = deps;
    if (!verifier || !loop) {
      return c.json(
        {
          error: 'disabled',
          message: 'webhooks are disabled: set GITHUB_WEBHOOK_SECRET on the orchestrator',
        },
        503,
      );
    }
    const raw = await c.req.text();
    const signature = c.req.header('x-hub-signature-256');
    const valid = signature ? await verifier.verify(raw, signature).catch(() => false) : false;
    if (!valid) {
      return c.json(
        {
          error: 'unauthorized',
          message: signature
            ? 'X-Hub-Signature-256 does not match the body; the webhook secret in GitHub must equal GITHUB_WEBHOOK_SECRET'
            : 'X-Hub-Signature-256 is missing; give the webhook a secret in GitHub equal to GITHUB_WEBHOOK_SECRET',
        },
        401,
      );
    }
    const event = c.req.header('x-github-event');
    const deliveryId = c.req.header('x-github-delivery');
    const missing = [
      ...(event ? [] : [{ field: 'X-GitHub-Event', message: 'header is required' }]),
      ...(deliveryId ? [] : [{ field: 'X-GitHub-Delivery', message: 'header is required' }]),
    ];
    if (!event || !deliveryId) return badRequest(c, 'GitHub webhook headers are missing', missing);
    let payload: unknown;
    try {
      payload = JSON.parse(raw);
    } catch {
      return badRequest(c, 'the body must be JSON: set the webhook’s content type to application/json', [
        { field: '(body)', message: 'is not valid JSON' },
      ]);
    }
    if (event === 'issues') {
      deps.health?.delivered('github', ctx.clock());
      const starts = issueEventStartsTick(payload);
      if (starts !== true) return c.json({ ignored: starts, deliveryId });
      // A tick is idempotent: a repeated delivery costs one more poll, never a second run.
      deps.tickNow?.();
      return c.json({ accepted: true, deliveryId, tick: true }, 202);
    }
    const now = ctx.clock();
    const parsed = parseWebhookEvent(event, payload, now);
    if (parsed.kind === 'invalid') {
      return badRequest(
        c,
        `the ${event} payload lacks what the orchestrator reads: ${parsed.fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`,
        parsed.fields,
      );
    }
    if (parsed.kind === 'ignored') {
      // Answers are first-wins, so a redelivered comment needs no de-duplication here.
      const comment = parsed.issueComment;
      if (comment) setImmediate(() => void answerFromComment(ctx, comment));
      return c.json({ ignored: parsed.reason, deliveryId });
    }

    const { activity } = parsed;
    const fresh = await claimDelivery(
      ctx.db,
      {
        delivery_id: deliveryId,
        event,
        action: parsed.action.split('.')[1] ?? null,
        repo: activity.repo,
        received_at: now.toISOString(),
      },
      new Date(now.getTime() - DELIVERY_STALE_MS),
    );
    if (!fresh) return c.json({ duplicate: true, deliveryId });
    loop.queue.push(`webhook ${parsed.action} ${deliveryId}`, async () => {
      try {
        const outcome = await loop.handleActivity(activity);
        await finishDelivery(ctx.db, deliveryId, outcome, ctx.clock());
        ctx.logger.info(
          {
            deliveryId,
            event: parsed.action,
            // A CI event names a commit, and the PRs GitHub links to it (maybe none).
            pr:
              activity.type === 'checks'
                ? `${activity.repo}@${activity.headSha.slice(0, 7)}`
                : `${activity.repo}#${activity.number}`,
            outcome,
          },
          'webhook handled',
        );
      } catch (error) {
        await finishDelivery(ctx.db, deliveryId, `failed: ${describeError(error)}`, ctx.clock());
        throw error;
      }
    });
    return c.json({ accepted: true, deliveryId }, 202);
  });
  return app;
}
