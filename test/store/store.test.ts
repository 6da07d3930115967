import { sql } from 'kysely';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MappingInputSchema } from '../../src/domain/mapping.ts';
import type { Store } from '../../src/store/database.ts';
import {
  acceptResult,
  getDispatch,
  insertPendingDispatch,
  listInFlight,
  listOverdue,
  markFailedWithoutResult,
  markRunning,
  type NewDispatch,
} from '../../src/store/dispatches.ts';
import {
  deleteMapping,
  getMapping,
  getMappings,
  listMappings,
  listTicketingProvidersInUse,
  upsertMapping,
} from '../../src/store/mappings.ts';
import { deleteFromDedupWindow, listDedupWindow, recordInDedupWindow } from '../../src/store/dedup-window.ts';
import { deleteBlocker, listBlockers, replaceBlockers, upsertBlocker } from '../../src/store/blockers.ts';
import {
  clearBreaker,
  listParked,
  recordRunFailure,
  recordRunSuccess,
} from '../../src/store/failure-breakers.ts';
import { listTrackedIssues, replaceTrackedIssues } from '../../src/store/tracked-issues.ts';
import { listTicketStatesByIds, recordTicketStates } from '../../src/store/ticket-states.ts';
import { isAdminSessionValid, insertAdminSession } from '../../src/store/admin-sessions.ts';
import { getSetting, setSetting } from '../../src/store/settings.ts';
import { bumpTableVersion } from '../../src/store/table-versions.ts';
import { storeDialects } from '../support/store-dialects.ts';

const t0 = new Date('2026-11-21T10:00:00.000Z');
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000);

/** A blocker row of team ENG refused for `reason` since `at`. */
const engBlocker = (id: string, reason: string, at: Date, detail = 'd') => ({
  issue_id: id,
  issue_identifier: id,
  issue_title: 't',
  issue_url: 'u',
  team_key: 'ENG',
  bucket: 'linear:ENG',
  reason,
  detail,
  recorded_at: at.toISOString(),
});

/** The mapping of team ENG to acme/api, with the schema's defaults. */
const engMapping = () =>
  MappingInputSchema.parse({ teamKey: 'ENG', owner: 'acme', repo: 'api', defaultBranch: 'main' });

function newDispatch(id: string, issueId = 'issue-1'): NewDispatch {
  return {
    id,
    job_id: id,
    issue_id: issueId,
    issue_identifier: 'ENG-1',
    issue_title: 'Add export',
    issue_url: 'https://linear.app/acme/issue/ENG-1',
    ticketing_provider: 'linear',
    team_key: 'ENG',
    bucket: 'linear:ENG',
    repo: 'acme/api',
    phase: 'planning',
    runner_mode: 'github-actions',
    image: null,
    workflow_file: 'claude-plan.yml',
    priority: 2,
    created_at: t0.toISOString(),
    deadline_at: minutes(100).toISOString(),
    pull_request_key: null,
  };
}

const result = (status: 'succeeded' | 'failed', body: string) => ({
  status,
  resultJson: body,
  receivedAt: minutes(5),
  prUrl: null,
  prNumber: null,
  branch: null,
  costUsd: 0.5,
  usageJson: null,
  error: null,
});

