import { performance } from 'node:perf_hooks';
import { describeError } from '../domain/errors.ts';
import type { OrchestratorContext } from './context.ts';
import { createRetention } from './retention.ts';
import { runTick, type TickReport } from './tick.ts';

export interface Poller {
  /** Runs one tick now (or waits for the running one) and returns its report. */
  tickNow(): Promise<TickReport | undefined>;
  /**
   * How many ticks have run to the end without throwing since start. Exposed (`GET /healthz`)
   * so tests that prove "nothing happened" wait for ticks, not for wall-clock time.
   */
  completedTicks(): number;
  /** How long the last completed tick took and the CPU it used (process-wide), in ms. */
  lastTick(): TickCost | undefined;
  stop(): Promise<void>;
}

/** Wall time and CPU time (user + system, from `process.cpuUsage`) of one tick, in ms. */
export interface TickCost {
  durationMs: number;
  cpuMs: number;
}

/**
 * Runs the tick every `interval` ms, never two at once: the next tick is scheduled only after
 * the current one ends, so a slow tracker stretches the period instead of stacking ticks.
 * `interval` is a number, or a function asked after each tick (the webhook health: the period
 * stretches to RECONCILE_INTERVAL_MS while tracker webhooks deliver); when it throws, the
 * previous period is kept. `tickNow` during a tick runs one more tick right after it, since
 * the running tick may have fetched candidates before the event that asked. A tick that throws
 * is logged and the schedule goes on. After a tick, history older than `retentionDays` is
 * pruned, at most hourly (retention.ts). With `isLeader`, each tick first asks it and does
 * nothing on a replica that does not lead (leadership.ts); such a skipped tick is not counted.
 */
export function startPoller(
  ctx: OrchestratorContext,
  interval: number | (() => Promise<number>),
  options: { retentionDays: number; isLeader?: () => Promise<boolean> },
): Poller {
  const retention = createRetention(ctx, options.retentionDays);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<TickReport | undefined> | undefined;
  let rerun: Promise<TickReport | undefined> | undefined;
  let stopped = false;
  let intervalMs = typeof interval === 'number' ? interval : 0;
  const schedule = async () => {
    if (typeof interval !== 'number') {
      intervalMs = await interval().catch((error: unknown) => {
        ctx.logger.warn({ err: describeError(error) }, 'poll period unknown; keeping the last one');
        return intervalMs;
      });
    }
    // A tickNow while the period was being worked out has started a tick; its end schedules.
    if (stopped || running) return;
    clearTimeout(timer);
    timer = setTimeout(tick, intervalMs);
  };
  let completed = 0;
  let last: TickCost | undefined;
  const leadsNow = async () => (options.isLeader ? options.isLeader() : true);

  const tick = (): Promise<TickReport | undefined> => {
    const startedAt = performance.now();
    const cpuBefore = process.cpuUsage();
    running ??= leadsNow()
      .then((leads) => (leads ? runTick(ctx) : undefined))
      .then((report) => {
        if (!report) return undefined;
        // Refusals repeat every tick while an issue waits; they are in /api/blockers, so only
        // ticks that changed something are logged at info, and refusals only as counts (a tick
        // over thousands of waiting tickets would otherwise log hundreds of KB).
        const cpu = process.cpuUsage(cpuBefore);
        last = {
          durationMs: Math.round(performance.now() - startedAt),
          cpuMs: Math.round((cpu.user + cpu.system) / 1000),
        };
        ctx.metrics?.tick((performance.now() - startedAt) / 1000);
        const line = { tick: summarize(report), ...last };
        const changed = report.dispatched.length + report.failed.length + report.timedOut + report.closed > 0;
        if (changed) ctx.logger.info(line, 'tick');
        else ctx.logger.debug(line, 'tick');
        completed += 1;
        return report;
      })
      .then(async (report) => {
        if (report) await retention.maybePrune();
        return report;
      })
      .catch((error: unknown) => {
        ctx.logger.error({ err: describeError(error) }, 'tick failed');
        return undefined;
      })
      .finally(() => {
        running = undefined;
        if (!stopped) void schedule();
      });
    return running;
  };

  timer = setTimeout(tick, 0);
  return {
    tickNow: () => {
      clearTimeout(timer);
      if (!running) return tick();
      // One more tick after the running one, shared by every request that arrives meanwhile.
      rerun ??= running.then(() => {
        rerun = undefined;
        clearTimeout(timer);
        return stopped ? undefined : tick();
      });
      return rerun;
    },
    completedTicks: () => completed,
    lastTick: () => last,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** The tick report for the log: refusals counted by reason, the rest as it is. */
function summarize(report: TickReport): Omit<TickReport, 'refused'> & { refused: Record<string, number> } {
  const refused: Record<string, number> = {};
  // Indexed: run once a tick, this stays unoptimized, where `for…of` allocates a result per entry.
  for (let index = 0; index < report.refused.length; index += 1) {
    const { reason } = report.refused[index]!;
    refused[reason] = (refused[reason] ?? 0) + 1;
  }
  return { ...report, refused };
}
