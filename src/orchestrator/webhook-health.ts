import type { Kysely } from 'kysely';
import { choosePollMode, type PollMode } from '../domain/poll-mode.ts';
import type { TicketingProviderName } from '../domain/ticket.ts';
import { anythingWaiting } from '../store/dispatches.ts';
import { listTicketingProvidersInUse } from '../store/mappings.ts';
import type { Database } from '../store/schema.ts';
import { lastTrackerDelivery } from '../store/webhook-deliveries.ts';

/**
 * Which tracker webhooks are delivering, and so how often the poller must run (polling becomes
 * the safety net while they are healthy; docs/decisions/tracker-webhooks.md).
 */
export interface WebhookHealth {
  /** Records a verified delivery from `tracker` (signature and timestamp checked) at `at`. */
  delivered(tracker: TicketingProviderName, at: Date): void;
  /** The mode now, from the mappings in the store and the deliveries seen. */
  pollMode(): Promise<PollMode>;
}

export interface WebhookHealthOptions {
  db: Kysely<Database>;
  clock: () => Date;
  /** Trackers whose webhook secret is set (GitHub: GITHUB_WEBHOOK_SECRET, for its `issues` events). */
  configured: ReadonlySet<TicketingProviderName>;
  pollIntervalMs: number;
  reconcileIntervalMs: number;
  /**
   * Other replicas take deliveries too (PostgreSQL, docs/decisions/replicas.md): the last Linear
   * and Jira deliveries are read from the store each time, not only at start-up, so the leader's
   * poll period follows deliveries a follower took.
   */
  shared?: boolean;
}

/**
 * Starts from the last Linear and Jira deliveries recorded in the store, so a restart keeps the
 * mode it had (the "startup check"); GitHub `issues` deliveries are not stored, so GitHub Issues
 * starts in polling mode until the next one.
 */
export async function createWebhookHealth(options: WebhookHealthOptions): Promise<WebhookHealth> {
  const lastDelivery = new Map<TicketingProviderName, Date>();
  const delivered = (tracker: TicketingProviderName, at: Date) => {
    const previous = lastDelivery.get(tracker);
    if (!previous || previous < at) lastDelivery.set(tracker, at);
  };
  const readStored = async () => {
    for (const tracker of ['linear', 'jira'] as const) {
      const at = await lastTrackerDelivery(options.db, tracker);
      if (at) delivered(tracker, at);
    }
  };
  await readStored();
  return {
    delivered,
    async pollMode() {
      if (options.shared) await readStored();
      const [inUse, waiting] = await Promise.all([
        listTicketingProvidersInUse(options.db),
        anythingWaiting(options.db),
      ]);
      return choosePollMode({
        idle: !waiting,
        trackersInUse: new Set(inUse as TicketingProviderName[]),
        webhooksConfigured: options.configured,
        lastDelivery,
        now: options.clock(),
        pollIntervalMs: options.pollIntervalMs,
        reconcileIntervalMs: options.reconcileIntervalMs,
      });
    },
  };
}
