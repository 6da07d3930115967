import type { OrchestratorContext } from '../../orchestrator/context.ts';
import type { WebhookHealth } from '../../orchestrator/webhook-health.ts';
import { claimDelivery, finishDelivery } from '../../store/webhook-deliveries.ts';

/**
 * A tracker delivery whose handling never finished is claimed again after this long. Handling is
 * a database write and a tick request, so a claim older than a minute means the process stopped
 * in between; Linear's first retry comes a minute after a failure.
 */
const CLAIM_STALE_MS = 60_000;

export interface TrackerDeliveryDeps {
  ctx: OrchestratorContext;
  /** Starts a tick now (the poller's `tickNow`: the tick's one admission gate decides). */
  tickNow: (() => void) | undefined;
  health: WebhookHealth | undefined;
}

/** A verified delivery: its tracker, id (the tracker's own), event name and what to do with it. */
export interface TrackerDelivery {
  tracker: 'linear' | 'jira';
  deliveryId: string;
  event: string;
  tick: boolean;
  reason: string;
}

/** The 200 body: a duplicate, or accepted with whether it asked for a tick. */
export type TrackerDeliveryAnswer =
  | { duplicate: true; deliveryId: string }
  | { accepted: true; deliveryId: string; tick: boolean; reason: string };

/**
 * Records a verified delivery and acts on it. It counts for the webhook health first (any
 * verified delivery proves the webhook works). The delivery id is claimed in the store, so a
 * duplicate or a redelivery — also after a restart — starts nothing; a fresh one asks for a tick
 * without waiting for it (the sender's deadline is short) and stores the outcome.
 */
export async function acceptTrackerDelivery(
  deps: TrackerDeliveryDeps,
  delivery: TrackerDelivery,
): Promise<TrackerDeliveryAnswer> {
  const { ctx } = deps;
  const now = ctx.clock();
  deps.health?.delivered(delivery.tracker, now);
  const id = `${delivery.tracker}:${delivery.deliveryId}`;
  const [type, action] = delivery.event.split('.');
  const fresh = await claimDelivery(
    ctx.db,
    {
      delivery_id: id,
      event: `${delivery.tracker}:${type}`,
      action: action ?? null,
      repo: null,
      received_at: now.toISOString(),
    },
    new Date(now.getTime() - CLAIM_STALE_MS),
  );
  if (!fresh) return { duplicate: true, deliveryId: delivery.deliveryId };
  if (delivery.tick) deps.tickNow?.();
  const outcome = delivery.tick ? `tick: ${delivery.reason}` : `ignored: ${delivery.reason}`;
  await finishDelivery(ctx.db, id, outcome, ctx.clock());
  ctx.logger.info(
    {
      tracker: delivery.tracker,
      deliveryId: delivery.deliveryId,
      event: delivery.event,
      tick: delivery.tick,
    },
    delivery.reason,
  );
  return { accepted: true, deliveryId: delivery.deliveryId, tick: delivery.tick, reason: delivery.reason };
}
