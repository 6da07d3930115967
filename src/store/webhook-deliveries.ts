import type { Kysely, Selectable } from 'kysely';
import type { Database, WebhookDeliveriesTable } from './schema.ts';

/**
 * Named queries for webhook deliveries, keyed by `X-GitHub-Delivery`; Linear and Jira deliveries
 * share the table with their id prefixed by the tracker (`linear:<Linear-Delivery>`,
 * `jira:<identifier>`), so ids from different senders can never collide.
 */

export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;

/**
 * Claims a delivery for handling: true when it is new. A delivery seen before is claimed again
 * only when its handling failed, or never finished (the process stopped mid-way) and started
 * before `staleBefore` — handling is idempotent, so doing it twice is safe; skipping it is not.
 */
export async function claimDelivery(
  db: Kysely<Database>,
  row: Omit<WebhookDeliveryRow, 'finished_at' | 'outcome'>,
  staleBefore: Date,
): Promise<boolean> {
  const inserted = await db
    .insertInto('webhook_deliveries')
    .values({ ...row, finished_at: null, outcome: null })
    .onConflict((oc) => oc.column('delivery_id').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return true;
  const retaken = await db
    .updateTable('webhook_deliveries')
    .set({ received_at: row.received_at, finished_at: null, outcome: null })
    .where('delivery_id', '=', row.delivery_id)
    .where((eb) =>
      eb.or([
        eb('outcome', 'like', 'failed%'),
        eb.and([eb('finished_at', 'is', null), eb('received_at', '<', staleBefore.toISOString())]),
      ]),
    )
    .executeTakeFirst();
  return Number(retaken.numUpdatedRows) > 0;
}

/** Records how handling a delivery ended (`outcome`, or `failed: <reason>`). */
export async function finishDelivery(
  db: Kysely<Database>,
  deliveryId: string,
  outcome: string,
  at: Date,
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ outcome, finished_at: at.toISOString() })
    .where('delivery_id', '=', deliveryId)
    .execute();
}

export async function getDelivery(
  db: Kysely<Database>,
  deliveryId: string,
): Promise<WebhookDeliveryRow | undefined> {
  return db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('delivery_id', '=', deliveryId)
    .executeTakeFirst();
}

/** Forgets deliveries received before `before`; GitHub redelivers for at most a few days. */
export async function pruneDeliveries(db: Kysely<Database>, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('webhook_deliveries')
    .where('received_at', '<', before.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * When the last delivery from `tracker` (`linear` or `jira`) was received, or undefined: the
 * start-up state of the webhook health (src/orchestrator/webhook-health.ts).
 */
export async function lastTrackerDelivery(
  db: Kysely<Database>,
  tracker: 'linear' | 'jira',
): Promise<Date | undefined> {
  const row = await db
    .selectFrom('webhook_deliveries')
    .select((eb) => eb.fn.max('received_at').as('last'))
    .where('delivery_id', 'like', `${tracker}:%`)
    .executeTakeFirst();
  return row?.last ? new Date(row.last) : undefined;
}
