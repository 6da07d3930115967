import type { Kysely } from 'kysely';

/**
 * The reaper (issue 12, CONTRACTS.md §8): one row per action it took or, in dry-run, would have
 * taken — the rule, the Fly Machine or GitHub Actions run, its dispatch, tenant, issue and age.
 * `dry_run` is 1 or 0 (a boolean both SQLite and PostgreSQL store alike). `target` is `machine`
 * or `actions-run`. Also an index on `dispatches.external_id`: a Sessions destroy and the reaper
 * find a run by its Machine id.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('reaper_actions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('machine_id', 'text')
    .addColumn('run_id', 'text')
    .addColumn('dispatch_id', 'text')
    .addColumn('tenant', 'text')
    .addColumn('issue_identifier', 'text')
    .addColumn('age_seconds', 'integer', (c) => c.notNull())
    .addColumn('dry_run', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reaper_actions_at').on('reaper_actions').column('at').execute();
  await db.schema.createIndex('reaper_actions_machine').on('reaper_actions').column('machine_id').execute();
  await db.schema.createIndex('reaper_actions_run').on('reaper_actions').column('run_id').execute();
  await db.schema.createIndex('dispatches_external_id').on('dispatches').column('external_id').execute();
}