for (const dialect of storeDialects()) {
  describe(`store on ${dialect.name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await dialect.open();
    });
    afterEach(async () => {
      await store?.close();
    });
    afterAll(() => dialect.shutdown());

    it('creates, replaces, lists and deletes mappings', async () => {
      const mapping = engMapping();
      expect(await upsertMapping(store.db, mapping, t0)).toBe(true);
      expect(await upsertMapping(store.db, { ...mapping, paused: true }, minutes(1))).toBe(false);
      expect((await getMapping(store.db, 'ENG'))?.paused).toBe(true);
      const [listed] = await listMappings(store.db);
      // Unchanged since the last call: the same frozen object, not another parse; edited: a new one.
      expect((await listMappings(store.db))[0]).toBe(listed);
      expect(Object.isFrozen(listed)).toBe(true);
      await upsertMapping(store.db, { ...mapping, paused: false }, minutes(2));
      const [edited] = await listMappings(store.db);
      expect(edited).not.toBe(listed);
      expect([listed?.paused, edited?.paused]).toEqual([true, false]);
      // By team keys in one query: the parsed objects `listMappings` gave, none for unknown keys.
      expect(await getMappings(store.db, ['ENG', 'NOPE', 'ENG'])).toEqual([edited]);
      expect((await getMappings(store.db, ['ENG']))[0]).toBe(edited);
      expect(await getMappings(store.db, [])).toEqual([]);
      expect(await listTicketingProvidersInUse(store.db)).toEqual(['linear']);
      const github = MappingInputSchema.parse({
        ...mapping,
        teamKey: 'GH',
        ticketingProvider: 'github',
        ticketingConfig: { kind: 'github' },
      });
      await upsertMapping(store.db, github, t0);
      expect((await listTicketingProvidersInUse(store.db)).sort()).toEqual(['github', 'linear']);
      await deleteMapping(store.db, 'GH');
      expect(await deleteMapping(store.db, 'ENG')).toBe(true);
      expect(await deleteMapping(store.db, 'ENG')).toBe(false);
    });

    it('lists mappings from memory while their counter stands, and reads them again once a writer moves it', async () => {
      const mapping = engMapping();
      await upsertMapping(store.db, mapping, t0);
      const [listed] = await listMappings(store.db);
      // A change that does not move the counter is not seen: the list comes from memory.
      await sql`UPDATE mappings SET data = ${JSON.stringify({ ...mapping, paused: true })}`.execute(store.db);
      expect((await listMappings(store.db))[0]).toBe(listed);
      expect((await getMappings(store.db, ['ENG']))[0]).toBe(listed);
      // Another process's writer moves it with its write (as upsertMapping and deleteMapping do).
      await bumpTableVersion(store.db, 'mappings');
      expect((await listMappings(store.db))[0]?.paused).toBe(true);
      expect((await getMappings(store.db, ['ENG']))[0]?.paused).toBe(true);
      await deleteMapping(store.db, 'ENG');
      expect(await listMappings(store.db)).toEqual([]);
      expect(await getMappings(store.db, ['ENG'])).toEqual([]);
    });

    it('numbers dispatches per issue and tracks them in flight', async () => {
      expect(await insertPendingDispatch(store.db, newDispatch('d1'))).toBe(1);
      expect(await insertPendingDispatch(store.db, newDispatch('d2'))).toBe(2);
      expect(await insertPendingDispatch(store.db, newDispatch('d3', 'issue-2'))).toBe(1);
      await markRunning(store.db, 'd1', { dispatchedAt: minutes(1), externalId: undefined });
      expect((await getDispatch(store.db, 'd1'))?.status).toBe('running');
      expect((await listInFlight(store.db)).map((row) => row.id).sort()).toEqual(['d1', 'd2', 'd3']);
    });

    it('locks in exactly one result, even when two arrive at once', async () => {
      await insertPendingDispatch(store.db, newDispatch('d1'));
      const outcomes = await Promise.all([
        acceptResult(store.db, 'd1', result('succeeded', '{"a":1}')),
        acceptResult(store.db, 'd1', result('failed', '{"b":2}')),
      ]);
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const row = await getDispatch(store.db, 'd1');
      expect(row?.result_json).toBe(outcomes[0] ? '{"a":1}' : '{"b":2}');
      expect(await acceptResult(store.db, 'missing', result('succeeded', '{}'))).toBe(false);
    });

    it('finds overdue runs and never fails one that already reported', async () => {
      await insertPendingDispatch(store.db, newDispatch('d1'));
      await insertPendingDispatch(store.db, newDispatch('d2', 'issue-2'));
      expect(await listOverdue(store.db, minutes(50))).toHaveLength(0);
      expect((await listOverdue(store.db, minutes(101))).map((row) => row.id).sort()).toEqual(['d1', 'd2']);
      await acceptResult(store.db, 'd2', result('succeeded', '{}'));
      expect(
        await markFailedWithoutResult(store.db, 'd1', {
          error: 'timed out',
          finishedAt: minutes(101),
          reason: 'deadline',
        }),
      ).toBe(true);
      expect(
        await markFailedWithoutResult(store.db, 'd2', {
          error: 'timed out',
          finishedAt: minutes(101),
          reason: 'deadline',
        }),
      ).toBe(false);
      expect((await getDispatch(store.db, 'd2'))?.status).toBe('succeeded');
    });

    it('keeps the dedup window and lets an operator remove an issue', async () => {
      const row = {
        issue_id: 'i1',
        issue_identifier: 'ENG-1',
        issue_title: 'x',
        team_key: 'ENG',
        dispatched_at: t0.toISOString(),
      };
      await recordInDedupWindow(store.db, row);
      await recordInDedupWindow(store.db, { ...row, dispatched_at: minutes(10).toISOString() });
      expect(await listDedupWindow(store.db, minutes(-1))).toHaveLength(1);
      expect(await listDedupWindow(store.db, minutes(11))).toHaveLength(0);
      expect(await deleteFromDedupWindow(store.db, 'i1')).toBe(true);
      expect(await listDedupWindow(store.db, minutes(-1))).toHaveLength(0);
    });

    it('replaces blockers only for the teams that were polled', async () => {
      const blocker = (id: string, team: string) => ({
        issue_id: id,
        issue_identifier: id,
        issue_title: 't',
        issue_url: 'u',
        team_key: team,
        bucket: `linear:${team}`,
        reason: 'capacity',
        detail: '3 of 3 in progress',
        recorded_at: t0.toISOString(),
      });
      await replaceBlockers(store.db, ['ENG', 'OPS'], [blocker('a', 'ENG'), blocker('b', 'OPS')]);
      await replaceBlockers(store.db, ['ENG'], [blocker('c', 'ENG')]);
      expect((await listBlockers(store.db)).map((row) => row.issue_id).sort()).toEqual(['b', 'c']);
    });

    it('writes blockers as a diff: a kept reason keeps its time, a new reason starts one', async () => {
      const blocker = engBlocker;
      await replaceBlockers(store.db, ['ENG'], [blocker('a', 'capacity', t0), blocker('b', 'capacity', t0)]);
      await replaceBlockers(
        store.db,
        ['ENG'],
        [blocker('a', 'capacity', minutes(1), '2 of 2'), blocker('b', 'dependency', minutes(1))],
      );
      const rows = new Map((await listBlockers(store.db)).map((row) => [row.issue_id, row]));
      expect(rows.get('a')).toMatchObject({ detail: '2 of 2', recorded_at: t0.toISOString() });
      expect(rows.get('b')).toMatchObject({ reason: 'dependency', recorded_at: minutes(1).toISOString() });
      expect(rows.get('a')!.blocking_json).toBe('[]');

      // The tickets a dependency waits for are kept, and change the row when they change.
      const blocking = JSON.stringify([{ identifier: 'ENG-9', url: 'https://linear.app/acme/issue/ENG-9' }]);
      await replaceBlockers(
        store.db,
        ['ENG'],
        [{ ...blocker('b', 'dependency', minutes(2)), blocking_json: blocking }],
      );
      expect((await listBlockers(store.db))[0]).toMatchObject({
        blocking_json: blocking,
        recorded_at: minutes(1).toISOString(),
      });
    });

    it('sees a write by another writer between two diffs of the same teams', async () => {
      // With their blocking list, the rows reach the diff as these objects (tick-rows.ts reuses them).
      const blocker = (id: string, reason: string) => ({
        ...engBlocker(id, reason, t0),
        blocking_json: '[]',
      });
      const tick = [blocker('a', 'capacity'), blocker('b', 'capacity')];
      await replaceBlockers(store.db, ['ENG'], tick);
      // The second diff is handed the same objects (nothing else wrote in between): nothing to do.
      await replaceBlockers(store.db, ['ENG'], tick);
      // A dispatch by another path drops a row, a refused follow-up rewrites one…
      await deleteBlocker(store.db, 'a');
      await upsertBlocker(store.db, { ...blocker('b', 'review_capacity'), detail: 'follow-up' });
      // …and the next tick's diff puts back what the tick says, not what it wrote last.
      await replaceBlockers(store.db, ['ENG'], tick);
      expect((await listBlockers(store.db)).map((row) => [row.issue_id, row.reason])).toEqual([
        ['a', 'capacity'],
        ['b', 'capacity'],
      ]);
      // The same objects for other teams are another diff: OPS's row goes.
      await upsertBlocker(store.db, { ...blocker('o', 'capacity'), team_key: 'OPS' });
      await replaceBlockers(store.db, ['ENG', 'OPS'], tick);
      await replaceBlockers(store.db, ['ENG', 'OPS'], tick);
      expect((await listBlockers(store.db)).map((row) => row.issue_id)).toEqual(['a', 'b']);
    });

    it('reads one row and writes nothing for rows rebuilt equal to the last diff, in its order', async () => {
      // The tick rebuilds some rows each poll (a dependency blocker read back from the table).
      const kinds: string[] = [];
      const db = store.db.withPlugin({
        transformQuery: ({ node }) => (kinds.push(node.kind), node),
        transformResult: async ({ result }) => result,
      });
      const tick = () => ['a', 'b'].map((id) => ({ ...engBlocker(id, 'capacity', t0), blocking_json: '[]' }));
      await replaceBlockers(db, ['ENG'], tick());
      kinds.length = 0;
      await replaceBlockers(db, ['ENG'], tick());
      expect(kinds).toEqual(['SelectQueryNode']);

      // A rebuilt row that differs is written.
      const changed = tick();
      changed[1] = { ...changed[1]!, detail: '2 of 2' };
      await replaceBlockers(db, ['ENG'], changed);
      expect((await listBlockers(store.db)).map((row) => row.detail)).toEqual(['d', '2 of 2']);
    });

    it('records ticket states in one statement, keeping read_at while a state stays the same', async () => {
      const state = (id: string, stateName: string) => ({ id, stateName, stateType: 'started' });
      await recordTicketStates(store.db, [state('a', 'In Progress'), state('b', 'In Progress')], 't1');
      const kinds: string[] = [];
      const db = store.db.withPlugin({
        transformQuery: ({ node }) => (kinds.push(node.kind), node),
        transformResult: async ({ result }) => result,
      });
      // b given twice: the last counts.
      const later = [
        state('a', 'In Progress'),
        state('b', 'In Review'),
        state('b', 'In QA'),
        state('c', 'Todo'),
      ];
      await recordTicketStates(db, later, 't2');
      expect(kinds).toEqual(['RawNode']);
      const rows = await listTicketStatesByIds(store.db, ['a', 'b', 'c']);
      expect([...rows.values()].map((r) => [r.issue_id, r.state_name, r.read_at]).sort()).toEqual([
        ['a', 'In Progress', 't1'],
        ['b', 'In QA', 't2'],
        ['c', 'Todo', 't2'],
      ]);
    });

    it('writes the inbox as a diff computed in the database', async () => {
      const row = (i: number, stage = 'ready') => ({
        issue_id: `issue-${i}`,
        issue_identifier: `ENG-${i}`,
        issue_title: 't',
        issue_url: 'u',
        team_key: i % 2 === 0 ? 'ENG' : 'OPS',
        ticketing_provider: 'linear',
        state_name: 'Todo',
        state_type: 'unstarted',
        stage,
        priority: 0,
        seen_at: t0.toISOString(),
      });
      const many = Array.from({ length: 1_200 }, (_, i) => row(i));
      await replaceTrackedIssues(store.db, ['ENG', 'OPS'], many);
      const later = (r: ReturnType<typeof row>) => ({ ...r, seen_at: minutes(1).toISOString() });
      const next = [later(row(2, 'plan_approved')), ...many.slice(3).map(later)];
      await replaceTrackedIssues(store.db, ['ENG', 'OPS'], next);
      const rows = await listTrackedIssues(store.db);
      expect(rows).toHaveLength(1_198);
      const byId = new Map(rows.map((r) => [r.issue_id, r]));
      expect(byId.has('issue-0')).toBe(false);
      expect(byId.get('issue-2')).toMatchObject({
        stage: 'plan_approved',
        seen_at: minutes(1).toISOString(),
      });
      expect(byId.get('issue-3')?.seen_at).toBe(t0.toISOString());
    });

    it('counts a row given twice once, and empties a polled team that has nothing left', async () => {
      const row = (id: string, team: string, title: string) => ({
        issue_id: id,
        issue_identifier: id,
        issue_title: title,
        issue_url: 'u',
        team_key: team,
        ticketing_provider: 'linear',
        state_name: 'Todo',
        state_type: 'unstarted',
        stage: 'ready',
        priority: 2,
        seen_at: t0.toISOString(),
      });
      await replaceTrackedIssues(store.db, ['ENG', 'OPS'], [row('a', 'ENG', 'old'), row('a', 'ENG', 'new')]);
      await replaceTrackedIssues(store.db, ['OPS'], [row('o', 'OPS', 'it\'s "quoted" — ünïcode')]);
      expect(await listTrackedIssues(store.db)).toMatchObject([
        { issue_id: 'a', issue_title: 'new', priority: 2 },
        { issue_id: 'o', issue_title: 'it\'s "quoted" — ünïcode' },
      ]);
      await replaceTrackedIssues(store.db, ['ENG'], []);
      expect((await listTrackedIssues(store.db)).map((r) => r.issue_id)).toEqual(['o']);
    });

    it('parks an issue after the threshold of consecutive failures until cleared', async () => {
      const issue = { id: 'i1', identifier: 'ENG-1' };
      await recordRunFailure(store.db, issue, 3, t0);
      await recordRunSuccess(store.db, 'i1');
      await recordRunFailure(store.db, issue, 3, t0);
      await recordRunFailure(store.db, issue, 3, t0);
      expect(await listParked(store.db)).toHaveLength(0);
      expect((await recordRunFailure(store.db, issue, 3, t0)).parked_at).toBe(t0.toISOString());
      expect(await listParked(store.db)).toHaveLength(1);
      expect(await clearBreaker(store.db, 'i1')).toBe(true);
      expect(await listParked(store.db)).toHaveLength(0);
    });

    it('expires admin sessions and keeps settings', async () => {
      await insertAdminSession(store.db, 'hash', t0, minutes(60));
      expect(await isAdminSessionValid(store.db, 'hash', minutes(59))).toBe(true);
      expect(await isAdminSessionValid(store.db, 'hash', minutes(61))).toBe(false);
      await setSetting(store.db, 'runnerMode', 'gha', t0);
      await setSetting(store.db, 'runnerMode', 'fly', t0);
      expect(await getSetting(store.db, 'runnerMode')).toBe('fly');
    });
  });
}
