import { randomUUID } from 'node:crypto';
import {
  checkAdmission,
  type AdmissionKind,
  type AdmissionRequest,
  type Refusal,
} from '../domain/admission.ts';
import { IntegrationError, describeError, isRetryable } from '../domain/errors.ts';
import { capacityBucket, DEFAULT_MAX_JOB_MINUTES, type Mapping } from '../domain/mapping.ts';
import type { CiFailure } from '../domain/ci-failure.ts';
import type { Phase } from '../domain/phases.ts';
import { isTerminal, type Ticket, type TicketDependency, type TicketStateType } from '../domain/ticket.ts';
import { deleteBlocker } from '../store/blockers.ts';
import { deleteFromDedupWindow, recordInDedupWindow } from '../store/dedup-window.ts';
import { insertPendingDispatch, markFailedWithoutResult, notePendingProblem } from '../store/dispatches.ts';
import { recordRunFailure } from '../store/failure-breakers.ts';
import { loadAdmissionStateFor } from './admission-state.ts';
import { startShadowRun } from './shadow/shadow-runs.ts';
import type { OrchestratorContext } from './context.ts';
import { resolveExecutionMode } from './execution-mode.ts';
import { syncMarker } from './convergence/marker-sync.ts';
import { sendDispatch } from './send-dispatch.ts';

/** A run the orchestrator is asked to start, from any path (poll, approval, follow-up). */
export interface RunRequest {
  kind: AdmissionKind;
  phase: Phase;
  ticket: Ticket;
  mapping: Mapping;
  /** The job this run continues (implementation after planning); a new job when absent. */
  jobId?: string;
  pullRequest?: { key: string; number: number; branch: string; runsUsed: number; budget: number };
  /** The ask is the ticket's `AI-Implement` marker (see `AdmissionRequest.fromMarker`); default: pickups. */
  fromMarker?: boolean;
  /** ci-fix runs: the failure the payload carries (kept in the ledger for a re-sent dispatch). */
  ciFailure?: CiFailure;
}

export type RunOutcome =
  | { status: 'dispatched'; dispatchId: string; jobId: string; dispatchNumber: number }
  | { status: 'refused'; refusal: Refusal }
  | { status: 'failed'; dispatchId: string; error: string; willRetry: boolean };

/**
 * What the gate is asked for `request`: the one place a request becomes an `AdmissionRequest`,
 * for `requestRun` and for the tick's cheap pre-check (which passes no dependencies: it has not
 * read them yet, and `requestRun` asks again with them).
 */
export function admissionRequestFor(
  request: Pick<RunRequest, 'kind' | 'mapping' | 'pullRequest' | 'fromMarker'> & {
    ticket: { id: string; teamKey: string; stateType?: TicketStateType };
  },
  dependencies: TicketDependency[],
): AdmissionRequest {
  return {
    kind: request.kind,
    issueId: request.ticket.id,
    paused: request.mapping.paused,
    bucket: capacityBucket(request.mapping, request.ticket.teamKey),
    capacity: request.mapping.maxInProgressAiIssues,
    dependencies,
    pullRequestRuns: request.pullRequest
      ? { used: request.pullRequest.runsUsed, budget: request.pullRequest.budget }
      : undefined,
    fromMarker: request.fromMarker ?? request.kind === 'pickup',
    ticketClosed: request.ticket.stateType !== undefined && isTerminal(request.ticket.stateType),
    teamKey: request.mapping.teamKey,
    // The mapping carries `dailyBudgetUsd` and `monthlyBudgetUsd` (no copy per waiting ticket).
    budgets: request.mapping,
    maxPullRequestsAwaitingReview: request.mapping.maxPullRequestsAwaitingReview,
  };
}

/**
 * Asks the admission gate, writes the intent to the ledger, then calls the execution backend —
 * in that order, so a crash between the ledger write and the call leaves a `pending` row that
 * counts as in flight (never dispatched twice) and that the next ticks look up by its dispatch
 * id and adopt or dispatch again (never lost; convergence/unknown-dispatches.ts).
 *
 * A refusal by the backend that retrying cannot fix (missing workflow file, bad credentials,
 * invalid request) marks the ticket failed with the operator-facing reason. A rate limit (the
 * backend surely did not start the run) leaves the ticket as it was and frees its dedup entry,
 * so the next poll retries. A transient fault leaves the outcome unknown: see below.
 */
