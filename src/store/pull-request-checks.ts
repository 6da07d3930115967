import type { Kysely } from 'kysely';
import type { ChecksState } from '../domain/ci-checks.ts';
import type { DispatchRow } from './dispatches.ts';
import { parsePullRequestKey } from './pull-requests.ts';
import type { Database } from './schema.ts';

/** Named queries for the ci-fix columns of `pull_requests` (migration 0009, issue 17). */

/**
 * Records what the checks of `headSha` say. Returns the state recorded before, so the caller
 * knows whether the ticket's marker may have to change.
 */
export async function recordChecks(
  db: Kysely<Database>,
  repo: string,
  number: number,
  values: { headSha: string; state: ChecksState; summary: string; at: Date },
): Promise<{ before: string | null; beforeHead: string | null }> {
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('pull_requests')
      .select(['checks_state', 'checks_head_sha'])
      .where('repo', '=', repo)
      .where('number', '=', number)
      .executeTakeFirst();
    await trx
      .updateTable('pull_requests')
      .set({
        checks_state: values.state,
        checks_head_sha: values.headSha,
        checks_summary: values.summary,
        checks_seen_at: values.at.toISOString(),
      })
      .where('repo', '=', repo)
      .where('number', '=', number)
      .execute();
    return { before: before?.checks_state ?? null, beforeHead: before?.checks_head_sha ?? null };
  });
}

/**
 * Claims `headSha` for one action of the ci-fix loop: the re-run of its failed jobs, or its
 * ci-fix run. Conditional, so two deliveries handled at once cannot both act; false when the
 * head was claimed already.
 */
export async function claimCiHead(
  db: Kysely<Database>,
  repo: string,
  number: number,
  column: 'ci_rerun_head_sha' | 'ci_fix_head_sha',
  headSha: string,
): Promise<boolean> {
  const result = await db
    .updateTable('pull_requests')
    .set({ [column]: headSha })
    .where('repo', '=', repo)
    .where('number', '=', number)
    .where((eb) => eb.or([eb(column, 'is', null), eb(column, '!=', headSha)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Gives up a claim (the ci-fix run was refused or failed: the head may be tried again). */
export async function releaseCiHead(
  db: Kysely<Database>,
  repo: string,
  number: number,
  column: 'ci_rerun_head_sha' | 'ci_fix_head_sha',
  headSha: string,
): Promise<void> {
  await db
    .updateTable('pull_requests')
    .set({ [column]: null })
    .where('repo', '=', repo)
    .where('number', '=', number)
    .where(column, '=', headSha)
    .execute();
}

/**
 * The checks state of the PR a run worked on or opened (a follow-up's `pull_request_key`, or
 * the PR an implementation reported), for the marker rule; null when none is recorded.
 */
export async function checksStateOfRun(
  db: Kysely<Database>,
  row: Pick<DispatchRow, 'pull_request_key' | 'repo' | 'pr_number' | 'issue_id'>,
): Promise<ChecksState | null> {
  const { repo, number } = row.pull_request_key
    ? parsePullRequestKey(row.pull_request_key)
    : { repo: row.repo, number: row.pr_number };
  if (number === null) return null;
  const found = await db
    .selectFrom('pull_requests')
    .select('checks_state')
    .where('repo', '=', repo)
    .where('number', '=', number)
    .where('state', '=', 'open')
    .executeTakeFirst();
  return (found?.checks_state as ChecksState | null | undefined) ?? null;
}

/**
 * A run pushed to the PR (or opened it): its head's checks are awaited — `pending` until the loop
 * looks — so the ticket does not show `Ready for Review` before they pass (issue 17). A head
 * handed to a person (`exhausted`) stays so: a look would only hand it over again.
 */
export async function awaitChecks(
  db: Kysely<Database>,
  repo: string,
  number: number,
  at: Date,
): Promise<void> {
  await db
    .updateTable('pull_requests')
    .set({
      checks_state: 'pending',
      checks_summary: 'waiting for the checks of the push',
      checks_seen_at: at.toISOString(),
    })
    .where('repo', '=', repo)
    .where('number', '=', number)
    .where('state', '=', 'open')
    .where((eb) => eb.or([eb('checks_state', 'is', null), eb('checks_state', '!=', 'exhausted')]))
    .execute();
}

/** The ticket's marker must be looked at again (the checks changed, not the run): the tick converges it. */
export async function resetMarkerSync(db: Kysely<Database>, dispatchId: string): Promise<void> {
  await db
    .updateTable('dispatches')
    .set({ marker_synced_status: null })
    .where('id', '=', dispatchId)
    .execute();
}

/** The open PR of `repo` whose head branch is `branch`, when the orchestrator opened one. */
export async function findOpenPullRequestByBranch(
  db: Kysely<Database>,
  repo: string,
  branch: string,
): Promise<{ repo: string; number: number } | undefined> {
  return db
    .selectFrom('pull_requests')
    .select(['repo', 'number'])
    .where((eb) => eb(eb.fn('lower', ['repo']), '=', repo.toLowerCase()))
    .where('branch', '=', branch)
    .where('state', '=', 'open')
    .executeTakeFirst();
}

/**
 * Open PRs whose head's checks were last seen running (pending, or failed jobs re-run) or were
 * never looked at (a read that failed): the sweep looks at them again, since a lost webhook would
 * leave them there.
 */
export async function listPullRequestsWithPendingChecks(
  db: Kysely<Database>,
): Promise<{ repo: string; number: number }[]> {
  return db
    .selectFrom('pull_requests')
    .select(['repo', 'number'])
    .where('state', '=', 'open')
    .where((eb) =>
      eb.or([
        eb('checks_state', '=', 'pending'),
        eb('checks_state', 'is', null),
        eb.and([
          eb('checks_state', '=', 'failing'),
          eb('ci_rerun_head_sha', '=', eb.ref('checks_head_sha')),
          eb.or([eb('ci_fix_head_sha', 'is', null), eb('ci_fix_head_sha', '!=', eb.ref('checks_head_sha'))]),
        ]),
      ]),
    )
    .execute();
}
