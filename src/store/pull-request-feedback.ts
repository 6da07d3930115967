import type { Kysely, Selectable } from 'kysely';
import type { Database, PullRequestFeedbackTable } from './schema.ts';

/** Named queries for review feedback on the orchestrator's pull requests. */

export type FeedbackRow = Selectable<PullRequestFeedbackTable>;

/** Statuses a follow-up run takes into its pass: waiting feedback and feedback a failed run left. */
const CLAIMABLE = ['pending', 'failed'];

/** Stores a feedback item; false when this GitHub object was stored before (a redelivery). */
export async function insertFeedback(db: Kysely<Database>, row: FeedbackRow): Promise<boolean> {
  const result = await db
    .insertInto('pull_request_feedback')
    .values(row)
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function getFeedback(db: Kysely<Database>, id: string): Promise<FeedbackRow | undefined> {
  return db.selectFrom('pull_request_feedback').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every feedback item of one PR, oldest first. */
export async function listFeedbackOfPullRequest(
  db: Kysely<Database>,
  repo: string,
  number: number,
): Promise<FeedbackRow[]> {
  return db
    .selectFrom('pull_request_feedback')
    .selectAll()
    .where('repo', '=', repo)
    .where('pr_number', '=', number)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** PRs (`repo`, `pr_number`) with feedback that may start a run, for the follow-up sweep. */
export async function listPullRequestsWithPendingFeedback(
  db: Kysely<Database>,
): Promise<{ repo: string; pr_number: number }[]> {
  return db
    .selectFrom('pull_request_feedback')
    .select(['repo', 'pr_number'])
    .distinct()
    .where('status', '=', 'pending')
    .where('triggers', '=', 1)
    .execute();
}

/** Feedback already addressed on a PR, by fingerprint: new text equal to one of them is a duplicate. */
export async function listAddressedFingerprints(
  db: Kysely<Database>,
  repo: string,
  number: number,
): Promise<Set<string>> {
  const rows = await db
    .selectFrom('pull_request_feedback')
    .select('fingerprint')
    .where('repo', '=', repo)
    .where('pr_number', '=', number)
    .where('status', 'in', ['addressed', 'claimed'])
    .execute();
  return new Set(rows.map((row) => row.fingerprint));
}

/**
 * Gives a run every pending (or previously failed) item of its PR — with `receivedBefore`, only
 * those that arrived before that time. Returns how many it took.
 */
export async function claimFeedback(
  db: Kysely<Database>,
  repo: string,
  number: number,
  dispatchId: string,
  receivedBefore?: Date,
): Promise<number> {
  let query = db
    .updateTable('pull_request_feedback')
    .set({ status: 'claimed', dispatch_id: dispatchId })
    .where('repo', '=', repo)
    .where('pr_number', '=', number)
    .where('status', 'in', CLAIMABLE);
  if (receivedBefore) query = query.where('received_at', '<', receivedBefore.toISOString());
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Moves one item to `status` (with a note for the operator), unless a run already took it. */
export async function setFeedbackStatus(
  db: Kysely<Database>,
  id: string,
  values: { status: string; note?: string; dispatchId?: string; at?: Date },
): Promise<void> {
  await db
    .updateTable('pull_request_feedback')
    .set({
      status: values.status,
      ...(values.note !== undefined ? { note: values.note } : {}),
      ...(values.dispatchId !== undefined ? { dispatch_id: values.dispatchId } : {}),
      ...(values.at ? { settled_at: values.at.toISOString() } : {}),
    })
    .where('id', '=', id)
    .where('status', 'not in', ['addressed'])
    .execute();
}

/** After a run ends: its claimed items become `addressed` (success) or `failed`. Returns them. */
export async function settleFeedbackOfDispatch(
  db: Kysely<Database>,
  dispatchId: string,
  status: 'addressed' | 'failed',
  at: Date,
): Promise<FeedbackRow[]> {
  await db
    .updateTable('pull_request_feedback')
    .set({ status, settled_at: at.toISOString() })
    .where('dispatch_id', '=', dispatchId)
    .where('status', '=', 'claimed')
    .execute();
  return db
    .selectFrom('pull_request_feedback')
    .selectAll()
    .where('dispatch_id', '=', dispatchId)
    .orderBy('created_at')
    .execute();
}

/**
 * A run ended without working on its items (its session was destroyed by an operator or the
 * reaper): what it had claimed waits again as `pending`, so the loop's next sweep gives it to
 * the next pass. Returns how many went back.
 */
export async function releaseFeedbackOfDispatch(
  db: Kysely<Database>,
  dispatchId: string,
  note: string,
): Promise<number> {
  const result = await db
    .updateTable('pull_request_feedback')
    .set({ status: 'pending', dispatch_id: null, note })
    .where('dispatch_id', '=', dispatchId)
    .where('status', '=', 'claimed')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The PR closed: nothing of it waits any more. */
export async function closeFeedbackOfPullRequest(
  db: Kysely<Database>,
  repo: string,
  number: number,
  at: Date,
): Promise<void> {
  await db
    .updateTable('pull_request_feedback')
    .set({ status: 'closed', settled_at: at.toISOString() })
    .where('repo', '=', repo)
    .where('pr_number', '=', number)
    .where('status', 'in', CLAIMABLE)
    .execute();
}

/** The dispatch that took any item of review `reviewId`, so the rest of that review joins the same run. */
export async function dispatchOfReview(
  db: Kysely<Database>,
  repo: string,
  reviewId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('pull_request_feedback')
    .select('dispatch_id')
    .where('repo', '=', repo)
    .where((eb) => eb.or([eb('review_id', '=', reviewId), eb('id', '=', `review:${reviewId}`)]))
    .where('dispatch_id', 'is not', null)
    .executeTakeFirst();
  return row?.dispatch_id ?? undefined;
}

/** Feedback waiting for a pass, counted per PR (`owner/repo#12`), in one query. */
export async function countPendingFeedback(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('pull_request_feedback')
    .select((eb) => ['repo', 'pr_number', eb.fn.countAll().as('n')])
    .where('status', '=', 'pending')
    .groupBy(['repo', 'pr_number'])
    .execute();
  return new Map(rows.map((row) => [`${row.repo}#${row.pr_number}`, Number(row.n)]));
}
