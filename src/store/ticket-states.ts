import type { Kysely, Selectable } from 'kysely';
import { chunks } from './chunks.ts';
import type { Database, TicketStatesTable } from './schema.ts';

/** Named queries for the tracker state of picked-up tickets (migration 0013). */

export type TicketStateRow = Selectable<TicketStatesTable>;

/**
 * Keeps the tracker state of each ticket read back by the reconcile step. A row is written only
 * when the state changed, so a tick over unchanged in-flight tickets writes nothing.
 */
export async function recordTicketStates(
  db: Kysely<Database>,
  tickets: { id: string; stateName: string; stateType: string }[],
  readAt: string,
): Promise<void> {
  for (const batch of chunks(tickets, 200)) {
    await db
      .insertInto('ticket_states')
      .values(
        batch.map((ticket) => ({
          issue_id: ticket.id,
          state_name: ticket.stateName,
          state_type: ticket.stateType,
          read_at: readAt,
        })),
      )
      .onConflict((oc) =>
        oc
          .column('issue_id')
          .doUpdateSet((eb) => ({
            state_name: eb.ref('excluded.state_name'),
            state_type: eb.ref('excluded.state_type'),
            read_at: eb.ref('excluded.read_at'),
          }))
          .where((eb) =>
            eb.or([
              eb('ticket_states.state_name', '<>', eb.ref('excluded.state_name')),
              eb('ticket_states.state_type', '<>', eb.ref('excluded.state_type')),
            ]),
          ),
      )
      .execute();
  }
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
