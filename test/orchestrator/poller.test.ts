import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startPoller, type Poller } from '../../src/orchestrator/poller.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';

let h: Harness;
let poller: Poller | undefined;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await poller?.stop();
  await h.close();
});

describe('startPoller', () => {
  it('runs one more tick after the running one when asked during it, shared by every request', async () => {
    poller = startPoller(h.ctx, 3_600_000, { retentionDays: 90 });
    const first = poller.tickNow();
    // Asked while `first` runs: it may have fetched before the event, so one more must follow.
    const second = poller.tickNow();
    const third = poller.tickNow();
    expect(second).toBe(third);
    await Promise.all([first, second]);
    expect(poller.completedTicks()).toBe(2);
  });

  it('asks for the period after every tick', async () => {
    const asked: number[] = [];
    poller = startPoller(
      h.ctx,
      async () => {
        asked.push(poller?.completedTicks() ?? -1);
        return 3_600_000;
      },
      { retentionDays: 90 },
    );
    await poller.tickNow();
    await poller.tickNow();
    await poller.stop();
    expect(asked.length).toBeGreaterThanOrEqual(1);
    expect(asked.every((ticks) => ticks >= 1)).toBe(true);
  });
});
