import { describeError } from '../../domain/errors.ts';
import { listDispatchesOfPullRequest } from '../../store/dispatches.ts';
import { getMapping } from '../../store/mappings.ts';
import { listFeedbackOfPullRequest, setFeedbackStatus } from '../../store/pull-request-feedback.ts';
import { findPullRequest, noteHeadCommit, pullRequestKey } from '../../store/pull-requests.ts';
import { settleClosedPullRequest } from './close-pull-request.ts';
import type { LoopDeps } from './loop-deps.ts';
import type { LivePullRequest } from './pull-request-host.ts';
import { requestFollowUp } from './request-follow-up.ts';
import { reviewWait } from './review-wait.ts';

/**
 * Starts one `review-fix` pass for the feedback waiting on a PR, when it may start now:
 * 1. the PR is open (asked of GitHub when possible — a missed close webhook is caught here) and
 *    not handed to a person;
 * 2. some waiting feedback may start a run; a bot review counts only while it reviewed the
 *    current head and no run started on the PR after it arrived (CONTRACTS.md §7) — otherwise
 *    it is `stale`, because the run that started since read it, or the head it describes is gone;
 * 3. the review providers of `.ai-implement/config.yml` have posted on the head, or their wait
 *    ran out (review-wait.ts);
 * 4. the admission gate admits it (request-follow-up.ts): one run per PR at a time, the budget.
 * Returns what happened, in a few words, for the delivery log and tests. Throws only on
 * database errors.
 */
export async function dispatchPendingFeedback(deps: LoopDeps, repo: string, number: number): Promise<string> {
  const { ctx } = deps;
  let pr = await findPullRequest(ctx.db, repo, number);
  if (!pr || pr.state !== 'open') return 'pr_not_open';
  if (pr.handed_over_at) return 'handed_over';
  let feedback = await listFeedbackOfPullRequest(ctx.db, repo, number);
  if (!feedback.some(isTriggering)) return 'nothing_waiting';

  const live = await readLive(deps, repo, number);
  if (live?.state === 'closed') return settleClosedPullRequest(deps, pr, live.merged);
  if (live) {
    await noteHeadCommit(ctx.db, repo, number, live.headSha, ctx.clock());
    pr = (await findPullRequest(ctx.db, repo, number)) ?? pr;
  }
  const head = live?.headSha ?? pr.head_sha ?? undefined;

  const runs = await listDispatchesOfPullRequest(ctx.db, pullRequestKey(repo, number));
  for (const item of feedback.filter((row) => isTriggering(row) && row.author_kind === 'bot')) {
    const stale =
      item.commit_id !== head
        ? 'bot review of a commit that is no longer the head'
        : runs.some((run) => run.created_at > item.received_at)
          ? 'a run started after this bot review arrived, and read it'
          : undefined;
    if (stale) await setFeedbackStatus(ctx.db, item.id, { status: 'stale', note: stale, at: ctx.clock() });
  }
  feedback = await listFeedbackOfPullRequest(ctx.db, repo, number);
  if (!feedback.some(isTriggering)) return 'stale_bot_feedback';

  const mapping = await getMapping(ctx.db, pr.team_key);
  const config = mapping && deps.host ? await deps.repoConfig(repo, mapping.defaultBranch) : undefined;
  const wait = reviewWait({
    providers: config?.reviewProviders ?? [],
    feedback,
    headSha: head,
    headSeenAt: pr.head_seen_at,
    now: ctx.clock(),
  });
  if (!wait.ready) return `waiting for ${wait.waitingFor.join(', ')} until ${wait.until.toISOString()}`;
  if (wait.timedOut.length > 0) {
    ctx.logger.info(
      { pr: `${repo}#${number}`, providers: wait.timedOut },
      'review providers did not post in time; starting the pass without them',
    );
  }
  const outcome = await requestFollowUp(deps, pr, { phase: 'review-fix', branch: live?.headRef });
  return outcome.status === 'dispatched' ? 'dispatched' : `skipped: ${outcome.reason}`;
}

function isTriggering(row: { status: string; triggers: number }): boolean {
  return row.status === 'pending' && row.triggers === 1;
}

/** The PR as GitHub has it now, or undefined without GitHub or when GitHub cannot answer. */
export async function readLive(
  deps: LoopDeps,
  repo: string,
  number: number,
): Promise<LivePullRequest | undefined> {
  if (!deps.host) return undefined;
  try {
    return await deps.host.getPullRequest(repo, number);
  } catch (error) {
    deps.ctx.logger.warn(
      { pr: `${repo}#${number}`, err: describeError(error) },
      'could not read the pull request from GitHub; going by what the webhooks said',
    );
    return undefined;
  }
}
