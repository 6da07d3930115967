import type { Kysely, Selectable } from 'kysely';
import type { Database, LinearAgentSessionsTable, LinearAppTokensTable } from './schema.ts';

/** Named queries for the Linear agent: the app's token and its agent sessions (migration 0010). */

export type LinearAppTokenRow = Selectable<LinearAppTokensTable>;
export type LinearAgentSessionRow = Selectable<LinearAgentSessionsTable>;

/** Creates or replaces the token of a workspace (install, reinstall, refresh). */
export async function saveAppToken(db: Kysely<Database>, row: LinearAppTokenRow): Promise<void> {
  const { organization_id: _, ...rest } = row;
  await db
    .insertInto('linear_app_tokens')
    .values(row)
    .onConflict((oc) => oc.column('organization_id').doUpdateSet(rest))
    .execute();
}

/** The most recently saved token (one Linear workspace per orchestrator, like LINEAR_API_KEY). */
export async function latestAppToken(db: Kysely<Database>): Promise<LinearAppTokenRow | undefined> {
  return db
    .selectFrom('linear_app_tokens')
    .selectAll()
    .orderBy('updated_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Records a session Linear opened; a repeated `created` event for it changes nothing. */
export async function saveAgentSession(
  db: Kysely<Database>,
  row: Omit<LinearAgentSessionRow, 'updated_at'>,
): Promise<void> {
  await db
    .insertInto('linear_agent_sessions')
    .values({ ...row, updated_at: row.created_at })
    .onConflict((oc) => oc.column('session_id').doNothing())
    .execute();
}

/** The newest active session on a ticket, by identifier (`ENG-12`), if any. */
export async function activeSessionFor(
  db: Kysely<Database>,
  issueIdentifier: string,
): Promise<LinearAgentSessionRow | undefined> {
  return db
    .selectFrom('linear_agent_sessions')
    .selectAll()
    .where('issue_identifier', '=', issueIdentifier)
    .where('status', '=', 'active')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function getAgentSession(
  db: Kysely<Database>,
  sessionId: string,
): Promise<LinearAgentSessionRow | undefined> {
  return db
    .selectFrom('linear_agent_sessions')
    .selectAll()
    .where('session_id', '=', sessionId)
    .executeTakeFirst();
}

/** `stopped` after a person's stop: run events no longer go to the session. */
export async function setAgentSessionStatus(
  db: Kysely<Database>,
  sessionId: string,
  status: 'active' | 'stopped',
  at: Date,
): Promise<void> {
  await db
    .updateTable('linear_agent_sessions')
    .set({ status, updated_at: at.toISOString() })
    .where('session_id', '=', sessionId)
    .execute();
}
