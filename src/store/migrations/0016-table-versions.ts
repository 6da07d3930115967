import { sql, type Kysely } from 'kysely';

/**
 * A change counter per table the tick diffs each poll (issue 11): `blockers` and
 * `tracked_issues`. Every writer other than the tick's own diff bumps it in the same
 * transaction as its write (`bumpTeamRowsVersion`), so the tick may compare its rows with the
 * rows it wrote last instead of reading the table back while the counter has not moved
 * (src/store/team-rows-diff.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('table_versions')
    .addColumn('table_name', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await sql`INSERT INTO table_versions (table_name, version) VALUES ('blockers', 0), ('tracked_issues', 0)`.execute(
    db,
  );
}
