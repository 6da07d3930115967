import { randomUUID } from 'node:crypto';
import { describeError } from '../domain/errors.ts';
import type { Phase } from '../domain/phases.ts';
import { canonicalJson, pullRequestNumber, type RunProgress, type RunResult } from '../domain/run-result.ts';
import type { NotifiedRun } from '../notify/types.ts';
import { isTerminal } from '../domain/ticket.ts';
import { acceptResult, getDispatch, listDispatchesOfJob, type DispatchRow } from '../store/dispatches.ts';
import { markOutcomeApplied } from '../store/dispatch-convergence.ts';
import { recordRunFailure, recordRunSuccess } from '../store/failure-breakers.ts';
import { getMapping } from '../store/mappings.ts';
import { approvePlan } from '../store/plan-approvals.ts';
import { awaitChecks } from '../store/pull-request-checks.ts';
import { parsePullRequestKey, upsertPullRequest } from '../store/pull-requests.ts';
import { insertRunStep } from '../store/run-steps.ts';
import { handleShadowResult, isShadowRun } from './shadow/shadow-runs.ts';
import type { OrchestratorContext } from './context.ts';
import { syncMarker } from './convergence/marker-sync.ts';
import { requestRun, type RunOutcome as RunRequestOutcome } from './request-run.ts';

export type ResultOutcome = 'accepted' | 'duplicate' | 'conflict' | 'unknown_dispatch';

/**
 * Takes a runner's result (CONTRACTS.md §4). The first result is locked in by one conditional
 * database write; the same body again is a `duplicate`, a different one a `conflict`. After the
 * lock-in the lifecycle moves on: markers, PR record, failure breaker, the next phase.
 */
export async function handleRunResult(
  ctx: OrchestratorContext,
  dispatchId: string,
  result: RunResult,
): Promise<ResultOutcome> {
  const body = canonicalJson(result);
  const accepted = await acceptResult(ctx.db, dispatchId, {
    status: result.status === 'success' ? 'succeeded' : 'failed',
    resultJson: body,
    receivedAt: ctx.clock(),
    prUrl: result.prUrl ?? null,
    prNumber: result.prUrl ? (pullRequestNumber(result.prUrl) ?? null) : null,
    branch: result.branch ?? null,
    costUsd: result.usage?.costUsd ?? null,
    usageJson: result.usage ? canonicalJson(result.usage) : null,
    usage: {
      input_tokens: result.usage?.inputTokens ?? null,
      output_tokens: result.usage?.outputTokens ?? null,
      cache_read_tokens: result.usage?.cacheReadTokens ?? null,
      cache_creation_tokens: result.usage?.cacheCreationTokens ?? null,
      turns: result.usage?.turns ?? null,
      model: result.usage?.model ?? null,
    },
    error: result.status === 'failure' ? (result.error ?? 'the runner reported a failure') : null,
  });
  if (!accepted) {
    const row = await getDispatch(ctx.db, dispatchId);
    // Not the ledger's: a shadow run's result (RUNNER_MODE=shadow), or unknown.
    if (!row) return (await handleShadowResult(ctx, dispatchId, result)) ?? 'unknown_dispatch';
    return row.result_json === body ? 'duplicate' : 'conflict';
  }
  const row = await getDispatch(ctx.db, dispatchId);
  if (row?.close_reason === 'ticket_closed') {
    // The ticket went done or cancelled before the result came: recorded, nothing applied.
    ctx.logger.info(
      { issue: row.issue_identifier, dispatchId },
      'late result of a run whose ticket was closed: recorded, no follow-ups',
    );
    await releaseRun(ctx, row);
    return 'accepted';
  }
  if (row) {
    try {
      await applyRunOutcome(
        ctx,
        row,
        result.status === 'success' ? { ok: true, result } : { ok: false, error: row.error ?? '' },
      );
    } catch (error) {
      // Recorded is what the runner needs to hear; the tick applies what is left (the outbox).
      ctx.logger.error(
        { issue: row.issue_identifier, dispatchId, err: describeError(error) },
        'result recorded; applying it failed, the next tick finishes it',
      );
    }
    await releaseRun(ctx, row);
  }
  return 'accepted';
}

/**
 * A Fly Machines run that reported its result has nothing left to do: its Machine, if still
 * there (the runner has not exited yet, or auto-destroy failed), is destroyed now so it costs
 * nothing more (CONTRACTS.md §8). Other backends' runs end by themselves. Failures are logged:
 * the reaper's `stale-terminal-job` rule destroys a Machine left behind.
 */
