import type { Kysely, Selectable } from 'kysely';
import { chunks } from './chunks.ts';
import type { Database, TicketStatesTable } from './schema.ts';
import { upsertChangedRows, type UpsertedTable } from './team-rows-diff.ts';

/** Named queries for the tracker state of picked-up tickets (migration 0013). */

export type TicketStateRow = Selectable<TicketStatesTable>;

const TICKET_STATES: UpsertedTable<TicketStateRow> = {
  table: 'ticket_states',
  compared: { state_name: 'text', state_type: 'text' },
  since: 'read_at',
};

/**
 * Keeps the tracker state of each ticket read back by the reconcile step. A row is written only
 * when the state changed, so a tick over unchanged in-flight tickets writes nothing; the tickets
 * go to the database as one statement (`upsertChangedRows`), not a query built per ticket. A
 * ticket given twice counts once (the last).
 */
export async function recordTicketStates(
  db: Kysely<Database>,
  tickets: { id: string; stateName: string; stateType: string }[],
  readAt: string,
): Promise<void> {
  const rows = new Map<string, TicketStateRow>();
  for (const ticket of tickets) {
    rows.set(ticket.id, {
      issue_id: ticket.id,
      state_name: ticket.stateName,
      state_type: ticket.stateType,
      read_at: readAt,
    });
  }
  await upsertChangedRows(db, TICKET_STATES, [...rows.values()]);
}

/** The kept states of the given tickets, by issue id, 500 ids a query. */
export async function listTicketStatesByIds(
  db: Kysely<Database>,
  issueIds: string[],
): Promise<Map<string, TicketStateRow>> {
  const states = new Map<string, TicketStateRow>();
  for (const ids of chunks(issueIds, 500)) {
    const rows = await db.selectFrom('ticket_states').selectAll().where('issue_id', 'in', ids).execute();
    for (const row of rows) states.set(row.issue_id, row);
  }
  return states;
}
