import type { Kysely, Selectable } from 'kysely';
import type { Database, TrackedIssuesTable } from './schema.ts';

/** Named queries for the issue inbox: what the last successful poll saw, per team. */

export type TrackedIssueRow = Selectable<TrackedIssuesTable>;

/** Replaces the inbox rows of the polled teams; teams whose fetch failed keep theirs. */
export async function replaceTrackedIssues(
  db: Kysely<Database>,
  teamKeys: string[],
  rows: TrackedIssueRow[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (teamKeys.length > 0)
      await trx.deleteFrom('tracked_issues').where('team_key', 'in', teamKeys).execute();
    if (rows.length > 0) await trx.insertInto('tracked_issues').values(rows).execute();
  });
}

export async function listTrackedIssues(db: Kysely<Database>): Promise<TrackedIssueRow[]> {
  return db
    .selectFrom('tracked_issues')
    .selectAll()
    .orderBy('team_key')
    .orderBy('issue_identifier')
    .execute();
}
