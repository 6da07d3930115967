import type { Kysely } from 'kysely';

/**
 * Indexes for the tick at scale and the admin lists at 100,000 dispatches (issue 11): each list's
 * keyset order, the in-flight count per bucket and the PR-loop lookups. `dispatches.issue_id`
 * needs none of its own: the unique `dispatches_issue_number (issue_id, dispatch_number)` leads
 * with it (test/store/query-plans.test.ts proves the lookups use it). The composite indexes
 * replace `dispatches_created_at` and `dispatches_status`, whose lookups they serve as well.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('dispatches_created_at').execute();
  await db.schema.dropIndex('dispatches_status').execute();
  // The dispatch log, newest first: (created_at, id) descending.
  await db.schema
    .createIndex('dispatches_created_id')
    .on('dispatches')
    .columns(['created_at', 'id'])
    .execute();
  // In-flight claims of one bucket (the gate), counts per bucket, overdue runs.
  await db.schema
    .createIndex('dispatches_status_bucket')
    .on('dispatches')
    .columns(['status', 'bucket'])
    .execute();
  // The Issues inbox's ledger half, by team and identifier.
  await db.schema
    .createIndex('dispatches_team_issue')
    .on('dispatches')
    .columns(['team_key', 'issue_identifier', 'issue_id'])
    .execute();
  // Runs of a pull request (PR loop, Pull requests list).
  await db.schema
    .createIndex('dispatches_pull_request')
    .on('dispatches')
    .columns(['pull_request_key', 'created_at'])
    .execute();
  await db.schema
    .createIndex('pull_requests_updated')
    .on('pull_requests')
    .columns(['updated_at', 'repo', 'number'])
    .execute();
  await db.schema
    .createIndex('blockers_team_issue')
    .on('blockers')
    .columns(['team_key', 'issue_identifier', 'issue_id'])
    .execute();
  // Blocker counts by reason (KPI cards) and the tick's `dependency` blockers.
  await db.schema.createIndex('blockers_reason').on('blockers').column('reason').execute();
  await db.schema
    .createIndex('tracked_issues_team_issue')
    .on('tracked_issues')
    .columns(['team_key', 'issue_identifier', 'issue_id'])
    .execute();
  await db.schema
    .createIndex('dedup_window_dispatched_at')
    .on('dedup_window')
    .columns(['dispatched_at', 'issue_id'])
    .execute();
}
