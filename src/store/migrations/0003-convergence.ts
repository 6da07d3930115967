import { sql, type Kysely } from 'kysely';

/**
 * Convergence (issue 9, docs/decisions/convergence.md): the ledger says what the outside world
 * should look like, and the tick re-applies whatever did not get there.
 * - `close_reason`: why a run ended (`result`, `deadline`, `ticket_closed`, `refused`,
 *   `refused_retry`), so the marker rule tells a deadline failure from a closed ticket.
 * - `outcome_applied_at`: the outbox — a finished run whose consequences (markers, PR record,
 *   next phase, notification) are not applied yet has it null; the tick finishes those.
 * - `marker_synced_status`: the run status whose marker the tracker is known to show; a
 *   different value means the marker is still to be written (or read back).
 * - `dispatch_attempts`, `last_attempt_at`: backend calls made under this dispatch id and when
 *   the last began (a lost intent is looked up, then dispatched again under the same id).
 * Rows that existed before are taken as settled, so an upgrade rewrites no marker.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('dispatches').addColumn('close_reason', 'text').execute();
  await db.schema.alterTable('dispatches').addColumn('outcome_applied_at', 'text').execute();
  await db.schema.alterTable('dispatches').addColumn('marker_synced_status', 'text').execute();
  await db.schema
    .alterTable('dispatches')
    .addColumn('dispatch_attempts', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.alterTable('dispatches').addColumn('last_attempt_at', 'text').execute();
  await sql`update dispatches set marker_synced_status = status`.execute(db);
  await sql`update dispatches set outcome_applied_at = coalesce(finished_at, created_at)
    where status not in ('pending', 'running')`.execute(db);
  await db.schema
    .createIndex('dispatches_outcome_pending')
    .on('dispatches')
    .columns(['outcome_applied_at', 'status'])
    .execute();
}
