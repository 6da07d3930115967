import { LATE_MARKER_WATCH_MS } from '../domain/convergence.ts';
import { describeError } from '../domain/errors.ts';
import { isTerminal, type TicketCandidate, type TicketingProviderName } from '../domain/ticket.ts';
import type { ExecutionMode } from '../runners/types.ts';
import {
  getDispatch,
  listInFlightIssues,
  listOverdue,
  markFailedWithoutResult,
  type DispatchRow,
} from '../store/dispatches.ts';
import { listIssuesToReadBack } from '../store/dispatch-convergence.ts';
import { getMapping } from '../store/mappings.ts';
import type { OrchestratorContext } from './context.ts';
import { applyRunOutcome } from './run-results.ts';

/** What reconcile settled, and the tickets it read (for the convergence sweep's read-back). */
export interface Reconciled {
  timedOut: number;
  closed: number;
  /** Tickets read in this tick's batched reads, by id; a tracker that failed contributes none. */
  tickets: Map<string, TicketCandidate>;
}

/**
 * Tick step 1 (ARCHITECTURE.md): settle what is in flight before admitting anything new.
 * - A run past its deadline (maxJobMinutes + margin) with no result is failed — its slot is freed.
 * - A run whose ticket went terminal (done or cancelled) frees its slot without a failure marker,
 *   and its backend run, when known, is cancelled: a finished ticket gets no more work.
 * The tickets' states are read in one batched `getTicketStates` per provider over the in-flight tickets,
 * those whose marker the ledger has not seen on the tracker yet, and those whose run changed in
 * the last minutes (a late write may still land on them), so the convergence sweep can compare
 * without a request per ticket. A tracker error means "unknown, keep it".
 */
export async function reconcileInFlight(ctx: OrchestratorContext): Promise<Reconciled> {
  const now = ctx.clock();
  let timedOut = 0;
  for (const row of await listOverdue(ctx.db, now)) {
    const minutes = Math.round((now.getTime() - new Date(row.created_at).getTime()) / 60_000);
    const error = `timed out: no result from the runner ${minutes} minutes after dispatch`;
    if (await markFailedWithoutResult(ctx.db, row.id, { error, finishedAt: now, reason: 'deadline' })) {
      timedOut += 1;
      await applyRunOutcome(ctx, { ...row, status: 'failed', error }, { ok: false, error });
    }
  }

  let closed = 0;
  // Two columns of each row, not the full rows: 500 in flight at 500 teams, read every tick.
  const inFlight = await listInFlightIssues(ctx.db);
  const readBack = await listIssuesToReadBack(
    ctx.db,
    new Date(now.getTime() - ctx.policy.dedupWindowMs),
    new Date(now.getTime() - LATE_MARKER_WATCH_MS),
  );
  const byProvider = new Map<TicketingProviderName, Set<string>>();
  for (const rows of [inFlight, readBack]) {
    for (const row of rows) {
      const name = row.ticketing_provider as TicketingProviderName;
      byProvider.set(name, (byProvider.get(name) ?? new Set()).add(row.issue_id));
    }
  }
  const tickets = new Map<string, TicketCandidate>();
  for (const [name, ids] of byProvider) {
    const provider = ctx.ticketing.get(name);
    if (!provider) continue;
    try {
      for (const [id, ticket] of await provider.getTicketStates([...ids])) tickets.set(id, ticket);
    } catch (error) {
      ctx.logger.warn(
        { provider: name, err: describeError(error) },
        'reconcile: tracker unavailable, keeping in-flight runs',
      );
    }
  }
  for (const { id, issue_id } of inFlight) {
    const ticket = tickets.get(issue_id);
    if (!ticket || !isTerminal(ticket.stateType)) continue;
    const error = `ticket moved to ${ticket.stateName} while the run was in flight`;
    if (await markFailedWithoutResult(ctx.db, id, { error, finishedAt: now, reason: 'ticket_closed' })) {
      closed += 1;
      const row = await getDispatch(ctx.db, id);
      if (row) await cancelRun(ctx, row);
    }
  }
  return { timedOut, closed, tickets };
}

/**
 * Cancels the backend run of a dispatch (its ticket closed, or a person stopped it). Its id is
 * known when the backend named it at dispatch; otherwise (a dispatch of unknown outcome, GHES) the run is looked up by its
 * dispatch id first.
 */
export async function cancelRun(ctx: OrchestratorContext, row: DispatchRow): Promise<void> {
  const backend = ctx.backends.get(row.runner_mode as ExecutionMode);
  const mapping = await getMapping(ctx.db, row.team_key);
  if (!backend?.cancel || !mapping) return;
  try {
    let externalId = row.external_id;
    if (!externalId && backend.findRun) {
      const found = await backend.findRun({
        mapping,
        workflowFile: row.workflow_file,
        dispatchId: row.id,
        since: new Date(Date.parse(row.created_at) - 2 * 60_000),
      });
      if (found.kind === 'found') externalId = found.externalId;
    }
    if (!externalId) return;
    await backend.cancel({ mapping, externalId });
    ctx.logger.info({ issue: row.issue_identifier, dispatchId: row.id }, 'run cancelled');
  } catch (error) {
    // Its result, if it still reports, is recorded and applies nothing (run-results.ts).
    ctx.logger.warn(
      { issue: row.issue_identifier, dispatchId: row.id, err: describeError(error) },
      'run could not be cancelled',
    );
  }
}
