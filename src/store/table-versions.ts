import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * The tables with a change counter in `table_versions` (migrations 0016 and 0023): every writer
 * bumps it in the same transaction as its write, so a reader that cached what it read may skip
 * reading the table again while the counter has not moved — in this process or another.
 */
export type VersionedTable = 'blockers' | 'tracked_issues' | 'mappings';

/** Adds one to `table`'s counter; run it in the writer's transaction. */
export async function bumpTableVersion(db: Kysely<Database>, table: VersionedTable): Promise<void> {
  await db
    .updateTable('table_versions')
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('table_name', '=', table)
    .execute();
}

/**
 * `table`'s counter (0 when the row is missing). Read it before the table: a write that lands in
 * between then shows as a counter moved on the next read, never as old rows under a new counter.
 */
export async function readTableVersion(db: Kysely<Database>, table: VersionedTable): Promise<number> {
  const row = await db
    .selectFrom('table_versions')
    .select('version')
    .where('table_name', '=', table)
    .executeTakeFirst();
  return Number(row?.version ?? 0);
}

/** Runs `write` in a transaction (or in the caller's) and bumps `table`'s counter in it. */
export async function writeVersioned<T>(
  db: Kysely<Database>,
  table: VersionedTable,
  write: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  const run = async (trx: Kysely<Database>) => {
    const result = await write(trx);
    await bumpTableVersion(trx, table);
    return result;
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}
