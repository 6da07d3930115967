import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Named queries for admin sessions; only SHA-256 hashes of bearer tokens are stored. */

export async function insertAdminSession(
  db: Kysely<Database>,
  tokenHash: string,
  createdAt: Date,
  expiresAt: Date,
): Promise<void> {
  await db
    .insertInto('admin_sessions')
    .values({
      token_hash: tokenHash,
      created_at: createdAt.toISOString(),
      expires_at: expiresAt.toISOString(),
    })
    .execute();
}

/** True when a session with this hash exists and has not expired at `now`. */
export async function isAdminSessionValid(
  db: Kysely<Database>,
  tokenHash: string,
  now: Date,
): Promise<boolean> {
  const row = await db
    .selectFrom('admin_sessions')
    .select('token_hash')
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
  return row !== undefined;
}

export async function deleteAdminSession(db: Kysely<Database>, tokenHash: string): Promise<void> {
  await db.deleteFrom('admin_sessions').where('token_hash', '=', tokenHash).execute();
}

export async function deleteExpiredAdminSessions(db: Kysely<Database>, now: Date): Promise<void> {
  await db.deleteFrom('admin_sessions').where('expires_at', '<=', now.toISOString()).execute();
}
