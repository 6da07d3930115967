import type { Kysely, Selectable } from 'kysely';
import type { Database, DedupWindowTable } from './schema.ts';

/** Named queries for the dedup window: issues dispatched in the last 24 hours (seed 003, step 2). */

export type DedupRow = Selectable<DedupWindowTable>;

/** Starts (or restarts) an issue's window at its newest dispatch. */
export async function recordInDedupWindow(db: Kysely<Database>, row: DedupRow): Promise<void> {
  await db
    .insertInto('dedup_window')
    .values(row)
    .onConflict((oc) =>
      oc.column('issue_id').doUpdateSet({
        dispatched_at: row.dispatched_at,
        issue_title: row.issue_title,
        issue_identifier: row.issue_identifier,
      }),
    )
    .execute();
}

/**
 * Rows whose dispatch is newer than `since` (the window's start), newest first:
 * `(dispatched_at, issue_id)` descending, after `page.after` (keyset pagination over index
 * `dedup_window_dispatched_at`); every row without a page.
 */
export async function listDedupWindow(
  db: Kysely<Database>,
  since: Date,
  page?: { limit: number; after?: { dispatchedAt: string; issueId: string } },
): Promise<DedupRow[]> {
  let query = db
    .selectFrom('dedup_window')
    .selectAll()
    .where('dispatched_at', '>', since.toISOString())
    .orderBy('dispatched_at', 'desc')
    .orderBy('issue_id', 'desc');
  if (page) query = query.limit(page.limit);
  const after = page?.after;
  if (after) {
    query = query.where((eb) =>
      eb(eb.refTuple('dispatched_at', 'issue_id'), '<', eb.tuple(after.dispatchedAt, after.issueId)),
    );
  }
  return query.execute();
}

/** One issue's window entry, if it has one (newer or older than the window's start). */
export async function getDedupEntry(db: Kysely<Database>, issueId: string): Promise<DedupRow | undefined> {
  return db.selectFrom('dedup_window').selectAll().where('issue_id', '=', issueId).executeTakeFirst();
}

/** Removes an issue from the window so the next poll may dispatch it again; false if absent. */
export async function deleteFromDedupWindow(db: Kysely<Database>, issueId: string): Promise<boolean> {
  const result = await db.deleteFrom('dedup_window').where('issue_id', '=', issueId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
