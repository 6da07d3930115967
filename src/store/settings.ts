import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Named queries for orchestrator settings kept in the database (runner mode, Fly app, …). */

export async function getSetting(db: Kysely<Database>, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

export async function setSetting(db: Kysely<Database>, key: string, value: string, now: Date): Promise<void> {
  const at = now.toISOString();
  await db
    .insertInto('settings')
    .values({ key, value, updated_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at }))
    .execute();
}
