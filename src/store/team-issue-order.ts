import { sql, type RawBuilder, type SqlBool } from 'kysely';

/** The sort key of the lists ordered by team, then identifier, then issue id (blockers, inbox). */
export interface TeamIssueKey {
  team_key: string;
  issue_identifier: string;
  issue_id: string;
}

/**
 * The keyset condition "after `after`" in `(team_key, issue_identifier, issue_id)` order, as one
 * row-value comparison (SQLite and PostgreSQL both compare row values and use the
 * `(team_key, issue_identifier, issue_id)` indexes for it; test/store/query-plans.test.ts).
 */
export function afterTeamIssue(after: TeamIssueKey): RawBuilder<SqlBool> {
  return sql<SqlBool>`(team_key, issue_identifier, issue_id) > (${after.team_key}, ${after.issue_identifier}, ${after.issue_id})`;
}