async function releaseRun(ctx: OrchestratorContext, row: DispatchRow): Promise<void> {
  if (row.runner_mode !== 'fly-machines' || !row.external_id) return;
  const backend = ctx.backends.get('fly-machines');
  const mapping = await getMapping(ctx.db, row.team_key);
  if (!backend?.cancel || !mapping) return;
  try {
    await backend.cancel({ mapping, externalId: row.external_id });
  } catch (error) {
    ctx.logger.warn(
      {
        issue: row.issue_identifier,
        dispatchId: row.id,
        machineId: row.external_id,
        err: describeError(error),
      },
      'result recorded, but its Fly Machine could not be destroyed; the reaper will',
    );
  }
}

/** Stores one progress report; false when the dispatch is unknown. */
export async function handleRunProgress(
  ctx: OrchestratorContext,
  dispatchId: string,
  progress: RunProgress,
): Promise<boolean> {
  const row = await getDispatch(ctx.db, dispatchId);
  // A shadow run's progress is taken and not kept: its comparison is of outcomes.
  if (!row) return isShadowRun(ctx, dispatchId);
  await insertRunStep(ctx.db, {
    id: randomUUID(),
    dispatch_id: dispatchId,
    job_id: row.job_id,
    step: progress.step,
    status: progress.status,
    elapsed_ms: progress.elapsedMs ?? null,
    output_json: progress.output ? JSON.stringify(progress.output) : null,
    received_at: ctx.clock().toISOString(),
  });
  ctx.onRunProgress?.(row, progress);
  return true;
}

export type FinishedRun = { ok: true; result: RunResult } | { ok: false; error: string };

/**
 * What follows a finished run (a result, or a deadline passed): markers per CONTRACTS.md §2,
 * the failure breaker, the PR record, notifications, and after a successful planning run the
 * implementation run when the plan is auto-approved. Tracker and notification errors are
 * logged, never thrown: the outcome is already locked in the ledger, and the markers converge
 * on later ticks. Marks the outcome applied last; anything that throws before leaves it in the
 * outbox, which the tick finishes (convergence/outbox.ts), so every step here is safe to repeat.
 */
export async function applyRunOutcome(
  ctx: OrchestratorContext,
  row: DispatchRow,
  outcome: FinishedRun,
): Promise<void> {
  await applyLifecycle(ctx, row, outcome);
  // Last, so a follow-up the loop starts next finds the markers of this run already set.
  await ctx.followUps?.afterRun(row, outcome);
  // Only now is the outcome out of the outbox: a crash before this line and the tick applies it again.
  await markOutcomeApplied(ctx.db, row.id, ctx.clock());
}

async function applyLifecycle(
  ctx: OrchestratorContext,
  row: DispatchRow,
  outcome: FinishedRun,
): Promise<void> {
  const phase = row.phase as Phase;
  const log = ctx.logger.child({ issue: row.issue_identifier, dispatchId: row.id, phase });
  const now = ctx.clock();

  if (!outcome.ok) {
    log.warn({ err: outcome.error }, 'run failed');
    await recordRunFailure(
      ctx.db,
      { id: row.issue_id, identifier: row.issue_identifier },
      ctx.policy.breakerThreshold,
      now,
    );
    // The marker follows the ledger; a failed write is retried by the tick (convergence).
    await syncMarker(ctx, row.issue_id);
    await ctx.notifier.notify({
      type: 'run_finished',
      ...notifiedRun(row),
      result: { status: 'failure', error: outcome.error },
      ...costOf(row),
    });
    return;
  }

  log.info('run succeeded');
  await recordRunSuccess(ctx.db, row.issue_id);
  if (phase === 'planning') {
    await syncMarker(ctx, row.issue_id);
    await continueAfterPlanning(ctx, row);
    return;
  }
  const { result } = outcome;
  const prNumber = result.prUrl ? pullRequestNumber(result.prUrl) : undefined;
  if (result.prUrl && prNumber !== undefined) {
    await upsertPullRequest(ctx.db, {
      repo: row.repo,
      number: prNumber,
      url: result.prUrl,
      branch: result.branch ?? '',
      issue_id: row.issue_id,
      issue_identifier: row.issue_identifier,
      issue_url: row.issue_url,
      team_key: row.team_key,
      job_id: row.job_id,
      status: 'completed',
      cost_usd: result.usage?.costUsd ?? null,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
      last_dispatch_at: row.dispatched_at ?? row.created_at,
    });
  }
  const pushedTo = pullRequestOfRun(row, prNumber);
  if (pushedTo && ctx.followUps?.readsChecks) await awaitChecks(ctx.db, pushedTo.repo, pushedTo.number, now);
  // `Ready for Review` once the checks passed (`AI-Working` until then), or `AI-Working` cleared
  // when the run needed no PR (src/domain/convergence.ts).
  await syncMarker(ctx, row.issue_id);
  await ctx.notifier.notify({
    type: 'run_finished',
    ...notifiedRun(row),
    result: { status: 'success', prUrl: result.prUrl },
    ...costOf(row),
  });
}

