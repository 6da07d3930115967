import type { Kysely, Selectable } from 'kysely';
import { chunks } from './chunks.ts';
import type { Database, BlockersTable } from './schema.ts';

/** Named queries for blockers: why each eligible issue was not dispatched on the last tick. */

export type BlockerRow = Selectable<BlockersTable>;

/**
 * Makes the blockers of the given team keys this tick's refusals, as a diff in one transaction:
 * rows no longer refused are deleted, new and changed rows are upserted, unchanged rows are not
 * written. `recorded_at` is when the issue was first refused for its current reason, so it stays
 * while the reason does. Teams whose fetch failed are not listed, so their last known blockers
 * stay. Rows are written 500 at a time to stay under the databases' parameter limits.
 */
export async function replaceBlockers(
  db: Kysely<Database>,
  teamKeys: string[],
  rows: BlockerRow[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const existing = new Map<string, BlockerRow>();
    for (const keys of chunks(teamKeys, 500)) {
      const found = await trx.selectFrom('blockers').selectAll().where('team_key', 'in', keys).execute();
      for (const row of found) existing.set(row.issue_id, row);
    }
    const next = new Set(rows.map((row) => row.issue_id));
    const gone = [...existing.keys()].filter((issueId) => !next.has(issueId));
    for (const ids of chunks(gone, 500))
      await trx.deleteFrom('blockers').where('issue_id', 'in', ids).execute();
    const changed: BlockerRow[] = [];
    for (const row of rows) {
      const before = existing.get(row.issue_id);
      if (before && sameBlocker(before, row)) continue;
      changed.push(before?.reason === row.reason ? { ...row, recorded_at: before.recorded_at } : row);
    }
    for (const values of chunks(changed, 500)) {
      await trx
        .insertInto('blockers')
        .values(values)
        .onConflict((oc) =>
          oc.column('issue_id').doUpdateSet((eb) => ({
            issue_identifier: eb.ref('excluded.issue_identifier'),
            issue_title: eb.ref('excluded.issue_title'),
            issue_url: eb.ref('excluded.issue_url'),
            team_key: eb.ref('excluded.team_key'),
            bucket: eb.ref('excluded.bucket'),
            reason: eb.ref('excluded.reason'),
            detail: eb.ref('excluded.detail'),
            recorded_at: eb.ref('excluded.recorded_at'),
          })),
        )
        .execute();
    }
  });
}

function sameBlocker(a: BlockerRow, b: BlockerRow): boolean {
  return (
    a.issue_identifier === b.issue_identifier &&
    a.issue_title === b.issue_title &&
    a.issue_url === b.issue_url &&
    a.team_key === b.team_key &&
    a.bucket === b.bucket &&
    a.reason === b.reason &&
    a.detail === b.detail
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
    query = query.where((eb) =>
      eb(
        eb.refTuple('team_key', 'issue_identifier', 'issue_id'),
        '>',
        eb.tuple(after.teamKey, after.identifier, after.issueId),
      ),
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
  await db.deleteFrom('blockers').where('issue_id', '=', issueId).execute();
}

/** Records one refusal outside the poll (a follow-up run refused by the gate). */
export async function upsertBlocker(db: Kysely<Database>, row: BlockerRow): Promise<void> {
  await db
    .insertInto('blockers')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('issue_id')
        .doUpdateSet({ reason: row.reason, detail: row.detail, recorded_at: row.recorded_at }),
    )
    .execute();
}
