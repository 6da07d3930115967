import { isTerminal, type TicketCandidate } from '../../domain/ticket.ts';
import { listMarkersToConverge, markMarkerSynced } from '../../store/dispatch-convergence.ts';
import type { OrchestratorContext } from '../context.ts';
import { syncMarker } from './marker-sync.ts';
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
  return { outcomesApplied, ...lost, markersSettled };
}
