import type { Kysely, Selectable } from 'kysely';
import type { Database, BlockersTable } from './schema.ts';
import { chunks } from './chunks.ts';
import { bumpTeamRowsVersion, replaceTeamRows, type TeamRowsTable } from './team-rows-diff.ts';
import { afterTeamIssue } from './team-issue-order.ts';

/** Named queries for blockers: why each eligible issue was not dispatched on the last tick. */

export type BlockerRow = Selectable<BlockersTable>;
/** A blocker to write: `blocking_json` defaults to `[]` (no blocking tickets). */
export type NewBlockerRow = Omit<BlockerRow, 'blocking_json'> & { blocking_json?: string };

/** How the tick diffs blockers: `recorded_at` is when the issue was first refused for its reason. */
const BLOCKERS: TeamRowsTable<BlockerRow> = {
  table: 'blockers',
  compared: {
    issue_identifier: 'text',
    issue_title: 'text',
    issue_url: 'text',
    team_key: 'text',
    bucket: 'text',
    reason: 'text',
    detail: 'text',
    blocking_json: 'text',
  },
  since: 'recorded_at',
  sinceKeptWhile: 'reason',
};

/**
 * Makes the blockers of the given team keys this tick's refusals, as a diff the database
 * computes (team-rows-diff.ts): rows no longer refused are deleted, new and changed rows are
 * upserted, unchanged rows are not written. `recorded_at` is when the issue was first refused
 * for its current reason, so it stays while the reason does. Teams whose fetch failed are not
 * listed, so their last known blockers stay.
 */
export async function replaceBlockers(
  db: Kysely<Database>,
  teamKeys: string[],
  rows: NewBlockerRow[],
): Promise<void> {
  await replaceTeamRows(
    db,
    BLOCKERS,
    teamKeys,
    // A row that has its list is passed as it is: the diff tells last tick's row by identity.
    rows.map((row) => (row.blocking_json === undefined ? { ...row, blocking_json: '[]' } : row)),
  );
}

/**
 * One page of blockers by `(team_key, issue_identifier, issue_id)`, after `after` (keyset
 * pagination over index `blockers_team_issue`); every blocker without a limit.
 */
export async function listBlockers(
  db: Kysely<Database>,
  page?: { limit: number; after?: { teamKey: string; identifier: string; issueId: string } },
): Promise<BlockerRow[]> {
  let query = db
    .selectFrom('blockers')
    .selectAll()
    .orderBy('team_key')
    .orderBy('issue_identifier')
    .orderBy('issue_id');
  if (page) query = query.limit(page.limit);
  const after = page?.after;
  if (after) {
    query = query.where(
      afterTeamIssue({
        team_key: after.teamKey,
        issue_identifier: after.identifier,
        issue_id: after.issueId,
      }),
    );
  }
  return query.execute();
}

/** Blocker counts for the KPI cards: all, by reason, and how many teams have any. */
export async function countBlockers(
  db: Kysely<Database>,
): Promise<{ total: number; teams: number; byReason: Record<string, number> }> {
  const [reasons, teams] = await Promise.all([
    db
      .selectFrom('blockers')
      .select(['reason', (eb) => eb.fn.countAll<number | string>().as('rows')])
      .groupBy('reason')
      .execute(),
    db
      .selectFrom('blockers')
      .select((eb) => eb.fn.count<number | string>('team_key').distinct().as('teams'))
      .executeTakeFirstOrThrow(),
  ]);
  const byReason = Object.fromEntries(reasons.map((row) => [row.reason, Number(row.rows)]));
  return {
    total: Object.values(byReason).reduce((sum, rows) => sum + rows, 0),
    teams: Number(teams.teams),
    byReason,
  };
}

/** Blockers whose reason is an unresolved dependency: the last the tick learnt from details. */
export async function listDependencyBlockers(db: Kysely<Database>): Promise<BlockerRow[]> {
  return db.selectFrom('blockers').selectAll().where('reason', '=', 'dependency').execute();
}

/** Drops one issue's blocker row (it was dispatched by another path, or its mapping was deleted). */
export async function deleteBlocker(db: Kysely<Database>, issueId: string): Promise<void> {
  await inTransaction(db, async (trx) => {
    await trx.deleteFrom('blockers').where('issue_id', '=', issueId).execute();
    await bumpTeamRowsVersion(trx, 'blockers');
  });
}

/** Records one refusal outside the poll (a follow-up run refused by the gate). */
export async function upsertBlocker(db: Kysely<Database>, given: NewBlockerRow): Promise<void> {
  const row = { ...given, blocking_json: given.blocking_json ?? '[]' };
  await inTransaction(db, async (trx) => {
    await trx
      .insertInto('blockers')
      .values(row)
      .onConflict((oc) =>
        oc.column('issue_id').doUpdateSet({
          reason: row.reason,
          detail: row.detail,
          recorded_at: row.recorded_at,
          blocking_json: row.blocking_json,
        }),
      )
      .execute();
    await bumpTeamRowsVersion(trx, 'blockers');
  });
}

/** Runs `work` in a transaction, or in the caller's when `db` already is one. */
function inTransaction(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<void>): Promise<void> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

/** The blockers of the given issues, by issue id, 500 ids a query. */
export async function listBlockersByIds(
  db: Kysely<Database>,
  issueIds: string[],
): Promise<Map<string, BlockerRow>> {
  const found = new Map<string, BlockerRow>();
  for (const ids of chunks(issueIds, 500)) {
    const rows = await db.selectFrom('blockers').selectAll().where('issue_id', 'in', ids).execute();
    for (const row of rows) found.set(row.issue_id, row);
  }
  return found;
}
