import { listInFlight, markFailedWithoutResult, type DispatchRow } from '../store/dispatches.ts';
import { syncMarker } from './convergence/marker-sync.ts';
import type { OrchestratorContext } from './context.ts';
import { cancelRun } from './reconcile.ts';

/**
 * Stops the in-flight runs of a ticket at a person's request (a `stop` in its Linear agent
 * session): each is closed in the ledger as failed with reason `stopped` (its slot frees; a
 * result that still arrives applies nothing), its backend run is cancelled (GitHub Actions run
 * cancel; Fly and local runs by their backends' `cancel`), and the ticket's marker follows the
 * ledger (the failure marker, so the ticket is not picked up again until someone asks). No
 * failure is recorded for the breaker: nothing went wrong. Returns the runs stopped.
 */
export async function stopRunsOf(
  ctx: OrchestratorContext,
  issueId: string,
  why: string,
): Promise<DispatchRow[]> {
  const stopped: DispatchRow[] = [];
  for (const row of (await listInFlight(ctx.db)).filter((r) => r.issue_id === issueId)) {
    const closed = await markFailedWithoutResult(ctx.db, row.id, {
      error: why,
      finishedAt: ctx.clock(),
      reason: 'stopped',
    });
    if (!closed) continue;
    stopped.push(row);
    await cancelRun(ctx, row);
  }
  if (stopped.length > 0) await syncMarker(ctx, issueId);
  return stopped;
}
