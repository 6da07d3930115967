import {
  checksVerdict,
  failureAction,
  type ChecksState,
  type ChecksVerdict,
  type HeadCheck,
} from '../../domain/ci-checks.ts';
import { describeError, isRetryable } from '../../domain/errors.ts';
import { latestDispatchForIssue, listDispatchesOfPullRequest } from '../../store/dispatches.ts';
import { getMapping } from '../../store/mappings.ts';
import {
  claimCiHead,
  recordChecks,
  releaseCiHead,
  resetMarkerSync,
} from '../../store/pull-request-checks.ts';
import {
  findPullRequest,
  noteHeadCommit,
  pullRequestKey,
  type PullRequestRow,
} from '../../store/pull-requests.ts';
import { syncMarker } from '../convergence/marker-sync.ts';
import { settleClosedPullRequest } from './close-pull-request.ts';
import {
  collectCiFailure,
  describeFailedChecks,
  handOverFailingChecks,
  withAnnotations,
} from './ci-failure-report.ts';
import { readLive } from './dispatch-pending.ts';
import { followUpRunsUsed } from './follow-up-policy.ts';
import type { LoopDeps } from './loop-deps.ts';
import { requestFollowUp } from './request-follow-up.ts';

/**
 * Looks at the checks of a PR's current head and acts on them (issue 17, docs/decisions/ci-fix.md):
 * called for a check_suite / check_run / workflow_run delivery, after a run on the PR finished,
 * and by the sweep while checks are pending (webhooks get lost). In order:
 * 1. the PR is open, and `seenHeadSha` (the commit a delivery is about) is still its head —
 *    a check on a commit a newer push superseded starts nothing;
 * 2. the head's checks are read (check runs, Actions suites, commit statuses) and counted: the
 *    base branch's required checks when readable, else all but the mapping's `ignoredChecks`;
 * 3. pending → wait; passed / none → record it (the ticket may move to `Ready for Review`) —
 *    but no check within `ciChecksGraceMs` of the push is recorded as pending (none reported yet);
 * 4. failed → re-run the failed Actions jobs once per head when the failure looks
 *    infrastructural, else one `ci-fix` run per head through the admission gate, with the
 *    failure (annotations, log tails) in its payload; after `maxCiFixAttempts` a person is asked.
 * Returns what happened in a few words. Throws only on database errors.
 */
export async function reviewHeadChecks(
  deps: LoopDeps,
  repo: string,
  number: number,
  seenHeadSha?: string,
): Promise<string> {
  const { ctx, host } = deps;
  if (!host) return 'no_github';
  let pr = await findPullRequest(ctx.db, repo, number);
  if (!pr || pr.state !== 'open') return 'pr_not_open';
  const live = await readLive(deps, pr.repo, pr.number);
  if (live?.state === 'closed') return settleClosedPullRequest(deps, pr, live.merged);
  if (live) await noteHeadCommit(ctx.db, pr.repo, pr.number, live.headSha, ctx.clock());
  const head = live?.headSha ?? pr.head_sha;
  if (!head) {
    // Neither GitHub (the PR could not be read) nor a webhook named the head: nothing can be
    // waited for, so the ticket is not held back; a later check webhook still applies.
    await record(deps, pr, '', 'none', 'the pull request could not be read: no checks to wait for');
    return 'head_unknown: counted as none';
  }
  if (seenHeadSha && seenHeadSha !== head) return `old_head: ${seenHeadSha.slice(0, 7)} is not the head`;
  const mapping = await getMapping(ctx.db, pr.team_key);
  if (!mapping) return 'no_mapping';
  pr = (await findPullRequest(ctx.db, pr.repo, pr.number)) ?? pr;

  let checks: HeadCheck[];
  try {
    checks = await host.listHeadChecks(pr.repo, head);
  } catch (error) {
    ctx.logger.warn(
      { pr: `${pr.repo}#${pr.number}`, err: describeError(error) },
      'could not read the checks of the head; the App needs the Checks and Commit statuses read permissions',
    );
    // Refused for good (a permission): the PR behaves as if it had no checks rather than keep its
    // ticket waiting; a passing fault leaves the state as it was for the sweep's next look.
    if (isRetryable(error)) return 'checks_unreadable';
    await record(deps, pr, head, 'none', `checks unreadable: ${describeError(error)}`);
    return 'checks_unreadable: counted as none';
  }
  const required = await host.requiredChecks(pr.repo, mapping.defaultBranch);
  const verdict = checksVerdict(checks, required, mapping.ignoredChecks);
  if (verdict.kind === 'none' && withinNoChecksGrace(deps, pr)) {
    // GitHub registers a push's check suites a few seconds after it: "none yet" is not "none".
    await record(deps, pr, head, 'pending', 'waiting for checks to be reported');
    return 'pending: no checks reported yet';
  }
  if (verdict.kind !== 'failed') {
    // Failed jobs re-run for this head are still a failure being dealt with, not a fresh start.
    const rerunning = verdict.kind === 'pending' && pr.ci_rerun_head_sha === head;
    await record(
      deps,
      pr,
      head,
      rerunning ? 'failing' : stateOf(verdict),
      (rerunning ? 're-running failed jobs; ' : '') + summarize(verdict, checks),
    );
    return verdict.kind === 'pending' ? `pending: ${verdict.waitingFor.join(', ')}` : verdict.kind;
  }

  const { failed, infrastructural } = await withAnnotations(deps, pr.repo, verdict.failed);
  const ciFixRuns = (await listDispatchesOfPullRequest(ctx.db, pullRequestKey(pr.repo, pr.number))).filter(
    (row) => row.phase === 'ci-fix',
  );
  const action = failureAction({
    failed,
    infrastructural,
    rerunHeadSha: pr.ci_rerun_head_sha,
    ciFixHeadSha: pr.ci_fix_head_sha,
    headSha: head,
    attemptsUsed: followUpRunsUsed(ciFixRuns),
    maxAttempts: mapping.maxCiFixAttempts,
  });
  const summary = `${failed.map((check) => check.name).join(', ')} failed`;
  switch (action.kind) {
    case 'already-handled':
      await record(deps, pr, head, 'failing', summary);
      return `already_handled: ${action.detail}`;
    case 'rerun': {
      if (!(await claimCiHead(ctx.db, pr.repo, pr.number, 'ci_rerun_head_sha', head))) {
        return 'already_handled: re-run before';
      }
      try {
        for (const id of action.workflowRunIds) await host.rerunFailedJobs(pr.repo, id);
        await record(deps, pr, head, 'failing', `${summary}; re-running`);
        return `rerun: ${action.workflowRunIds.join(', ')}`;
      } catch (error) {
        // A run GitHub will not re-run (too old, a permission) gets a ci-fix pass instead.
        ctx.logger.warn(
          { pr: `${pr.repo}#${pr.number}`, err: describeError(error) },
          'could not re-run the failed jobs; treating the failure as a real one',
        );
        return startCiFix(
          deps,
          pr,
          head,
          failed,
          summary,
          followUpRunsUsed(ciFixRuns),
          mapping.maxCiFixAttempts,
        );
      }
    }
    case 'hand-over': {
      const before = await record(deps, pr, head, 'exhausted', summary);
      if (before.state === 'exhausted' && before.head === head) return 'handed_over before';
      await handOverFailingChecks(deps, pr, head, failed, action.attempts);
      return `handed_over after ${action.attempts} ci-fix run(s)`;
    }
    case 'ci-fix':
      return startCiFix(deps, pr, head, failed, summary, action.attempt - 1, mapping.maxCiFixAttempts);
  }
}

