import { sql, type Kysely, type Selectable } from 'kysely';
import type { RunCloseReason } from '../domain/convergence.ts';
import type { Database, DispatchesTable } from './schema.ts';

/** Named queries for the dispatch ledger (the `jobs` of the admin UI). */

export type DispatchRow = Selectable<DispatchesTable>;

/** The intent to dispatch, written before the external call. */
export type NewDispatch = Omit<
  DispatchRow,
  | 'dispatch_number'
  | 'status'
  | 'dispatched_at'
  | 'finished_at'
  | 'error'
  | 'external_id'
  | 'result_json'
  | 'result_received_at'
  | 'pr_url'
  | 'pr_number'
  | 'branch'
  | 'cost_usd'
  | 'usage_json'
  | 'close_reason'
  | 'outcome_applied_at'
  | 'marker_synced_status'
  | 'dispatch_attempts'
  | 'last_attempt_at'
  | 'ci_failure_json'
  | UsageColumn
> & { ci_failure_json?: string | null };

/** The usage columns of migration 0012, set when a result is accepted. */
type UsageColumn =
  'input_tokens' | 'output_tokens' | 'cache_read_tokens' | 'cache_creation_tokens' | 'turns' | 'model';

/** Statuses of a dispatch that still holds its slot. */
export const IN_FLIGHT = ['pending', 'running'];

/**
 * Writes a `pending` dispatch with the issue's next dispatch number, in one transaction so two
 * writers cannot take the same number (the unique index backs this up). Returns the number.
 */
export async function insertPendingDispatch(db: Kysely<Database>, dispatch: NewDispatch): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const last = await trx
      .selectFrom('dispatches')
      .select((eb) => eb.fn.max('dispatch_number').as('n'))
      .where('issue_id', '=', dispatch.issue_id)
      .executeTakeFirst();
    const number = Number(last?.n ?? 0) + 1;
    await trx
      .insertInto('dispatches')
      .values({
        ...dispatch,
        dispatch_number: number,
        status: 'pending',
        dispatch_attempts: 1,
        last_attempt_at: dispatch.created_at,
      })
      .execute();
    return number;
  });
}

