import { afterEach, beforeEach, expect, it } from 'vitest';
import { createRetention, PRUNE_EVERY_MS } from '../../src/orchestrator/retention.ts';
import { recordInDedupWindow } from '../../src/store/dedup-window.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

it('prunes at most once an hour, and keeps the dedup window whatever the retention', async () => {
  const retention = createRetention(h.ctx, 1);
  const at = (hoursAgo: number) => new Date(h.ctx.clock().getTime() - hoursAgo * 3_600_000).toISOString();
  const row = { issue_identifier: 'ENG-1', issue_title: 't', team_key: 'ENG' };
  await recordInDedupWindow(h.ctx.db, { ...row, issue_id: 'in-window', dispatched_at: at(23.5) });
  await recordInDedupWindow(h.ctx.db, { ...row, issue_id: 'old', dispatched_at: at(25) });

  expect(await retention.maybePrune()).toMatchObject({ dedupWindow: 1 });
  expect(await retention.maybePrune()).toBeUndefined();
  h.advance(PRUNE_EVERY_MS - 1);
  expect(await retention.maybePrune()).toBeUndefined();
  h.advance(1);
  // An hour on, the row that was 23.5 h old is past the window and the 1-day retention.
  expect(await retention.maybePrune()).toMatchObject({ dedupWindow: 1 });
  expect(await h.ctx.db.selectFrom('dedup_window').selectAll().execute()).toEqual([]);
});
