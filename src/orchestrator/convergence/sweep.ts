import { expectedMarker, LATE_MARKER_WATCH_MS, staleInFlightMarker } from '../../domain/convergence.ts';
import { isTerminal, type TicketCandidate } from '../../domain/ticket.ts';
import {
  listMarkersToConverge,
  listMarkersToWatch,
  markMarkerSynced,
} from '../../store/dispatch-convergence.ts';
import { checksStateOfRun } from '../../store/pull-request-checks.ts';
import type { OrchestratorContext } from '../context.ts';
import { runForMarker, syncMarker } from './marker-sync.ts';
import { applyRecordedOutcomes } from './outbox.ts';
import { resolveLostDispatches } from './unknown-dispatches.ts';

/** What the convergence sweep did in one tick. */
export interface ConvergenceReport {
  outcomesApplied: number;
  adopted: number;
  redispatched: number;
  markersSettled: number;
}

/**
 * Tick step 1b (docs/decisions/convergence.md): make the outside world match the ledger.
 * 1. The outbox: apply every recorded run outcome not applied yet (after a crash, or an error).
 * 2. Lost intents: adopt or dispatch again every dispatch of unknown outcome.
 * 3. Markers: for each ticket whose latest run's marker the tracker has not been seen to show,
 *    compare with `tickets` (read back in reconcile's batched reads) and write only when it
 *    differs. A ticket that is done or cancelled is left as it is; one not read is left for later.
 * 4. Late writes: a ticket whose marker was confirmed in the last minutes but that shows an
 *    in-flight marker its run does not call for gets its marker written again.
 */
export async function convergeLedger(
  ctx: OrchestratorContext,
  tickets: ReadonlyMap<string, TicketCandidate>,
): Promise<ConvergenceReport> {
  const outcomesApplied = await applyRecordedOutcomes(ctx);
  const lost = await resolveLostDispatches(ctx, tickets);
  let markersSettled = 0;
  const since = new Date(ctx.clock().getTime() - ctx.policy.dedupWindowMs);
  for (const row of await listMarkersToConverge(ctx.db, since)) {
    const ticket = tickets.get(row.issue_id);
    if (!ticket) continue;
    if (isTerminal(ticket.stateType)) {
      await markMarkerSynced(ctx.db, row.id, row.status);
      continue;
    }
    if (await syncMarker(ctx, row.issue_id, ticket.markers)) markersSettled += 1;
  }
  const watchSince = new Date(ctx.clock().getTime() - LATE_MARKER_WATCH_MS);
  for (const row of await listMarkersToWatch(ctx.db, watchSince)) {
    const ticket = tickets.get(row.issue_id);
    if (!ticket || isTerminal(ticket.stateType)) continue;
    // The PR's checks decide between `CI Fixing` and `Ready for Review` (issue 17); a handful of
    // rows are watched at a time, so one look-up each is cheap.
    const checks = row.phase === 'planning' ? null : await checksStateOfRun(ctx.db, row);
    if (!staleInFlightMarker(expectedMarker(runForMarker(row, checks)), ticket.markers)) continue;
    ctx.logger.info(
      { issue: row.issue_identifier, dispatchId: row.id },
      'a late in-flight marker write landed on the ticket; writing its marker again',
    );
    if (await syncMarker(ctx, row.issue_id, ticket.markers, { recheck: true })) markersSettled += 1;
  }
  return { outcomesApplied, ...lost, markersSettled };
}
