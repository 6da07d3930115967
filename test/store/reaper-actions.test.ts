import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/database.ts';
import { findDispatchByExternalId } from '../../src/store/dispatches.ts';
import {
  countReaperActionsByRule,
  insertReaperAction,
  listRecentReaperActions,
  reaperActionRecorded,
  type ReaperActionRow,
} from '../../src/store/reaper-actions.ts';
import { storeDialects } from '../support/store-dialects.ts';

const at = (hour: number) => new Date(Date.UTC(2026, 10, 21, hour));

function action(id: string, hour: number, extra: Partial<ReaperActionRow> = {}): ReaperActionRow {
  return {
    id,
    at: at(hour).toISOString(),
    rule: 'orphan',
    target: 'machine',
    machine_id: `m-${id}`,
    run_id: null,
    dispatch_id: null,
    tenant: null,
    issue_identifier: null,
    age_seconds: 700,
    dry_run: 0,
    ...extra,
  };
}

for (const dialect of storeDialects()) {
  describe(`reaper actions on ${dialect.name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await dialect.open();
    });
    afterEach(async () => {
      await store?.close();
    });
    afterAll(() => dialect.shutdown());

    it('counts by rule and mode in a window, lists newest first, knows what it recorded', async () => {
      await insertReaperAction(store.db, action('a', 1));
      await insertReaperAction(store.db, action('b', 5, { rule: 'max-age-exceeded' }));
      await insertReaperAction(store.db, action('c', 6, { dry_run: 1 }));
      await insertReaperAction(
        store.db,
        action('d', 7, { target: 'actions-run', machine_id: null, run_id: '42', rule: 'max-age-exceeded' }),
      );
      expect(await countReaperActionsByRule(store.db, at(2))).toEqual(
        new Map([
          ['max-age-exceeded', 2],
          ['orphan', 1],
        ]),
      );
      expect(await countReaperActionsByRule(store.db, at(0), false)).toEqual(
        new Map([
          ['max-age-exceeded', 2],
          ['orphan', 1],
        ]),
      );
      expect((await listRecentReaperActions(store.db, 2)).map((row) => row.id)).toEqual(['d', 'c']);
      expect(await reaperActionRecorded(store.db, { machineId: 'm-c' }, true)).toBe(true);
      expect(await reaperActionRecorded(store.db, { machineId: 'm-c' }, false)).toBe(false);
      expect(await reaperActionRecorded(store.db, { runId: '42' }, false)).toBe(true);
      expect(await findDispatchByExternalId(store.db, 'm-a')).toBeUndefined();
    });
  });
}
