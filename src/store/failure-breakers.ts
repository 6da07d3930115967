import type { Kysely, Selectable } from 'kysely';
import type { Database, FailureBreakersTable } from './schema.ts';

/** Named queries for the failure breaker: issues parked after repeated failed runs. */

export type BreakerRow = Selectable<FailureBreakersTable>;

/**
 * Counts one more consecutive failure; parks the issue when the count reaches `threshold`.
 * Returns the row after the update.
 */
export async function recordRunFailure(
  db: Kysely<Database>,
  issue: { id: string; identifier: string },
  threshold: number,
  now: Date,
): Promise<BreakerRow> {
  return db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('failure_breakers')
      .selectAll()
      .where('issue_id', '=', issue.id)
      .executeTakeFirst();
    const failures = (current?.consecutive_failures ?? 0) + 1;
    const at = now.toISOString();
    const row: BreakerRow = {
      issue_id: issue.id,
      issue_identifier: issue.identifier,
      consecutive_failures: failures,
      parked_at: current?.parked_at ?? (failures >= threshold ? at : null),
      updated_at: at,
    };
    await trx
      .insertInto('failure_breakers')
      .values(row)
      .onConflict((oc) =>
        oc.column('issue_id').doUpdateSet({
          consecutive_failures: row.consecutive_failures,
          parked_at: row.parked_at,
          updated_at: row.updated_at,
        }),
      )
      .execute();
    return row;
  });
}

/** A successful run resets the count. */
export async function recordRunSuccess(db: Kysely<Database>, issueId: string): Promise<void> {
  await db.deleteFrom('failure_breakers').where('issue_id', '=', issueId).execute();
}

/** An operator un-parks an issue; false when it was not parked. */
export async function clearBreaker(db: Kysely<Database>, issueId: string): Promise<boolean> {
  const result = await db.deleteFrom('failure_breakers').where('issue_id', '=', issueId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listParked(db: Kysely<Database>): Promise<BreakerRow[]> {
  return db.selectFrom('failure_breakers').selectAll().where('parked_at', 'is not', null).execute();
}

/** Whether one issue is parked. */
export async function isParked(db: Kysely<Database>, issueId: string): Promise<boolean> {
  const row = await db
    .selectFrom('failure_breakers')
    .select('issue_id')
    .where('issue_id', '=', issueId)
    .where('parked_at', 'is not', null)
    .executeTakeFirst();
  return row !== undefined;
}
