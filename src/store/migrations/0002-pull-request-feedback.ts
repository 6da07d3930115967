import type { Kysely } from 'kysely';

/**
 * The pull-request loop (issue 5): GitHub webhook deliveries already handled, review feedback per
 * PR, and what the orchestrator knows about each PR it opened (open/merged/closed, head commit,
 * handed to a person). SQLite adds one column per ALTER TABLE, hence one statement per column.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('delivery_id', 'text', (c) => c.primaryKey())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('action', 'text')
    .addColumn('repo', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('outcome', 'text')
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_received_at')
    .on('webhook_deliveries')
    .column('received_at')
    .execute();

  await db.schema
    .createTable('pull_request_feedback')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('repo', 'text', (c) => c.notNull())
    .addColumn('pr_number', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('github_id', 'text', (c) => c.notNull())
    .addColumn('review_id', 'text')
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('author_kind', 'text', (c) => c.notNull())
    .addColumn('review_state', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('path', 'text')
    .addColumn('line', 'integer')
    .addColumn('commit_id', 'text')
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('triggers', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('dispatch_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('settled_at', 'text')
    .execute();
  await db.schema
    .createIndex('pull_request_feedback_pr')
    .on('pull_request_feedback')
    .columns(['repo', 'pr_number', 'status'])
    .execute();
  await db.schema
    .createIndex('pull_request_feedback_dispatch')
    .on('pull_request_feedback')
    .column('dispatch_id')
    .execute();

  await db.schema
    .alterTable('pull_requests')
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('open'))
    .execute();
  await db.schema.alterTable('pull_requests').addColumn('head_sha', 'text').execute();
  await db.schema.alterTable('pull_requests').addColumn('head_seen_at', 'text').execute();
  await db.schema.alterTable('pull_requests').addColumn('closed_at', 'text').execute();
  await db.schema.alterTable('pull_requests').addColumn('handed_over_at', 'text').execute();
}
