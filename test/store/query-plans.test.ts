import { CompiledQuery, type Kysely, type KyselyPlugin } from 'kysely';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countBlockers, listBlockers } from '../../src/store/blockers.ts';
import type { Store } from '../../src/store/database.ts';
import { listDedupWindow } from '../../src/store/dedup-window.ts';
import {
  countInFlightByBucket,
  latestDispatchForIssue,
  latestDispatchesOfIssues,
  listInFlightClaims,
  listInFlightClaimsOf,
  listOverdue,
  listRecentDispatches,
} from '../../src/store/dispatches.ts';
import {
  countDispatchesByHour,
  listDispatchesOfPullRequests,
  listLedgerIssues,
  listFailedSince,
  sumCostOfIssues,
} from '../../src/store/dispatch-reports.ts';
import { listTicketingProvidersInUse } from '../../src/store/mappings.ts';
import { listPullRequests } from '../../src/store/pull-requests.ts';
import { sumSpendByTeam } from '../../src/store/spend.ts';
import type { Database } from '../../src/store/schema.ts';
import { listTrackedIssues } from '../../src/store/tracked-issues.ts';
import { storeDialects } from '../support/store-dialects.ts';

/**
 * The hot queries of the tick and the admin lists read an index, never the whole table, and
 * page without sorting: `EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` on PostgreSQL (with sequential
 * scans priced out, so the plan shows whether an index can serve the query at all — on a small
 * test table the planner would otherwise rightly prefer a scan). The queries are the store's own,
 * captured as Kysely compiles them.
 */

/** A Kysely over the same database that records every query it compiles. */
function capturing(db: Kysely<Database>): { db: Kysely<Database>; queries: CompiledQuery[] } {
  const queries: CompiledQuery[] = [];
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      queries.push(db.getExecutor().compileQuery(args.node, args.queryId));
      return args.node;
    },
    async transformResult(args) {
      return args.result;
    },
  };
  return { db: db.withPlugin(plugin), queries };
}

const at = '2026-11-21T10:00:00.000Z';

/** Each hot query, run through `db` (its plan is what the test checks). */
const HOT_QUERIES: [string, (db: Kysely<Database>) => Promise<unknown>][] = [
  ['dispatch log, first page', (db) => listRecentDispatches(db, 501)],
  ['dispatch log, next page', (db) => listRecentDispatches(db, 501, { createdAt: at, id: 'x' })],
  ['overview: the last day’s failures', (db) => listFailedSince(db, new Date(at))],
  ['overview: the last day per hour', (db) => countDispatchesByHour(db, new Date(at))],
  [
    'inbox: ledger issues page',
    (db) => listLedgerIssues(db, 101, { team_key: 'ENG', issue_identifier: 'ENG-1', issue_id: 'i' }),
  ],
  ['inbox: latest dispatch of the page’s issues', (db) => latestDispatchesOfIssues(db, ['a', 'b'])],
  ['latest dispatch of an issue', (db) => latestDispatchForIssue(db, 'a')],
  [
    'inbox page',
    (db) =>
      listTrackedIssues(db, {
        limit: 101,
        after: { team_key: 'ENG', issue_identifier: 'ENG-1', issue_id: 'i' },
      }),
  ],
  [
    'blockers page',
    (db) => listBlockers(db, { limit: 101, after: { teamKey: 'ENG', identifier: 'ENG-1', issueId: 'i' } }),
  ],
  [
    'pull requests page',
    (db) => listPullRequests(db, { limit: 101, after: { updatedAt: at, repo: 'acme/api', number: 7 } }),
  ],
  ['runs of pull requests', (db) => listDispatchesOfPullRequests(db, ['acme/api#7'])],
  ['gate: claims of one issue and bucket', (db) => listInFlightClaimsOf(db, 'a', 'linear:ENG')],
  ['tick: every in-flight claim', (db) => listInFlightClaims(db)],
  ['in flight per bucket', (db) => countInFlightByBucket(db)],
  [
    'gate: this month’s spend per team',
    (db) => sumSpendByTeam(db, { monthStart: new Date(at), dayStart: new Date(at) }),
  ],
  ['issues page: cost per issue', (db) => sumCostOfIssues(db, ['a', 'b'])],
  ['overdue runs', (db) => listOverdue(db, new Date(at))],
  ['dedup window', (db) => listDedupWindow(db, new Date(at))],
  [
    'dedup window page',
    (db) => listDedupWindow(db, new Date(at), { limit: 101, after: { dispatchedAt: at, issueId: 'i' } }),
  ],
  ['poll mode: the trackers the mappings use', (db) => listTicketingProvidersInUse(db)],
];

for (const dialect of storeDialects()) {
  describe(`query plans on ${dialect.name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await dialect.open();
    });
    afterEach(async () => {
      await store?.close();
    });
    afterAll(() => dialect.shutdown());

    /** The plan of `query`, one line per node. */
    async function plan(query: CompiledQuery): Promise<string[]> {
      if (dialect.name === 'sqlite') {
        const result = await store.db.executeQuery<{ detail: string }>(
          CompiledQuery.raw(`EXPLAIN QUERY PLAN ${query.sql}`, [...query.parameters]),
        );
        return result.rows.map((row) => row.detail);
      }
      return store.db.connection().execute(async (connection) => {
        await connection.executeQuery(CompiledQuery.raw('SET enable_seqscan = off'));
        const result = await connection.executeQuery<{ 'QUERY PLAN': string }>(
          CompiledQuery.raw(`EXPLAIN ${query.sql}`, [...query.parameters]),
        );
        await connection.executeQuery(CompiledQuery.raw('RESET enable_seqscan'));
        return result.rows.map((row) => row['QUERY PLAN']);
      });
    }

    it.each(HOT_QUERIES)('%s reads an index, not the table', async (_name, run) => {
      const { db, queries } = capturing(store.db);
      await run(db);
      expect(queries.length).toBeGreaterThan(0);
      for (const query of queries) {
        const lines = await plan(query);
        const text = lines.join('\n');
        if (dialect.name === 'sqlite') {
          // "SCAN t" alone reads the whole table; "SCAN t USING INDEX" walks an index in order.
          expect(text, text).not.toMatch(/SCAN \w+(?! USING)(\s|$)/);
          expect(text, text).not.toContain('USE TEMP B-TREE FOR ORDER BY');
          expect(text, text).toMatch(/USING (COVERING )?INDEX|USING PRIMARY KEY|USING INTEGER PRIMARY KEY/);
        } else {
          expect(text, text).not.toContain('Seq Scan');
          expect(text, text).toMatch(/Index (Only )?Scan|Bitmap Index Scan/);
        }
      }
    });

    it('the Overview’s failures read the day’s range, not every failure in the ledger', async () => {
      const { db, queries } = capturing(store.db);
      await listFailedSince(db, new Date(at));
      const text = (await plan(queries[0]!)).join('\n');
      expect(text, text).toContain('dispatches_created_id');
    });

    it('blocker counts read the blockers index, not the table', async () => {
      const { db, queries } = capturing(store.db);
      await countBlockers(db);
      for (const query of queries) {
        const text = (await plan(query)).join('\n');
        if (dialect.name === 'sqlite') expect(text, text).toMatch(/USING (COVERING )?INDEX|USING INDEX/);
        else expect(text, text).not.toContain('Seq Scan');
      }
    });
  });
}
