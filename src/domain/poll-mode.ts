import type { TicketingProviderName } from './ticket.ts';

/**
 * How long one verified delivery keeps a tracker's webhook counted as healthy, in ms. Linear and
 * Jira send nothing while nobody edits a ticket, so the window must span a quiet night: 24 h.
 * A webhook that breaks silently is caught by the reconcile poll meanwhile (at most
 * RECONCILE_INTERVAL_MS late), and falls back to POLL_INTERVAL_MS a day after its last delivery.
 */
export const WEBHOOK_HEALTHY_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * The poller's mode: `webhooks` (deliveries start ticks; polling every `intervalMs` =
 * RECONCILE_INTERVAL_MS is the safety net) or `polling` (every POLL_INTERVAL_MS). `reason` is a
 * sentence for the Overview and `/healthz`.
 */
export interface PollMode {
  mode: 'webhooks' | 'polling';
  intervalMs: number;
  reason: string;
}

export interface PollModeFacts {
  /** The trackers some mapping uses. */
  trackersInUse: ReadonlySet<TicketingProviderName>;
  /** The trackers whose webhook secret is set. */
  webhooksConfigured: ReadonlySet<TicketingProviderName>;
  /** When a verified delivery last arrived, per tracker. */
  lastDelivery: ReadonlyMap<TicketingProviderName, Date>;
  now: Date;
  pollIntervalMs: number;
  reconcileIntervalMs: number;
  /**
   * Nothing in flight and no ticket held by a blocker: the safety-net read then only looks for
   * pickups a lost delivery missed, and runs every {@link IDLE_RECONCILE_FACTOR} reconcile periods.
   */
  idle?: boolean;
}

/**
 * While webhooks are healthy and nothing waits on the trackers, the safety-net poll runs every
 * second reconcile period (10 min by default). An idle tick is one batched tracker request for
 * all teams, so its period is the only lever on the idle cost (issue 21: ≥10× fewer Linear
 * requests than a 60 s poll). With work in flight, RECONCILE_INTERVAL_MS stays the period: that is
 * when reconciling (a closed ticket, a state change) matters.
 */
export const IDLE_RECONCILE_FACTOR = 2;

const NAMES: Record<TicketingProviderName, string> = { linear: 'Linear', jira: 'Jira', github: 'GitHub' };

/**
 * Webhooks mode only when every tracker a mapping uses has its webhook configured and a verified
 * delivery within {@link WEBHOOK_HEALTHY_WINDOW_MS}: one tracker without webhooks needs the
 * normal poll (the tick polls all trackers together). No mapping → polling, so the first mapping
 * saved is looked at within one POLL_INTERVAL_MS rather than one reconcile period.
 */
export function choosePollMode(facts: PollModeFacts): PollMode {
  const polling = (reason: string): PollMode => ({
    mode: 'polling',
    intervalMs: facts.pollIntervalMs,
    reason,
  });
  if (facts.trackersInUse.size === 0) return polling('no mapping yet');
  for (const tracker of [...facts.trackersInUse].sort()) {
    const name = NAMES[tracker];
    if (!facts.webhooksConfigured.has(tracker)) {
      return polling(`the ${name} webhook is not configured`);
    }
    const last = facts.lastDelivery.get(tracker);
    if (!last) return polling(`no ${name} webhook delivery received yet`);
    if (facts.now.getTime() - last.getTime() > WEBHOOK_HEALTHY_WINDOW_MS) {
      return polling(`no ${name} webhook delivery in the last 24 h`);
    }
  }
  // POLL_INTERVAL_MS stays the floor: webhooks never make polling more frequent.
  const reconcileMs = Math.max(facts.reconcileIntervalMs, facts.pollIntervalMs);
  const names = [...facts.trackersInUse]
    .sort()
    .map((t) => NAMES[t])
    .join(', ');
  return facts.idle
    ? {
        mode: 'webhooks',
        intervalMs: reconcileMs * IDLE_RECONCILE_FACTOR,
        reason: `webhooks healthy (${names}); nothing in flight, so the safety-net poll runs every ${IDLE_RECONCILE_FACTOR} reconcile periods`,
      }
    : {
        mode: 'webhooks',
        intervalMs: reconcileMs,
        reason: `webhooks healthy (${names}); polling is the safety net`,
      };
}
