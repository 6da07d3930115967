import { describeError } from '../../domain/errors.ts';
import { pullRequestNumber } from '../../domain/run-result.ts';
import { listDispatchesOfPullRequest } from '../../store/dispatches.ts';
import { getMapping } from '../../store/mappings.ts';
import {
  claimFeedback,
  listPullRequestsWithPendingFeedback,
  releaseFeedbackOfDispatch,
  settleFeedbackOfDispatch,
} from '../../store/pull-request-feedback.ts';
import {
  findPullRequest,
  listOpenPullRequestsOfIssue,
  noteHeadCommit,
  parsePullRequestKey,
  pullRequestKey,
  reopenPullRequest,
  setPullRequestStatus,
} from '../../store/pull-requests.ts';
import { pruneDeliveries } from '../../store/webhook-deliveries.ts';
import {
  findOpenPullRequestByBranch,
  listPullRequestsWithPendingChecks,
  releaseCiHead,
} from '../../store/pull-request-checks.ts';
import type { FollowUpHooks, OrchestratorContext } from '../context.ts';
import type { ChecksActivity, PullRequestActivity } from './activity.ts';
import { reviewHeadChecks } from './ci-checks-review.ts';
import { settleClosedPullRequest } from './close-pull-request.ts';
import { dispatchPendingFeedback, readLive } from './dispatch-pending.ts';
import {
  DELIVERY_RETENTION_MS,
  followUpBudget,
  followUpRunsUsed,
  REPO_CONFIG_PATH,
  REPO_CONFIG_TTL_MS,
} from './follow-up-policy.ts';
import { updateGapAnalysis } from './gap-analysis.ts';
import { requestGapFill, type GapFillOutcome, type GapFillRequest } from './gap-fill.ts';
import { ingestFeedback } from './ingest-feedback.ts';
import type { LoopDeps } from './loop-deps.ts';
import type { PullRequestHost } from './pull-request-host.ts';
import { parseRepoConfig, type RepoConfig } from './repo-config.ts';
import { createWorkQueue, type WorkQueue } from './work-queue.ts';

export type { GapFillOutcome, GapFillRequest } from './gap-fill.ts';

/**
 * The loop that keeps working on a PR once it is open (issue 5, seed 003 steps 8–9): review
 * feedback → one `review-fix` pass at a time, `/ai-implement` → a `gap-fill` pass, merge → ticket
 * done. Every run it starts goes through `requestRun` and its admission gate.
 */
export interface PullRequestLoop extends FollowUpHooks {
  /** Background work (webhook handling, next passes); tests await `queue.idle()`. */
  readonly queue: WorkQueue;
  /**
   * Applies one verified webhook event; returns what it did in a few words (`not_ours`,
   * `queued; dispatched`, `merged; ticket done`, …). Throws only on database errors.
   */
  handleActivity(activity: PullRequestActivity): Promise<string>;
  requestGapFill(request: GapFillRequest): Promise<GapFillOutcome>;
  /**
   * What waits and can go now: feedback whose review providers have posted or timed out, or
   * whose PR's run has finished; also forgets old webhook deliveries. Returns one line per PR.
   */
  sweep(): Promise<string[]>;
}

export interface PullRequestLoopOptions {
  ctx: OrchestratorContext;
  host?: PullRequestHost;
  /** GITHUB_APP_ID: comments made through the App are the orchestrator's own. */
  appId?: number;
  /** Wraps each queued job in a lock all replicas share (src/replicas.ts); default: none. */
  exclusive?: (job: () => Promise<void>) => Promise<void>;
}

