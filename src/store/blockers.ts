import type { Kysely, Selectable } from 'kysely';
import type { Database, BlockersTable } from './schema.ts';

/** Named queries for blockers: why each eligible issue was not dispatched on the last tick. */

export type BlockerRow = Selectable<BlockersTable>;

/**
 * Replaces the blockers of the given team keys with this tick's refusals. Teams whose fetch
 * failed are not listed, so their last known blockers stay.
 */
export async function replaceBlockers(
  db: Kysely<Database>,
  teamKeys: string[],
  rows: BlockerRow[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (teamKeys.length > 0) await trx.deleteFrom('blockers').where('team_key', 'in', teamKeys).execute();
    if (rows.length > 0) await trx.insertInto('blockers').values(rows).execute();
  });
}

export async function listBlockers(db: Kysely<Database>): Promise<BlockerRow[]> {
  return db.selectFrom('blockers').selectAll().orderBy('team_key').orderBy('issue_identifier').execute();
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