/** The backend accepted the run. Only a `pending` row moves, so a fast result callback is kept. */
export async function markRunning(
  db: Kysely<Database>,
  id: string,
  values: { dispatchedAt: Date; externalId: string | undefined; image?: string | undefined },
): Promise<void> {
  await db
    .updateTable('dispatches')
    .set({
      status: 'running',
      dispatched_at: values.dispatchedAt.toISOString(),
      external_id: values.externalId ?? null,
      ...(values.image ? { image: values.image } : {}),
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/**
 * Ends a dispatch as failed without a runner result (refused dispatch call, deadline passed,
 * ticket closed). A deadline leaves the outcome in the outbox (`outcome_applied_at` null) for
 * the caller to apply; the other reasons have nothing further to apply. Returns false when the
 * run had already finished — a result that raced in wins.
 */
export async function markFailedWithoutResult(
  db: Kysely<Database>,
  id: string,
  values: { error: string; finishedAt: Date; reason: Exclude<RunCloseReason, 'result'> },
): Promise<boolean> {
  const at = values.finishedAt.toISOString();
  const result = await db
    .updateTable('dispatches')
    .set({
      status: 'failed',
      error: values.error,
      finished_at: at,
      close_reason: values.reason,
      outcome_applied_at: values.reason === 'deadline' ? null : at,
    })
    .where('id', '=', id)
    .where('status', 'in', IN_FLIGHT)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** A runner's result, as stored when accepted. */
export interface AcceptedResult {
  status: 'succeeded' | 'failed';
  resultJson: string;
  receivedAt: Date;
  prUrl: string | null;
  prNumber: number | null;
  branch: string | null;
  costUsd: number | null;
  usageJson: string | null;
  /** The run's token counts, turns and costliest model; all null when it reported no usage. */
  usage?: Pick<DispatchRow, UsageColumn>;
  error: string | null;
}

/**
 * Locks in the first result for a dispatch: one conditional UPDATE, so of two concurrent
 * callbacks exactly one wins (CONTRACTS.md §4). Returns false when a result was already stored
 * or the dispatch does not exist. A run already timed out still takes its late result, and its
 * consequences go back into the outbox; a run closed because its ticket went done or cancelled
 * records the result and applies nothing (its outcome stays applied).
 */
export async function acceptResult(
  db: Kysely<Database>,
  id: string,
  result: AcceptedResult,
): Promise<boolean> {
  const at = result.receivedAt.toISOString();
  const update = await db
    .updateTable('dispatches')
    .set({
      status: result.status,
      result_json: result.resultJson,
      result_received_at: at,
      finished_at: at,
      pr_url: result.prUrl,
      pr_number: result.prNumber,
      branch: result.branch,
      cost_usd: result.costUsd,
      usage_json: result.usageJson,
      ...result.usage,
      error: result.error,
      close_reason: sql<string>`coalesce(close_reason, 'result')`,
      // A result proves the run started, even when the dispatch call's answer was lost.
      dispatched_at: sql<string>`coalesce(dispatched_at, ${at})`,
      outcome_applied_at: sql<
        string | null
      >`case when close_reason = 'ticket_closed' then ${at} else null end`,
    })
    .where('id', '=', id)
    .where('result_received_at', 'is', null)
    .executeTakeFirst();
  return Number(update.numUpdatedRows) > 0;
}

/** The run a backend knows by `externalId` (a Fly Machine id, a GitHub run id), newest first. */
export async function findDispatchByExternalId(
  db: Kysely<Database>,
  externalId: string,
): Promise<DispatchRow | undefined> {
  return db
    .selectFrom('dispatches')
    .selectAll()
    .where('external_id', '=', externalId)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
}

/** The ledger rows of these dispatch ids (at most a few hundred: one query). */
export async function getDispatches(db: Kysely<Database>, ids: readonly string[]): Promise<DispatchRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('dispatches').selectAll().where('id', 'in', ids).execute();
}

export async function getDispatch(db: Kysely<Database>, id: string): Promise<DispatchRow | undefined> {
  return db.selectFrom('dispatches').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listInFlight(db: Kysely<Database>): Promise<DispatchRow[]> {
  return db.selectFrom('dispatches').selectAll().where('status', 'in', IN_FLIGHT).execute();
}

/** Id, issue and tracker of every in-flight dispatch: what reconcile reads back each tick. */
export async function listInFlightIssues(
  db: Kysely<Database>,
): Promise<Pick<DispatchRow, 'id' | 'issue_id' | 'ticketing_provider'>[]> {
  return db
    .selectFrom('dispatches')
    .select(['id', 'issue_id', 'ticketing_provider'])
    .where('status', 'in', IN_FLIGHT)
    .execute();
}

/**
 * Whether anything waits on the trackers: a dispatch in flight, or a ticket held by a blocker.
 * Two `LIMIT 1` reads; the poll period is asked after every tick (webhook-health.ts).
 */
export async function anythingWaiting(db: Kysely<Database>): Promise<boolean> {
  const [dispatch, blocker] = await Promise.all([
    db.selectFrom('dispatches').select('id').where('status', 'in', IN_FLIGHT).limit(1).executeTakeFirst(),
    db.selectFrom('blockers').select('issue_id').limit(1).executeTakeFirst(),
  ]);
  return dispatch !== undefined || blocker !== undefined;
}

/** Issue and bucket of every in-flight dispatch: what the admission gate counts, and nothing more. */
export async function listInFlightClaims(
  db: Kysely<Database>,
): Promise<Pick<DispatchRow, 'issue_id' | 'bucket'>[]> {
  return db
    .selectFrom('dispatches')
    .select(['issue_id', 'bucket'])
    .where('status', 'in', IN_FLIGHT)
    .execute();
}

/**
 * The in-flight claims that concern one admission: the issue's own and those of its bucket, in
 * one query (indexes `dispatches_issue_number` and `dispatches_status_bucket`).
 */
export async function listInFlightClaimsOf(
  db: Kysely<Database>,
  issueId: string,
  bucket: string,
): Promise<Pick<DispatchRow, 'issue_id' | 'bucket'>[]> {
  return db
    .selectFrom('dispatches')
    .select(['issue_id', 'bucket'])
    .where('status', 'in', IN_FLIGHT)
    .where((eb) => eb.or([eb('issue_id', '=', issueId), eb('bucket', '=', bucket)]))
    .execute();
}

/** In-flight dispatches past their deadline at `now`. */
export async function listOverdue(db: Kysely<Database>, now: Date): Promise<DispatchRow[]> {
  return db
    .selectFrom('dispatches')
    .selectAll()
    .where('status', 'in', IN_FLIGHT)
    .where('deadline_at', '<', now.toISOString())
    .execute();
}

/**
 * One page of the dispatch log, newest first: `(created_at, id)` descending, starting after the
 * row whose key is `after` (keyset pagination; index `dispatches_created_id`).
 */
export async function listRecentDispatches(
  db: Kysely<Database>,
  limit: number,
  after?: { createdAt: string; id: string },
): Promise<DispatchRow[]> {
  let query = db
    .selectFrom('dispatches')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit);
  if (after) {
    query = query.where((eb) =>
      eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after.createdAt, after.id)),
    );
  }
  return query.execute();
}

/** In-flight runs per capacity bucket (index `dispatches_status_bucket`). */
export async function countInFlightByBucket(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('dispatches')
    .select(['bucket', (eb) => eb.fn.countAll<number | string>().as('runs')])
    .where('status', 'in', IN_FLIGHT)
    .groupBy('bucket')
    .execute();
  return new Map(rows.map((row) => [row.bucket, Number(row.runs)]));
}

/** The latest dispatch of an issue, if any. */
export async function latestDispatchForIssue(
  db: Kysely<Database>,
  issueId: string,
): Promise<DispatchRow | undefined> {
  return db
    .selectFrom('dispatches')
    .selectAll()
    .where('issue_id', '=', issueId)
    .orderBy('dispatch_number', 'desc')
    .executeTakeFirst();
}

/**
 * The latest dispatch of each of `issueIds` (absent: never dispatched), in chunks of 500 ids to
 * stay far below SQLite's and PostgreSQL's bound-parameter limits.
 */
export async function latestDispatchesOfIssues(
  db: Kysely<Database>,
  issueIds: string[],
): Promise<Map<string, DispatchRow>> {
  const latest = new Map<string, DispatchRow>();
  for (let i = 0; i < issueIds.length; i += 500) {
    const rows = await db
      .selectFrom('dispatches')
      .selectAll()
      .where('issue_id', 'in', issueIds.slice(i, i + 500))
      .execute();
    // Newest by number, picked here: an ORDER BY over an IN list would sort in a temporary table.
    for (const row of rows) {
      const known = latest.get(row.issue_id);
      if (!known || known.dispatch_number < row.dispatch_number) latest.set(row.issue_id, row);
    }
  }
  return latest;
}

export async function listDispatchesOfJob(db: Kysely<Database>, jobId: string): Promise<DispatchRow[]> {
  return db.selectFrom('dispatches').selectAll().where('job_id', '=', jobId).orderBy('created_at').execute();
}

/**
 * Jobs whose plan succeeded and was approved (auto, API or marker) but that have no
 * implementation run dispatched yet: candidates for the next implementation dispatch.
 * A dispatch that the backend refused (never `dispatched_at`) does not count as one.
 */
export async function listApprovedPlansAwaitingImplementation(db: Kysely<Database>): Promise<DispatchRow[]> {
  return db
    .selectFrom('dispatches as planning')
    .innerJoin('plan_approvals', 'plan_approvals.job_id', 'planning.job_id')
    .selectAll('planning')
    .where('planning.phase', '=', 'planning')
    .where('planning.status', '=', 'succeeded')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('dispatches as later')
            .select('later.id')
            .whereRef('later.job_id', '=', 'planning.job_id')
            .where('later.phase', '!=', 'planning')
            // A run whose session was destroyed is to be run again (sessions.ts).
            .where((eb) =>
              eb.or([
                eb('later.close_reason', 'is', null),
                eb('later.close_reason', '!=', 'session_destroyed'),
              ]),
            )
            .where((eb) =>
              eb.or([
                eb('later.dispatched_at', 'is not', null),
                eb('later.status', 'in', IN_FLIGHT),
                eb('later.result_received_at', 'is not', null),
              ]),
            ),
        ),
      ),
    )
    .execute();
}

/** Notes why a pending dispatch's outcome is unknown; it stays in flight until its deadline. */
export async function notePendingProblem(db: Kysely<Database>, id: string, problem: string): Promise<void> {
  await db
    .updateTable('dispatches')
    .set({ error: problem })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/** Gap-fill and review-fix dispatches on one PR (`owner/repo#12`), oldest first. */
export async function listDispatchesOfPullRequest(
  db: Kysely<Database>,
  pullRequestKey: string,
): Promise<DispatchRow[]> {
  return db
    .selectFrom('dispatches')
    .selectAll()
    .where('pull_request_key', '=', pullRequestKey)
    .orderBy('created_at')
    .execute();
}
