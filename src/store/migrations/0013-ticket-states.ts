import type { Kysely } from 'kysely';

/**
 * The tracker state of picked-up tickets (issue 19). The poll's inbox (`tracked_issues`) only
 * holds tickets that still carry the `AI-Implement` marker; once a run takes the marker off, the
 * state the reconcile step reads back for in-flight and converging runs is kept here, one row a
 * ticket, so the Issues panel still shows where the ticket stands in the tracker.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ticket_states')
    .addColumn('issue_id', 'text', (c) => c.primaryKey())
    .addColumn('state_name', 'text', (c) => c.notNull())
    .addColumn('state_type', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text', (c) => c.notNull())
    .execute();
}