/** Builds the loop; the composition root sets `ctx.followUps` to it so run results reach it. */
export function createPullRequestLoop(options: PullRequestLoopOptions): PullRequestLoop {
  const { ctx, host } = options;
  const queue = createWorkQueue(ctx.logger, options.exclusive);
  const configs = new Map<string, { readAt: number; config: RepoConfig }>();

  async function repoConfig(repo: string, ref: string): Promise<RepoConfig> {
    const key = `${repo}@${ref}`;
    const cached = configs.get(key);
    const now = ctx.clock().getTime();
    if (cached && now - cached.readAt < REPO_CONFIG_TTL_MS) return cached.config;
    if (!host) return { reviewProviders: [], problems: [] };
    try {
      const config = parseRepoConfig(await host.readFile(repo, REPO_CONFIG_PATH, ref));
      for (const problem of config.problems) {
        ctx.logger.warn(
          `${REPO_CONFIG_PATH} in ${repo}: ${problem}; reviewProviders ignored until it is fixed`,
        );
      }
      configs.set(key, { readAt: now, config });
      return config;
    } catch (error) {
      ctx.logger.warn(
        { repo, err: describeError(error) },
        `could not read ${REPO_CONFIG_PATH}; not waiting for review providers this time`,
      );
      return { reviewProviders: [], problems: [] };
    }
  }

  const deps: LoopDeps = { ctx, host, appId: options.appId, queue, repoConfig };

  /** The PRs a checks delivery is about that the orchestrator opened, each looked at in turn. */
  async function handleChecks(activity: ChecksActivity): Promise<string> {
    const numbers = [...activity.numbers];
    if (numbers.length === 0 && activity.headBranch) {
      const byBranch = await findOpenPullRequestByBranch(ctx.db, activity.repo, activity.headBranch);
      if (byBranch) numbers.push(byBranch.number);
    }
    const outcomes: string[] = [];
    for (const number of numbers) {
      if (!(await findPullRequest(ctx.db, activity.repo, number))) continue;
      outcomes.push(`#${number}: ${await reviewHeadChecks(deps, activity.repo, number, activity.headSha)}`);
    }
    return outcomes.length > 0 ? outcomes.join('; ') : 'not_ours';
  }

  async function handleActivity(activity: PullRequestActivity): Promise<string> {
    if (activity.type === 'checks') return handleChecks(activity);
    const found = await findPullRequest(ctx.db, activity.repo, activity.number);
    if (!found) return 'not_ours';
    const pr = found;
    // The ledger's spelling of owner/repo from here on: GitHub's may differ in case.
    const { repo, number } = pr;
    if (activity.headSha && activity.type !== 'closed') {
      await noteHeadCommit(ctx.db, repo, number, activity.headSha, ctx.clock());
    }
    switch (activity.type) {
      case 'closed':
        return settleClosedPullRequest(deps, pr, activity.merged);
      case 'reopened':
        await reopenPullRequest(ctx.db, repo, number, ctx.clock());
        return 'reopened';
      case 'pushed':
        return 'head_noted';
      case 'command': {
        const outcome = await requestGapFill(deps, {
          repo,
          number,
          commentId: activity.commentId,
          author: activity.author,
          body: activity.body,
        });
        return outcome.status === 'dispatched'
          ? `gap-fill dispatched${outcome.duplicate ? ' (before)' : ''}`
          : `gap-fill ${outcome.status}: ${'reason' in outcome ? outcome.reason : outcome.detail}`;
      }
      case 'feedback': {
        if (pr.state !== 'open') return 'pr_not_open';
        const stored = await ingestFeedback(deps, pr, activity.item, activity.headSha);
        if (stored === 'own_feedback' || stored === 'already_stored') return stored;
        // Any new post may be the review provider the waiting feedback waits for.
        return `${stored}; ${await dispatchPendingFeedback(deps, repo, number)}`;
      }
    }
  }

  async function afterRun(
    row: Parameters<FollowUpHooks['afterRun']>[0],
    outcome: Parameters<FollowUpHooks['afterRun']>[1],
  ): Promise<void> {
    // The row may predate the result that named the PR.
    const prNumber =
      row.pr_number ??
      (outcome.ok && outcome.result.prUrl ? pullRequestNumber(outcome.result.prUrl) : undefined);
    if (row.phase === 'implementation' && outcome.ok && prNumber !== undefined) {
      // A new PR: its checks may have finished before the result came (webhooks get lost).
      const prRepo = row.repo;
      queue.push(`checks of ${prRepo}#${prNumber}`, async () => {
        await reviewHeadChecks(deps, prRepo, prNumber);
      });
      return;
    }
    if (!isFollowUp(row.phase) || !row.pull_request_key) return;
    const { repo, number } = parsePullRequestKey(row.pull_request_key);
    const now = ctx.clock();
    if (row.phase === 'ci-fix') {
      const pr = await findPullRequest(ctx.db, repo, number);
      // A ci-fix run that failed did not fix the head: it may be tried again (the attempts bound it).
      if (!outcome.ok && pr?.ci_fix_head_sha) {
        await releaseCiHead(ctx.db, repo, number, 'ci_fix_head_sha', pr.ci_fix_head_sha);
      }
      await setPullRequestStatus(ctx.db, repo, number, outcome.ok ? 'completed' : 'ci_fix_failed', now);
      queue.push(`after ci-fix on ${repo}#${number}`, async () => {
        const current = await findPullRequest(ctx.db, repo, number);
        if (!current) return;
        if (outcome.ok) await updateGapAnalysis(deps, current);
        await reviewHeadChecks(deps, repo, number);
        await dispatchPendingFeedback(deps, repo, number);
      });
      return;
    }
    // Feedback that was on the PR when the run started was there for it to read, even when the
    // run came from a path that does not claim (a re-marked ticket).
    await claimFeedback(ctx.db, repo, number, row.id, new Date(row.created_at));
    await settleFeedbackOfDispatch(ctx.db, row.id, outcome.ok ? 'addressed' : 'failed', now);
    await setPullRequestStatus(ctx.db, repo, number, outcome.ok ? 'completed' : 'review_failed', now);
    queue.push(`after ${row.phase} on ${repo}#${number}`, async () => {
      const pr = await findPullRequest(ctx.db, repo, number);
      if (!pr) return;
      if (outcome.ok) await updateGapAnalysis(deps, pr);
      await dispatchPendingFeedback(deps, repo, number);
      // The pass pushed (or not): the head's checks decide whether a ci-fix comes next.
      await reviewHeadChecks(deps, repo, number);
    });
  }

  /**
   * A follow-up whose session was destroyed did no work the loop can count: its feedback waits
   * again (`pending`, so the next sweep starts a pass once the gate admits one), a ci-fix's head
   * may be tried again, and the PR says why nothing runs. The run still counts toward the PR's
   * follow-up budget, so a pass destroyed again and again ends with a person.
   */
  async function afterRunStopped(row: Parameters<NonNullable<FollowUpHooks['afterRunStopped']>>[0]) {
    if (!isFollowUp(row.phase) || !row.pull_request_key) return;
    const cut = row.pull_request_key.lastIndexOf('#');
    const repo = row.pull_request_key.slice(0, cut);
    const number = Number(row.pull_request_key.slice(cut + 1));
    await releaseFeedbackOfDispatch(ctx.db, row.id, `its ${row.phase} run was stopped (session destroyed)`);
    if (row.phase === 'ci-fix') {
      const pr = await findPullRequest(ctx.db, repo, number);
      if (pr?.ci_fix_head_sha)
        await releaseCiHead(ctx.db, repo, number, 'ci_fix_head_sha', pr.ci_fix_head_sha);
    }
    await setPullRequestStatus(ctx.db, repo, number, 'run_stopped', ctx.clock());
  }

  async function openPullRequestFor(
    ticket: Parameters<FollowUpHooks['openPullRequestFor']>[0],
    mapping: Parameters<FollowUpHooks['openPullRequestFor']>[1],
  ) {
    for (const pr of await listOpenPullRequestsOfIssue(ctx.db, ticket.id)) {
      const live = await readLive(deps, pr.repo, pr.number);
      if (live?.state === 'closed') {
        await settleClosedPullRequest(deps, pr, live.merged);
        continue;
      }
      const key = pullRequestKey(pr.repo, pr.number);
      const runsUsed = followUpRunsUsed(await listDispatchesOfPullRequest(ctx.db, key));
      const budget = followUpBudget((await getMapping(ctx.db, pr.team_key)) ?? mapping);
      return {
        jobId: pr.job_id,
        pullRequest: { key, number: pr.number, branch: live?.headRef ?? pr.branch, runsUsed, budget },
      };
    }
    return undefined;
  }

  async function sweep(): Promise<string[]> {
    const lines: string[] = [];
    for (const { repo, pr_number: number } of await listPullRequestsWithPendingFeedback(ctx.db)) {
      lines.push(`${repo}#${number}: ${await dispatchPendingFeedback(deps, repo, number)}`);
    }
    // Check webhooks get lost: heads last seen with checks running are looked at again.
    for (const { repo, number } of await listPullRequestsWithPendingChecks(ctx.db)) {
      lines.push(`${repo}#${number} checks: ${await reviewHeadChecks(deps, repo, number)}`);
    }
    await pruneDeliveries(ctx.db, new Date(ctx.clock().getTime() - DELIVERY_RETENTION_MS));
    return lines;
  }

  return {
    queue,
    handleActivity,
    requestGapFill: (request) => requestGapFill(deps, request),
    afterRun,
    afterRunStopped,
    readsChecks: host !== undefined,
    openPullRequestFor,
    sweep,
  };
}

function isFollowUp(phase: string): boolean {
  return phase === 'gap-fill' || phase === 'review-fix' || phase === 'ci-fix';
}