export async function requestRun(ctx: OrchestratorContext, request: RunRequest): Promise<RunOutcome> {
  const { ticket, mapping } = request;
  const runnerMode = await ctx.runnerMode();
  const mode = resolveExecutionMode(mapping, runnerMode);
  const bucket = capacityBucket(mapping, ticket.teamKey);

  const intent = await ctx.dispatchLock.runExclusive(async () => {
    const refusal = checkAdmission(
      admissionRequestFor(request, request.kind === 'pickup' ? ticket.dependencies : []),
      await loadAdmissionStateFor(ctx, { issueId: ticket.id, bucket }),
    );
    if (refusal) return { refusal };
    const now = ctx.clock();
    const dispatchId = randomUUID();
    const jobId = request.jobId ?? dispatchId;
    const deadline = new Date(
      now.getTime() +
        (mapping.maxJobMinutes ?? DEFAULT_MAX_JOB_MINUTES) * 60_000 +
        ctx.policy.deadlineMarginMs,
    );
    // Only a Fly Machine runs an image; a GitHub Actions or local child-process run has none.
    // The mapping's override is known here; the Fly backend resolves the rest (the repository's
    // .ai-implement/image.yml, then AI_IMPLEMENT_RUNNER_IMAGE) and the ledger records its choice.
    const image = mode === 'fly-machines' ? (mapping.runnerImage ?? undefined) : undefined;
    const dispatchNumber = await insertPendingDispatch(ctx.db, {
      id: dispatchId,
      job_id: jobId,
      issue_id: ticket.id,
      issue_identifier: ticket.identifier,
      issue_title: ticket.title,
      issue_url: ticket.url,
      ticketing_provider: ticket.provider,
      team_key: mapping.teamKey,
      bucket,
      repo: `${mapping.owner}/${mapping.repo}`,
      phase: request.phase,
      runner_mode: mode,
      image: image ?? null,
      workflow_file: workflowFor(mapping, request.phase),
      priority: ticket.priority,
      created_at: now.toISOString(),
      deadline_at: deadline.toISOString(),
      pull_request_key: request.pullRequest?.key ?? null,
      ci_failure_json: request.ciFailure ? JSON.stringify(request.ciFailure) : null,
    });
    await recordInDedupWindow(ctx.db, {
      issue_id: ticket.id,
      issue_identifier: ticket.identifier,
      issue_title: ticket.title,
      team_key: mapping.teamKey,
      dispatched_at: now.toISOString(),
    });
    await deleteBlocker(ctx.db, ticket.id);
    return { refusal: undefined, dispatchId, jobId, dispatchNumber, deadline, image };
  });
  if (intent.refusal) {
    ctx.metrics?.dispatch({ phase: request.phase, outcome: 'refused', mode });
    return { status: 'refused', refusal: intent.refusal };
  }

  const { dispatchId, jobId, dispatchNumber } = intent;
  const log = ctx.logger.child({ issue: ticket.identifier, dispatchId, phase: request.phase, mode });
  try {
    await sendDispatch(ctx, {
      dispatchId,
      phase: request.phase,
      ticket,
      mapping,
      mode,
      workflowFile: workflowFor(mapping, request.phase),
      image: intent.image,
      deadline: intent.deadline,
      pullRequest: request.pullRequest
        ? { number: request.pullRequest.number, branch: request.pullRequest.branch }
        : undefined,
      ciFailure: request.ciFailure,
    });
  } catch (error) {
    if (!(error instanceof IntegrationError && error.category === 'transient')) {
      return handleDispatchFailure(ctx, request, { dispatchId, dispatchNumber, mode }, error);
    }
    // No answer (network error, timeout, 5xx): the backend may have started the run. The row
    // stays pending — in flight, so never dispatched twice — and the next ticks look the run up
    // by its dispatch id: adopted when found, dispatched again under the same id when certainly
    // absent (convergence/unknown-dispatches.ts). The deadline stays the last resort.
    await notePendingProblem(ctx.db, dispatchId, `dispatch outcome unknown: ${describeError(error)}`);
    log.warn({ err: describeError(error) }, 'dispatch outcome unknown; the next ticks look the run up');
  }

  log.info({ dispatchNumber }, 'dispatched');
  if (runnerMode === 'shadow' && mode === 'github-actions') {
    // The Fly secondary: its own ledger table, never this run's markers, slot or dedup entry.
    await startShadowRun(ctx, {
      primaryDispatchId: dispatchId,
      phase: request.phase,
      ticket,
      mapping,
      workflowFile: workflowFor(mapping, request.phase),
      deadline: intent.deadline,
      pullRequest: request.pullRequest
        ? { number: request.pullRequest.number, branch: request.pullRequest.branch }
        : undefined,
      ciFailure: request.ciFailure,
    });
  }
  ctx.metrics?.dispatch({ phase: request.phase, outcome: 'dispatched', mode });
  // The marker follows the ledger: a fast run that already reported keeps its outcome's marker,
  // and a failed write is retried by the tick until the tracker shows it.
  await syncMarker(ctx, ticket.id);
  await ctx.notifier.notify({
    type: 'dispatch_succeeded',
    issue: { identifier: ticket.identifier, title: ticket.title, url: ticket.url },
    repo: `${mapping.owner}/${mapping.repo}`,
    phase: request.phase,
    dispatchNumber,
    runnerMode: mode,
  });
  return { status: 'dispatched', dispatchId, jobId, dispatchNumber };
}

