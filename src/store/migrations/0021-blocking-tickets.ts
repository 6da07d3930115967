import { sql, type Kysely } from 'kysely';

/**
 * The tickets a dependency blocker waits for (issue 19: "a blocking ticket in Blockers is not a
 * link"): `[{ identifier, url }]` as JSON, `[]` for every other reason. Not null, so the tick's
 * row fingerprints (`concat_ws`, which skips nulls) compare equal on a steady tick.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('blockers')
    .addColumn('blocking_json', 'text', (c) => c.notNull().defaultTo(sql`'[]'`))
    .execute();
}
