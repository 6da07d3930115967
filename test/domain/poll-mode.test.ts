import { describe, expect, it } from 'vitest';
import { choosePollMode, type PollModeFacts } from '../../src/domain/poll-mode.ts';

const now = new Date('2026-12-06T00:00:00Z');
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);

function facts(overrides: Partial<PollModeFacts>): PollModeFacts {
  return {
    trackersInUse: new Set(['linear']),
    webhooksConfigured: new Set(['linear', 'jira']),
    lastDelivery: new Map([['linear', hoursAgo(1)]]),
    now,
    pollIntervalMs: 60_000,
    reconcileIntervalMs: 300_000,
    ...overrides,
  };
}

describe('choosePollMode', () => {
  it('stretches to the reconcile period while every tracker in use has delivered within 24 h', () => {
    expect(choosePollMode(facts({}))).toMatchObject({ mode: 'webhooks', intervalMs: 300_000 });
    expect(
      choosePollMode(
        facts({
          trackersInUse: new Set(['linear', 'jira']),
          lastDelivery: new Map([
            ['linear', hoursAgo(1)],
            ['jira', hoursAgo(23)],
          ]),
        }),
      ),
    ).toMatchObject({ mode: 'webhooks' });
  });

  it('keeps POLL_INTERVAL_MS otherwise, and says why', () => {
    const reasons = [
      facts({ trackersInUse: new Set() }),
      facts({ webhooksConfigured: new Set(['jira']) }),
      facts({ lastDelivery: new Map() }),
      facts({ lastDelivery: new Map([['linear', hoursAgo(25)]]) }),
      facts({ trackersInUse: new Set(['linear', 'github']) }),
    ].map((f) => {
      const mode = choosePollMode(f);
      expect([mode.mode, mode.intervalMs]).toEqual(['polling', 60_000]);
      return mode.reason;
    });
    expect(reasons).toEqual([
      'no mapping yet',
      'the Linear webhook is not configured',
      'no Linear webhook delivery received yet',
      'no Linear webhook delivery in the last 24 h',
      'the GitHub webhook is not configured',
    ]);
  });

  it('doubles the reconcile period while nothing is in flight or held, and says so', () => {
    expect(choosePollMode(facts({ idle: true }))).toEqual({
      mode: 'webhooks',
      intervalMs: 600_000,
      reason:
        'webhooks healthy (Linear); nothing in flight, so the safety-net poll runs every 2 reconcile periods',
    });
    expect(choosePollMode(facts({ idle: false })).intervalMs).toBe(300_000);
    // Idle never stretches polling mode: without healthy webhooks the poll is the only pickup.
    expect(choosePollMode(facts({ idle: true, lastDelivery: new Map() })).intervalMs).toBe(60_000);
  });

  it('never polls faster with webhooks than without: POLL_INTERVAL_MS is the floor', () => {
    expect(choosePollMode(facts({ reconcileIntervalMs: 5_000 })).intervalMs).toBe(60_000);
  });
});