/**
 * A backend refusal: the run did not start. Ends the intent as failed (`refused`, or
 * `refused_retry` when the next poll may try again), frees the dedup entry, and for a final
 * refusal counts a failure, sets the failure marker and tells the ticket why.
 */
export async function handleDispatchFailure(
  ctx: OrchestratorContext,
  request: RunRequest,
  dispatch: { dispatchId: string; dispatchNumber: number; mode: string },
  error: unknown,
): Promise<RunOutcome> {
  const { ticket, mapping } = request;
  const { dispatchId } = dispatch;
  const message = describeError(error);
  const willRetry = isRetryable(error);
  const now = ctx.clock();
  ctx.metrics?.dispatch({ phase: request.phase, outcome: 'failed', mode: dispatch.mode });
  await markFailedWithoutResult(ctx.db, dispatchId, {
    error: `dispatch refused: ${message}${willRetry ? ' (retried on the next poll)' : ''}`,
    finishedAt: now,
    reason: willRetry ? 'refused_retry' : 'refused',
  });
  // The run never started: it must not hold the issue in the dedup window.
  await deleteFromDedupWindow(ctx.db, ticket.id);
  ctx.logger.error({ issue: ticket.identifier, dispatchId, err: message }, `dispatch failed: ${message}`);
  if (!willRetry) {
    await recordRunFailure(ctx.db, ticket, ctx.policy.breakerThreshold, now);
    await syncMarker(ctx, ticket.id);
    await postComment(ctx, request, `AI-Implement could not start the ${request.phase} run: ${message}`);
  }
  await ctx.notifier.notify({
    type: 'dispatch_failed',
    issue: { identifier: ticket.identifier, title: ticket.title, url: ticket.url },
    repo: `${mapping.owner}/${mapping.repo}`,
    phase: request.phase,
    dispatchNumber: dispatch.dispatchNumber,
    runnerMode: dispatch.mode,
    error: message,
  });
  return { status: 'failed', dispatchId, error: message, willRetry };
}

async function postComment(ctx: OrchestratorContext, request: RunRequest, body: string): Promise<void> {
  try {
    await ctx.ticketing.get(request.ticket.provider)?.postComment(request.ticket, body);
  } catch (error) {
    ctx.logger.warn(
      { issue: request.ticket.identifier, err: describeError(error) },
      'could not comment on ticket',
    );
  }
}

/** The workflow a phase runs: planning has its own; every other phase runs the implement workflow. */
export function workflowFor(mapping: Mapping, phase: Phase): string {
  return phase === 'planning' ? mapping.planningWorkflowFile : mapping.workflowFile;
}
