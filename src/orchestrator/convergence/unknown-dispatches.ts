import type { CiFailure } from '../../domain/ci-failure.ts';
import { resolveUnknownDispatch, type RunLookup } from '../../domain/convergence.ts';
import { IntegrationError, describeError } from '../../domain/errors.ts';
import type { Mapping } from '../../domain/mapping.ts';
import type { Phase } from '../../domain/phases.ts';
import {
  isTerminal,
  type Ticket,
  type TicketCandidate,
  type TicketingProviderName,
} from '../../domain/ticket.ts';
import type { ExecutionMode } from '../../runners/types.ts';
import { markRunning, notePendingProblem, type DispatchRow } from '../../store/dispatches.ts';
import { listPending, noteDispatchAttempt } from '../../store/dispatch-convergence.ts';
import { getMapping } from '../../store/mappings.ts';
import { findPullRequest, parsePullRequestKey } from '../../store/pull-requests.ts';
import type { OrchestratorContext } from '../context.ts';
import { handleDispatchFailure } from '../request-run.ts';
import { sendDispatch } from '../send-dispatch.ts';
import { syncMarker } from './marker-sync.ts';

/** Runs are looked up from this long before the intent: the backend's clock may differ from ours. */
const LOOKUP_CLOCK_SKEW_MS = 2 * 60_000;

/** What the sweep did, for the tick's logs. */
export interface LostDispatchReport {
  adopted: number;
  redispatched: number;
}

/**
 * Resolves intents whose outcome is unknown — the backend call failed without an answer, or the
 * process died between writing the intent and hearing back — in seconds rather than at their
 * deadline (docs/decisions/convergence.md). Each pending intent with no call under way in this
 * process is looked up by its dispatch id (`ExecutionBackend.findRun`): found → adopted
 * (`running`, with the backend's run id); certainly absent once the grace period passed →
 * dispatched again under the same id, with the ticket the tick read back in `tickets`; a failed
 * look-up → left for the next tick. A backend without `findRun` leaves the deadline to settle it.
 */
export async function resolveLostDispatches(
  ctx: OrchestratorContext,
  tickets: ReadonlyMap<string, TicketCandidate>,
): Promise<LostDispatchReport> {
  const report: LostDispatchReport = { adopted: 0, redispatched: 0 };
  for (const row of await listPending(ctx.db)) {
    if (ctx.callsInProgress.has(row.id)) continue;
    const mapping = await getMapping(ctx.db, row.team_key);
    if (!mapping) continue;
    const now = ctx.clock();
    const action = resolveUnknownDispatch({
      lookup: await lookUp(ctx, row, mapping),
      sinceLastCallMs: now.getTime() - Date.parse(row.last_attempt_at ?? row.created_at),
      graceMs: ctx.policy.lostDispatchGraceMs,
      attempts: row.dispatch_attempts,
      maxAttempts: ctx.policy.maxDispatchAttempts,
    });
    const log = ctx.logger.child({ issue: row.issue_identifier, dispatchId: row.id, phase: row.phase });
    if (action.kind === 'adopt') {
      await markRunning(ctx.db, row.id, { dispatchedAt: now, externalId: action.externalId });
      log.info({ externalId: action.externalId }, 'dispatch of unknown outcome found running; adopted');
      report.adopted += 1;
      await syncMarker(ctx, row.issue_id);
      continue;
    }
    if (action.kind === 'give_up') {
      log.debug('dispatch still unknown after its last attempt; its deadline settles it');
      continue;
    }
    if (action.kind === 'wait') continue;
    const state = tickets.get(row.issue_id);
    // Unread (tracker error): try next tick. Closed: reconcile already ended the intent.
    if (!state || isTerminal(state.stateType)) continue;
    // The payload needs the ticket's details: one read for this rare event, not per tick.
    const ticket = await readTicket(ctx, row);
    if (!ticket) continue;
    if (!(await noteDispatchAttempt(ctx.db, row.id, now))) continue;
    const phase = row.phase as Phase;
    try {
      await sendDispatch(ctx, {
        dispatchId: row.id,
        phase,
        ticket,
        mapping,
        mode: row.runner_mode as ExecutionMode,
        workflowFile: row.workflow_file,
        image: row.image ?? undefined,
        deadline: new Date(row.deadline_at ?? now.getTime()),
        pullRequest: await pullRequestOf(ctx, row),
        ...(row.ci_failure_json ? { ciFailure: JSON.parse(row.ci_failure_json) as CiFailure } : {}),
      });
      log.warn(
        { attempt: row.dispatch_attempts + 1 },
        'lost dispatch: no run under its id; dispatched again',
      );
      report.redispatched += 1;
      await syncMarker(ctx, row.issue_id);
    } catch (error) {
      if (error instanceof IntegrationError && error.category === 'transient') {
        await notePendingProblem(ctx.db, row.id, `dispatch outcome unknown: ${describeError(error)}`);
        continue;
      }
      await handleDispatchFailure(
        ctx,
        { kind: row.pull_request_key ? 'gap-fill' : 'pickup', phase, ticket, mapping },
        { dispatchId: row.id, dispatchNumber: row.dispatch_number, mode: row.runner_mode },
        error,
      );
    }
  }
  return report;
}

async function readTicket(ctx: OrchestratorContext, row: DispatchRow): Promise<Ticket | undefined> {
  try {
    const provider = ctx.ticketing.get(row.ticketing_provider as TicketingProviderName);
    return (await provider?.getTickets([row.issue_id]))?.get(row.issue_id);
  } catch (error) {
    ctx.logger.warn(
      { issue: row.issue_identifier, dispatchId: row.id, err: describeError(error) },
      'cannot read the ticket of a lost dispatch; the next tick retries',
    );
    return undefined;
  }
}

async function lookUp(ctx: OrchestratorContext, row: DispatchRow, mapping: Mapping): Promise<RunLookup> {
  const backend = ctx.backends.get(row.runner_mode as ExecutionMode);
  if (!backend?.findRun) return { kind: 'unknown' };
  try {
    return await backend.findRun({
      mapping,
      workflowFile: row.workflow_file,
      dispatchId: row.id,
      since: new Date(Date.parse(row.created_at) - LOOKUP_CLOCK_SKEW_MS),
    });
  } catch (error) {
    ctx.logger.warn(
      { issue: row.issue_identifier, dispatchId: row.id, err: describeError(error) },
      'could not look up the run of a dispatch of unknown outcome; the next tick retries',
    );
    return { kind: 'unknown' };
  }
}

/** The PR a follow-up run works on, from its `owner/repo#12` key and the PR record's branch. */
async function pullRequestOf(
  ctx: OrchestratorContext,
  row: DispatchRow,
): Promise<{ number: number; branch: string } | undefined> {
  if (!row.pull_request_key) return undefined;
  const key = parsePullRequestKey(row.pull_request_key);
  const pr = await findPullRequest(ctx.db, key.repo, key.number);
  return pr ? { number: pr.number, branch: pr.branch } : undefined;
}
