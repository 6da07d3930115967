import { describe, expect, it } from 'vitest';
import { runFailoverScenario } from './failover-run.ts';

const CHECK_MS = 1000;

/**
 * Issue 15's done-when: two replicas on one PostgreSQL, the leader SIGKILLed mid-tick three
 * times (and restarted). A follower takes over within the leader check interval plus one tick;
 * no ticket is dispatched twice or lost; results and webhooks posted to either replica are
 * applied once. The long form with 20 kills is bench/failover.bench.ts.
 */
describe('more than one replica: leader failover on PostgreSQL', () => {
  it('takes over within the check interval and a tick, dispatching every ticket once', async () => {
    const report = await runFailoverScenario({
      tickets: 8,
      kills: 3,
      leaderCheckIntervalMs: CHECK_MS,
      pollIntervalMs: 1000,
      linearStallMs: 300,
    });
    expect(report.violations).toEqual([]);
    expect(report.takeovers).toHaveLength(3);
    expect(report.takeovers.some((takeover) => takeover.midTick)).toBe(true);
    for (const takeover of report.takeovers) {
      // The check interval, the new leader's first tick, and the healthz polling granularity and
      // process scheduling of a loaded 2-core machine (1.5 s).
      expect(takeover.tickAfterMs).toBeLessThanOrEqual(CHECK_MS + takeover.tickMs + 1500);
    }
    expect(report.runs).toBe(16); // a planning and an implementation run each
    expect(report.results.duplicate).toBeGreaterThan(0);
    expect(report.webhooks.duplicate).toBeGreaterThan(0);
  }, 180_000);
});
