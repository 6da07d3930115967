import { sql, type Kysely } from 'kysely';

/**
 * A change counter for `mappings` (issue 11): the tick lists every mapping and the Jira provider
 * looks hundreds up each poll; while the counter has not moved, the mappings read last are still
 * the stored ones (src/store/mappings.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`INSERT INTO table_versions (table_name, version) VALUES ('mappings', 0)`.execute(db);
}
