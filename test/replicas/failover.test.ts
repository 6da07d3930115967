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
      // Counted in checks, not ms, so a loaded CI machine cannot fail it (the times are in
      // bench/failover.bench.ts): a try already under way at the kill may still find the lock
      // held; the next one takes it. Leading starts a tick at once.
      expect(takeover.checksToLead).toBeLessThanOrEqual(2);
    }
    expect(report.runs).toBe(16); // a planning and an implementation run each
    expect(report.results.duplicate).toBeGreaterThan(0);
    expect(report.webhooks.duplicate).toBeGreaterThan(0);
  }, 180_000);
});