async function startCiFix(
  deps: LoopDeps,
  pr: PullRequestRow,
  head: string,
  failed: HeadCheck[],
  summary: string,
  used: number,
  max: number,
): Promise<string> {
  const { ctx } = deps;
  if (used >= max) {
    await record(deps, pr, head, 'exhausted', summary);
    await handOverFailingChecks(deps, pr, head, failed, used);
    return `handed_over after ${used} ci-fix run(s)`;
  }
  if (!(await claimCiHead(ctx.db, pr.repo, pr.number, 'ci_fix_head_sha', head))) {
    return 'already_handled: a ci-fix run was started for this head';
  }
  const ciFailure = await collectCiFailure(deps, pr.repo, head, failed);
  // Recorded before the run is asked for, so the marker of the run in flight is `CI Fixing`.
  await record(deps, pr, head, 'failing', summary);
  const outcome = await requestFollowUp(deps, pr, {
    phase: 'ci-fix',
    branch: (await readLive(deps, pr.repo, pr.number))?.headRef,
    ciFailure,
    announce: [
      `CI fix attempt ${used + 1} of ${max} for ${head.slice(0, 7)}. Failing checks:`,
      ...describeFailedChecks(failed),
    ],
  });
  if (outcome.status !== 'dispatched') {
    // Refused (a run in flight on the PR, the budget, capacity): the next look tries again.
    await releaseCiHead(ctx.db, pr.repo, pr.number, 'ci_fix_head_sha', head);
    return `ci-fix ${outcome.reason}: ${outcome.detail}`;
  }
  return `ci-fix dispatched (attempt ${used + 1} of ${max})`;
}

/** The head was pushed less than `ciChecksGraceMs` ago (when first seen, for a head not noted yet). */
function withinNoChecksGrace(deps: LoopDeps, pr: PullRequestRow): boolean {
  const pushedAt = Date.parse(pr.head_seen_at ?? pr.created_at);
  return deps.ctx.clock().getTime() - pushedAt < deps.ctx.policy.ciChecksGraceMs;
}

function stateOf(verdict: Exclude<ChecksVerdict, { kind: 'failed' }>): ChecksState {
  return verdict.kind;
}

function summarize(verdict: Exclude<ChecksVerdict, { kind: 'failed' }>, checks: HeadCheck[]): string {
  if (verdict.kind === 'pending') return `waiting for ${verdict.waitingFor.join(', ')}`;
  if (verdict.kind === 'none') return checks.length === 0 ? 'no checks' : 'no counted checks';
  return `${verdict.counted} check${verdict.counted === 1 ? '' : 's'} passed`;
}

/**
 * Records the head's state; when it changed, the ticket's marker is looked at again (the rule
 * reads the state: src/domain/convergence.ts) — now, and by the tick if the write fails.
 */
async function record(
  deps: LoopDeps,
  pr: PullRequestRow,
  head: string,
  state: ChecksState,
  summary: string,
): Promise<{ state: string | null; head: string | null }> {
  const { ctx } = deps;
  const before = await recordChecks(ctx.db, pr.repo, pr.number, {
    headSha: head,
    state,
    summary,
    at: ctx.clock(),
  });
  if (before.before !== state) {
    const latest = await latestDispatchForIssue(ctx.db, pr.issue_id);
    if (latest) {
      await resetMarkerSync(ctx.db, latest.id);
      await syncMarker(ctx, pr.issue_id);
    }
  }
  return { state: before.before, head: before.beforeHead };
}
