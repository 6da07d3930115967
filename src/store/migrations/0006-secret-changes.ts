import type { Kysely } from 'kysely';

/**
 * Secrets (issue 13): the audit of who set or deleted which Fly app secret, and when. Never a
 * value: the values live only in Fly. `scope` is `team` or `global`; `team_key` is set for team
 * secrets; `stored_as` is the name in Fly (`ENG_MY_TOKEN`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('secret_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('team_key', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('stored_as', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull().defaultTo('fly'))
    .execute();
  await db.schema
    .createIndex('secret_changes_stored_as')
    .on('secret_changes')
    .columns(['stored_as', 'at'])
    .execute();
  await db.schema.createIndex('secret_changes_at').on('secret_changes').column('at').execute();
}
