import type { Kysely } from 'kysely';

/**
 * Shadow mode (issue 12, RUNNER_MODE=shadow): the Fly Machines run started beside each GitHub
 * Actions run, in a table of its own — never a `dispatches` row, whose latest row per issue
 * drives the ticket's marker, capacity and the dedup window. One row per shadow run:
 * `primary_dispatch_id` is the GitHub Actions dispatch it shadows; `status` is `pending`
 * (Machine being created), `running`, `succeeded` or `failed`; the result's cost and body as
 * the runner reported them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('shadow_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('primary_dispatch_id', 'text', (c) => c.notNull())
    .addColumn('issue_id', 'text', (c) => c.notNull())
    .addColumn('issue_identifier', 'text', (c) => c.notNull())
    .addColumn('team_key', 'text', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('machine_id', 'text')
    .addColumn('image', 'text')
    .addColumn('error', 'text')
    .addColumn('cost_usd', 'real')
    .addColumn('result_json', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('shadow_runs_created').on('shadow_runs').column('created_at').execute();
  await db.schema
    .createIndex('shadow_runs_primary')
    .on('shadow_runs')
    .column('primary_dispatch_id')
    .execute();
  await db.schema.createIndex('shadow_runs_machine').on('shadow_runs').column('machine_id').execute();
}
