import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * An index on each mapping's `ticketingProvider` (issue 11): the poll mode asks which trackers
 * the mappings use after every tick and on every `GET /healthz` (`listTicketingProvidersInUse`);
 * without it each ask parses every mapping's JSON (0.6 ms at 500 mappings, twenty times a poll
 * cycle under a load balancer's health checks). The expression is exactly the query's, so the
 * database answers from the index (test/store/query-plans.test.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await (
    postgres
      ? sql`CREATE INDEX mappings_ticketing_provider ON mappings ((CAST(data AS json)->>'ticketingProvider'))`
      : sql`CREATE INDEX mappings_ticketing_provider ON mappings (json_extract(data, '$.ticketingProvider'))`
  ).execute(db);
}