/** The PR a succeeded run opened (implementation) or pushed to (a follow-up's `pull_request_key`). */
function pullRequestOfRun(
  row: DispatchRow,
  openedNumber: number | undefined,
): { repo: string; number: number } | undefined {
  if (row.pull_request_key) return parsePullRequestKey(row.pull_request_key);
  return openedNumber === undefined ? undefined : { repo: row.repo, number: openedNumber };
}

/** Auto-approval dispatches implementation now; otherwise the job waits for a person. */
async function continueAfterPlanning(ctx: OrchestratorContext, row: DispatchRow): Promise<void> {
  const mapping = await getMapping(ctx.db, row.team_key);
  if (!mapping) return;
  if (!mapping.autoApprovePlans) return;
  await approvePlan(ctx.db, {
    jobId: row.job_id,
    issueId: row.issue_id,
    approvedBy: 'auto',
    approvedAt: ctx.clock(),
  });
  await dispatchImplementation(ctx, row.job_id, row.issue_id);
}

/**
 * Dispatches the implementation run of an approved plan, through the admission gate. When the
 * gate refuses (a full bucket) or the ticket cannot be read now, the poll tick picks the job up
 * later from the ledger: approved plans without an implementation run are candidates there.
 */
export async function dispatchImplementation(
  ctx: OrchestratorContext,
  jobId: string,
  issueId: string,
): Promise<RunRequestOutcome | undefined> {
  const dispatches = await listDispatchesOfJob(ctx.db, jobId);
  const planning = dispatches.find((dispatch) => dispatch.phase === 'planning');
  if (!planning) return undefined;
  // Applying an outcome again (the outbox after a crash) must not start a second implementation.
  const started = dispatches.some(
    (dispatch) =>
      dispatch.phase !== 'planning' &&
      dispatch.close_reason !== 'session_destroyed' &&
      (dispatch.dispatched_at != null ||
        dispatch.result_received_at != null ||
        dispatch.status === 'pending' ||
        dispatch.status === 'running'),
  );
  if (started) return undefined;
  const mapping = await getMapping(ctx.db, planning.team_key);
  const provider = ctx.ticketing.get(planning.ticketing_provider as 'linear' | 'jira');
  if (!mapping || !provider) return undefined;
  try {
    const ticket = (await provider.getTickets([issueId])).get(issueId);
    // A ticket done or cancelled meanwhile gets no more work.
    if (!ticket || isTerminal(ticket.stateType)) return undefined;
    const outcome = await requestRun(ctx, {
      kind: 'plan-approval',
      phase: 'implementation',
      ticket,
      mapping,
      jobId,
    });
    if (outcome.status === 'refused') {
      ctx.logger.info(
        { issue: ticket.identifier, reason: outcome.refusal.reason },
        'implementation waits: ' + outcome.refusal.detail,
      );
    }
    return outcome;
  } catch (error) {
    ctx.logger.warn(
      { issue: planning.issue_identifier, err: describeError(error) },
      'implementation dispatch deferred to the next poll',
    );
    return undefined;
  }
}

/** The run's reported cost for its notification; nothing when it reported none. */
function costOf(row: DispatchRow): { costUsd?: number } {
  return row.cost_usd === null ? {} : { costUsd: row.cost_usd };
}

function notifiedRun(row: DispatchRow): NotifiedRun {
  return {
    issue: { identifier: row.issue_identifier, title: row.issue_title, url: row.issue_url },
    repo: row.repo,
    phase: row.phase as Phase,
    dispatchNumber: row.dispatch_number,
    runnerMode: row.runner_mode,
  };
}
