import type { ExpressionBuilder, Kysely } from 'kysely';
import { IN_FLIGHT, type DispatchRow } from './dispatches.ts';
import type { Database } from './schema.ts';

/** The dispatches table under the alias `d`, as the latest-dispatch queries read it. */
type DispatchesAsD = Omit<Database, 'dispatches'> & { d: Database['dispatches'] };

/**
 * The convergence side of the dispatch ledger (docs/decisions/convergence.md): the result outbox,
 * marker read-back and lost dispatches. Same table as dispatches.ts; split out so each file reads
 * as one job.
 */

/** The outcome of a finished run was applied (markers, PR record, next phase, notification). */
export async function markOutcomeApplied(db: Kysely<Database>, id: string, at: Date): Promise<void> {
  await db
    .updateTable('dispatches')
    .set({ outcome_applied_at: at.toISOString() })
    .where('id', '=', id)
    .where('status', 'not in', IN_FLIGHT)
    .execute();
}

/** The outbox: finished runs whose consequences are not applied yet, oldest first. */
export async function listOutcomesToApply(db: Kysely<Database>): Promise<DispatchRow[]> {
  return db
    .selectFrom('dispatches')
    .selectAll()
    .where('status', 'not in', IN_FLIGHT)
    .where('outcome_applied_at', 'is', null)
    .orderBy('finished_at')
    .execute();
}

/**
 * The tracker shows the marker of `status` for this run. Conditional on the status, so a run
 * that finished meanwhile keeps its newer marker to write.
 */
export async function markMarkerSynced(db: Kysely<Database>, id: string, status: string): Promise<void> {
  await db
    .updateTable('dispatches')
    .set({ marker_synced_status: status })
    .where('id', '=', id)
    .where('status', '=', status)
    .execute();
}

/**
 * Each issue's latest dispatch whose marker the tracker is not known to show, among runs
 * created or finished since `since` (older ones are left alone: a person owns the ticket again).
 */
export async function listMarkersToConverge(db: Kysely<Database>, since: Date): Promise<DispatchRow[]> {
  return latestDispatchesSince(db, since).where(markerUnsynced).execute();
}

/** The dispatch's marker is not known to show on the tracker: never seen, or seen for another status. */
function markerUnsynced(eb: ExpressionBuilder<DispatchesAsD, 'd'>) {
  return eb.or([
    eb('d.marker_synced_status', 'is', null),
    eb('d.marker_synced_status', '!=', eb.ref('d.status')),
  ]);
}

/**
 * Each issue's latest dispatch whose marker the tracker was seen to show, among runs created or
 * finished since `since`: the ones whose tickets are still read back for a write that lands late
 * (src/domain/convergence.ts, staleInFlightMarker).
 */
export async function listMarkersToWatch(db: Kysely<Database>, since: Date): Promise<WatchedDispatch[]> {
  return latestDispatchesSince(db, since)
    .clearSelect()
    .select(WATCHED_COLUMNS.map((column) => `d.${column}` as const))
    .where((eb) => eb('d.marker_synced_status', '=', eb.ref('d.status')))
    .execute();
}

/**
 * What the late-write watch reads of a dispatch: the marker it calls for (`runForMarker`) and
 * its PR's checks (`checksStateOfRun`). Every dispatch of the last ten minutes is watched each
 * tick — 500 after a burst at 500 teams — so not the full rows.
 */
const WATCHED_COLUMNS = [
  'id',
  'issue_id',
  'issue_identifier',
  'phase',
  'status',
  'close_reason',
  'pr_url',
  'job_id',
  'pull_request_key',
  'repo',
  'pr_number',
] as const satisfies readonly (keyof DispatchRow)[];

/** A watched dispatch: the columns of `WATCHED_COLUMNS`. */
export type WatchedDispatch = Pick<DispatchRow, (typeof WATCHED_COLUMNS)[number]>;

/**
 * Issue and tracker of each issue's latest dispatch that reconcile reads back for the sweep:
 * those `listMarkersToConverge(since)` lists and those `listMarkersToWatch(watchSince)` lists
 * (`watchSince` later than `since`), in one query of two columns — every tick, where the full
 * rows of both lists were 1,000 rows a tick at 500 teams.
 */
export async function listIssuesToReadBack(
  db: Kysely<Database>,
  since: Date,
  watchSince: Date,
): Promise<Pick<DispatchRow, 'issue_id' | 'ticketing_provider'>[]> {
  return latestDispatchesSince(db, since)
    .clearSelect()
    .select(['d.issue_id', 'd.ticketing_provider'])
    .where((eb) =>
      eb.or([
        markerUnsynced(eb),
        eb(eb.fn.coalesce('d.finished_at', 'd.created_at'), '>=', watchSince.toISOString()),
      ]),
    )
    .execute();
}

function latestDispatchesSince(db: Kysely<Database>, since: Date) {
  return db
    .selectFrom('dispatches as d')
    .selectAll('d')
    .where((eb) => eb.fn.coalesce('d.finished_at', 'd.created_at'), '>=', since.toISOString())
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('dispatches as later')
            .select('later.id')
            .whereRef('later.issue_id', '=', 'd.issue_id')
            .whereRef('later.dispatch_number', '>', 'd.dispatch_number'),
        ),
      ),
    );
}

/** Pending dispatches: intents whose backend call has not been confirmed. */
export async function listPending(db: Kysely<Database>): Promise<DispatchRow[]> {
  return db.selectFrom('dispatches').selectAll().where('status', '=', 'pending').execute();
}

/** A new backend call under the same dispatch id begins (a lost intent dispatched again). */
export async function noteDispatchAttempt(db: Kysely<Database>, id: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('dispatches')
    .set((eb) => ({ dispatch_attempts: eb('dispatch_attempts', '+', 1), last_attempt_at: at.toISOString() }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
