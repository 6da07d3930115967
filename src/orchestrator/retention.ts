import { describeError } from '../domain/errors.ts';
import { pruneHistory, type PruneCounts } from '../store/retention.ts';
import type { OrchestratorContext } from './context.ts';

/** Pruning deletes history only; once an hour is plenty and keeps it out of most ticks. */
export const PRUNE_EVERY_MS = 60 * 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Prunes at most once per {@link PRUNE_EVERY_MS}; the poller calls `maybePrune` after each tick. */
export interface Retention {
  /**
   * Prunes history older than the retention (src/store/retention.ts says what is kept) when the
   * last prune is an hour old or there was none; otherwise does nothing. Never throws: a failed
   * prune is logged and retried at the next hour.
   * @returns the counts when it pruned, undefined when it skipped or failed.
   */
  maybePrune(): Promise<PruneCounts | undefined>;
}

/**
 * RETENTION_DAYS: finished dispatches with their run steps, the dedup window's old rows and
 * webhook deliveries are deleted once older than `retentionDays` days (docs/decisions/hardening.md).
 * Without it `run_steps`, `dispatches`, `dedup_window` and `webhook_deliveries` grow forever.
 */
export function createRetention(ctx: OrchestratorContext, retentionDays: number): Retention {
  let lastAt: number | undefined;
  return {
    async maybePrune() {
      const now = ctx.clock().getTime();
      if (lastAt !== undefined && now - lastAt < PRUNE_EVERY_MS) return undefined;
      lastAt = now;
      const cutoff = new Date(now - retentionDays * DAY_MS);
      // The dedup window must keep its last 24 h whatever the retention.
      const dedupCutoff = new Date(Math.min(cutoff.getTime(), now - ctx.policy.dedupWindowMs));
      try {
        const counts = await pruneHistory(ctx.db, cutoff, dedupCutoff);
        const removed = Object.values(counts).reduce((sum, n) => sum + n, 0);
        if (removed > 0) ctx.logger.info({ retentionDays, pruned: counts }, 'pruned old history');
        return counts;
      } catch (error) {
        ctx.logger.error({ err: describeError(error) }, 'pruning old history failed');
        return undefined;
      }
    },
  };
}
