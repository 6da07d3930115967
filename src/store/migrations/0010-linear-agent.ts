import type { Kysely } from 'kysely';

/**
 * The Linear agent (issue 21): the OAuth app's token (encrypted; one row per Linear workspace the
 * app is installed in) and the agent sessions Linear opened on delegation or mention, so run
 * events can be reported to the session of their ticket.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('linear_app_tokens')
    .addColumn('organization_id', 'text', (c) => c.primaryKey())
    .addColumn('access_token', 'text', (c) => c.notNull())
    .addColumn('refresh_token', 'text')
    .addColumn('expires_at', 'text')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('app_user_id', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('linear_agent_sessions')
    .addColumn('session_id', 'text', (c) => c.primaryKey())
    .addColumn('issue_id', 'text', (c) => c.notNull())
    .addColumn('issue_identifier', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('linear_agent_sessions_identifier')
    .on('linear_agent_sessions')
    .columns(['issue_identifier', 'created_at'])
    .execute();
}
