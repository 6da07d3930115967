import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, PullRequestsTable } from './schema.ts';

/** Named queries for the pull requests the orchestrator's runs opened. */

export type PullRequestRow = Selectable<PullRequestsTable>;

/** A PR as a run result records it; the loop's columns (state, head, …) keep their defaults. */
export type NewPullRequest = Insertable<PullRequestsTable>;

/** Records a PR, or refreshes status, cost and last-dispatch time when it is already known. */
export async function upsertPullRequest(db: Kysely<Database>, row: NewPullRequest): Promise<void> {
  await db
    .insertInto('pull_requests')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['repo', 'number']).doUpdateSet({
        status: row.status,
        cost_usd: row.cost_usd,
        updated_at: row.updated_at,
        last_dispatch_at: row.last_dispatch_at,
        job_id: row.job_id,
      }),
    )
    .execute();
}

/**
 * Pull requests, latest update first: `(updated_at, repo, number)` descending, after `after`
 * (keyset pagination over index `pull_requests_updated`); every PR without a limit.
 */
export async function listPullRequests(
  db: Kysely<Database>,
  page?: { limit: number; after?: { updatedAt: string; repo: string; number: number } },
): Promise<PullRequestRow[]> {
  let query = db
    .selectFrom('pull_requests')
    .selectAll()
    .orderBy('updated_at', 'desc')
    .orderBy('repo', 'desc')
    .orderBy('number', 'desc');
  if (page) query = query.limit(page.limit);
  const after = page?.after;
  if (after) {
    query = query.where((eb) =>
      eb(
        eb.refTuple('updated_at', 'repo', 'number'),
        '<',
        eb.tuple(after.updatedAt, after.repo, after.number),
      ),
    );
  }
  return query.execute();
}

/** A recorded PR; `repo` matches case-insensitively, as GitHub's owner and repository names do. */
export async function findPullRequest(
  db: Kysely<Database>,
  repo: string,
  number: number,
): Promise<PullRequestRow | undefined> {
  return db
    .selectFrom('pull_requests')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['repo']), '=', repo.toLowerCase()))
    .where('number', '=', number)
    .executeTakeFirst();
}

/** `owner/repo#12`: how dispatches name the PR they work on (`dispatches.pull_request_key`). */
export function pullRequestKey(repo: string, number: number): string {
  return `${repo}#${number}`;
}

/** `owner/repo#12` (a `pullRequestKey`) as its repository and number. */
export function parsePullRequestKey(key: string): { repo: string; number: number } {
  const cut = key.lastIndexOf('#');
  return { repo: key.slice(0, cut), number: Number(key.slice(cut + 1)) };
}

/** Open PRs of one issue (at most one in practice: an open PR is never implemented afresh). */
export async function listOpenPullRequestsOfIssue(
  db: Kysely<Database>,
  issueId: string,
): Promise<PullRequestRow[]> {
  return db
    .selectFrom('pull_requests')
    .selectAll()
    .where('issue_id', '=', issueId)
    .where('state', '=', 'open')
    .execute();
}

/** Issue ids that have an open PR, for the admission gate. */
export async function listIssueIdsWithOpenPullRequests(db: Kysely<Database>): Promise<string[]> {
  const rows = await db
    .selectFrom('pull_requests')
    .select('issue_id')
    .distinct()
    .where('state', '=', 'open')
    .execute();
  return rows.map((row) => row.issue_id);
}

/** The PR was merged or closed without merge; returns false when it was not open (already settled). */
export async function closePullRequest(
  db: Kysely<Database>,
  repo: string,
  number: number,
  values: { state: 'merged' | 'closed'; at: Date },
): Promise<boolean> {
  const result = await db
    .updateTable('pull_requests')
    .set({ state: values.state, closed_at: values.at.toISOString(), updated_at: values.at.toISOString() })
    .where('repo', '=', repo)
    .where('number', '=', number)
    .where('state', '=', 'open')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** A closed PR was reopened on GitHub: follow-ups may run on it again. */
export async function reopenPullRequest(
  db: Kysely<Database>,
  repo: string,
  number: number,
  at: Date,
): Promise<void> {
  await db
    .updateTable('pull_requests')
    .set({ state: 'open', closed_at: null, updated_at: at.toISOString() })
    .where('repo', '=', repo)
    .where('number', '=', number)
    .where('state', '=', 'closed')
    .execute();
}

/** Remembers the PR's head commit; `head_seen_at` moves only when the commit changes. */
export async function noteHeadCommit(
  db: Kysely<Database>,
  repo: string,
  number: number,
  sha: string,
  at: Date,
): Promise<void> {
  await db
    .updateTable('pull_requests')
    .set({ head_sha: sha, head_seen_at: at.toISOString() })
    .where('repo', '=', repo)
    .where('number', '=', number)
    .where((eb) => eb.or([eb('head_sha', 'is', null), eb('head_sha', '!=', sha)]))
    .execute();
}

/** Sets the job status shown by `/api/pulls` (`completed`, `review_failed`, …). */
export async function setPullRequestStatus(
  db: Kysely<Database>,
  repo: string,
  number: number,
  status: string,
  at: Date,
): Promise<void> {
  await db
    .updateTable('pull_requests')
    .set({ status, updated_at: at.toISOString() })
    .where('repo', '=', repo)
    .where('number', '=', number)
    .execute();
}

/** The follow-up budget ran out: marks the PR handed to a person; false when it already was. */
export async function markHandedOver(
  db: Kysely<Database>,
  repo: string,
  number: number,
  at: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('pull_requests')
    .set({ handed_over_at: at.toISOString() })
    .where('repo', '=', repo)
    .where('number', '=', number)
    .where('handed_over_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
