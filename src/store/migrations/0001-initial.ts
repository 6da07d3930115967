import type { Kysely } from 'kysely';

/** The first schema: the ledger (dispatches), dedup window, blockers, PRs, steps and admin state. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mappings')
    .addColumn('team_key', 'text', (c) => c.primaryKey())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('dispatches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('issue_id', 'text', (c) => c.notNull())
    .addColumn('issue_identifier', 'text', (c) => c.notNull())
    .addColumn('issue_title', 'text', (c) => c.notNull())
    .addColumn('issue_url', 'text', (c) => c.notNull())
    .addColumn('ticketing_provider', 'text', (c) => c.notNull())
    .addColumn('team_key', 'text', (c) => c.notNull())
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('repo', 'text', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('dispatch_number', 'integer', (c) => c.notNull())
    .addColumn('runner_mode', 'text', (c) => c.notNull())
    .addColumn('image', 'text')
    .addColumn('workflow_file', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('dispatched_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('deadline_at', 'text')
    .addColumn('error', 'text')
    .addColumn('external_id', 'text')
    .addColumn('result_json', 'text')
    .addColumn('result_received_at', 'text')
    .addColumn('pr_url', 'text')
    .addColumn('pr_number', 'integer')
    .addColumn('branch', 'text')
    .addColumn('cost_usd', 'double precision')
    .addColumn('usage_json', 'text')
    .addColumn('pull_request_key', 'text')
    .addUniqueConstraint('dispatches_issue_number', ['issue_id', 'dispatch_number'])
    .execute();
  await db.schema.createIndex('dispatches_status').on('dispatches').column('status').execute();
  await db.schema.createIndex('dispatches_created_at').on('dispatches').column('created_at').execute();
  await db.schema.createIndex('dispatches_job').on('dispatches').column('job_id').execute();

  await db.schema
    .createTable('dedup_window')
    .addColumn('issue_id', 'text', (c) => c.primaryKey())
    .addColumn('issue_identifier', 'text', (c) => c.notNull())
    .addColumn('issue_title', 'text', (c) => c.notNull())
    .addColumn('team_key', 'text', (c) => c.notNull())
    .addColumn('dispatched_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('blockers')
    .addColumn('issue_id', 'text', (c) => c.primaryKey())
    .addColumn('issue_identifier', 'text', (c) => c.notNull())
    .addColumn('issue_title', 'text', (c) => c.notNull())
    .addColumn('issue_url', 'text', (c) => c.notNull())
    .addColumn('team_key', 'text', (c) => c.notNull())
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('failure_breakers')
    .addColumn('issue_id', 'text', (c) => c.primaryKey())
    .addColumn('issue_identifier', 'text', (c) => c.notNull())
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull())
    .addColumn('parked_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('pull_requests')
    .addColumn('repo', 'text', (c) => c.notNull())
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('branch', 'text', (c) => c.notNull())
    .addColumn('issue_id', 'text', (c) => c.notNull())
    .addColumn('issue_identifier', 'text', (c) => c.notNull())
    .addColumn('issue_url', 'text', (c) => c.notNull())
    .addColumn('team_key', 'text', (c) => c.notNull())
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('cost_usd', 'double precision')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('last_dispatch_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('pull_requests_pk', ['repo', 'number'])
    .execute();

  await db.schema
    .createTable('run_steps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dispatch_id', 'text', (c) => c.notNull())
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('elapsed_ms', 'integer')
    .addColumn('output_json', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('run_steps_job').on('run_steps').column('job_id').execute();

  await db.schema
    .createTable('tracked_issues')
    .addColumn('issue_id', 'text', (c) => c.primaryKey())
    .addColumn('issue_identifier', 'text', (c) => c.notNull())
    .addColumn('issue_title', 'text', (c) => c.notNull())
    .addColumn('issue_url', 'text', (c) => c.notNull())
    .addColumn('team_key', 'text', (c) => c.notNull())
    .addColumn('ticketing_provider', 'text', (c) => c.notNull())
    .addColumn('state_name', 'text', (c) => c.notNull())
    .addColumn('state_type', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('seen_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('plan_approvals')
    .addColumn('job_id', 'text', (c) => c.primaryKey())
    .addColumn('issue_id', 'text', (c) => c.notNull())
    .addColumn('approved_by', 'text', (c) => c.notNull())
    .addColumn('approved_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('admin_sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
