import type { Kysely, Selectable } from 'kysely';
import { chunks } from './chunks.ts';
import type { Database, TrackedIssuesTable } from './schema.ts';

/** Named queries for the issue inbox: what the last successful poll saw, per team. */

export type TrackedIssueRow = Selectable<TrackedIssuesTable>;

/**
 * Makes the inbox rows of the polled teams what this poll saw, as a diff in one transaction: rows
 * no longer seen are deleted, new and changed rows are upserted, unchanged rows are not written
 * (`seen_at` is when the poll first saw the issue as it is now). Teams whose fetch failed keep
 * their rows. Rows are written 500 at a time.
 */
export async function replaceTrackedIssues(
  db: Kysely<Database>,
  teamKeys: string[],
  rows: TrackedIssueRow[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const existing = new Map<string, TrackedIssueRow>();
    for (const keys of chunks(teamKeys, 500)) {
      const found = await trx
        .selectFrom('tracked_issues')
        .selectAll()
        .where('team_key', 'in', keys)
        .execute();
      for (const row of found) existing.set(row.issue_id, row);
    }
    const next = new Set(rows.map((row) => row.issue_id));
    const gone = [...existing.keys()].filter((issueId) => !next.has(issueId));
    for (const ids of chunks(gone, 500))
      await trx.deleteFrom('tracked_issues').where('issue_id', 'in', ids).execute();
    const changed = rows.filter((row) => {
      const before = existing.get(row.issue_id);
      return !before || !sameTrackedIssue(before, row);
    });
    for (const values of chunks(changed, 500)) {
      await trx
        .insertInto('tracked_issues')
        .values(values)
        .onConflict((oc) =>
          oc.column('issue_id').doUpdateSet((eb) => ({
            issue_identifier: eb.ref('excluded.issue_identifier'),
            issue_title: eb.ref('excluded.issue_title'),
            issue_url: eb.ref('excluded.issue_url'),
            team_key: eb.ref('excluded.team_key'),
            ticketing_provider: eb.ref('excluded.ticketing_provider'),
            state_name: eb.ref('excluded.state_name'),
            state_type: eb.ref('excluded.state_type'),
            stage: eb.ref('excluded.stage'),
            priority: eb.ref('excluded.priority'),
            seen_at: eb.ref('excluded.seen_at'),
          })),
        )
        .execute();
    }
  });
}

/** Every column but `seen_at` equal (spelled out: this runs for every inbox row of every tick). */
function sameTrackedIssue(a: TrackedIssueRow, b: TrackedIssueRow): boolean {
  return (
    a.issue_id === b.issue_id &&
    a.issue_identifier === b.issue_identifier &&
    a.issue_title === b.issue_title &&
    a.issue_url === b.issue_url &&
    a.team_key === b.team_key &&
    a.ticketing_provider === b.ticketing_provider &&
    a.state_name === b.state_name &&
    a.state_type === b.state_type &&
    a.stage === b.stage &&
    a.priority === b.priority
  );
}

/**
 * Inbox rows by `(team_key, issue_identifier, issue_id)`, after `after` (keyset pagination over
 * index `tracked_issues_team_issue`); every row without a limit.
 */
export async function listTrackedIssues(
  db: Kysely<Database>,
  page?: { limit: number; after?: { team_key: string; issue_identifier: string; issue_id: string } },
): Promise<TrackedIssueRow[]> {
  let query = db
    .selectFrom('tracked_issues')
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
        eb.tuple(after.team_key, after.issue_identifier, after.issue_id),
      ),
    );
  }
  return query.execute();
}

/** The inbox rows of the given issues, 500 ids a query. */
export async function listTrackedIssuesByIds(
  db: Kysely<Database>,
  issueIds: string[],
): Promise<TrackedIssueRow[]> {
  const rows: TrackedIssueRow[] = [];
  for (const ids of chunks(issueIds, 500)) {
    rows.push(...(await db.selectFrom('tracked_issues').selectAll().where('issue_id', 'in', ids).execute()));
  }
  return rows;
}
