import type { Kysely, Selectable } from 'kysely';
import type { Database, TrackedIssuesTable } from './schema.ts';
import { chunks } from './chunks.ts';
import { replaceTeamRows, type TeamRowsTable } from './team-rows-diff.ts';
import { afterTeamIssue } from './team-issue-order.ts';

/** Named queries for the issue inbox: what the last successful poll saw, per team. */

export type TrackedIssueRow = Selectable<TrackedIssuesTable>;

/** How the tick diffs the inbox: `seen_at` is when the poll first saw the issue as it is now. */
const TRACKED_ISSUES: TeamRowsTable<TrackedIssueRow> = {
  table: 'tracked_issues',
  compared: {
    issue_identifier: 'text',
    issue_title: 'text',
    issue_url: 'text',
    team_key: 'text',
    ticketing_provider: 'text',
    state_name: 'text',
    state_type: 'text',
    stage: 'text',
    priority: 'integer',
  },
  since: 'seen_at',
};

/**
 * Makes the inbox rows of the polled teams what this poll saw, as a diff the database computes
 * (team-rows-diff.ts): rows no longer seen are deleted, new and changed rows are upserted,
 * unchanged rows are not written (`seen_at` is when the poll first saw the issue as it is now).
 * Teams whose fetch failed keep their rows.
 */
export async function replaceTrackedIssues(
  db: Kysely<Database>,
  teamKeys: string[],
  rows: TrackedIssueRow[],
): Promise<void> {
  await replaceTeamRows(db, TRACKED_ISSUES, teamKeys, rows);
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
    query = query.where(afterTeamIssue(after));
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
