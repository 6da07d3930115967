import {
  expectedMarker,
  markerShown,
  type MarkerTarget,
  type RunCloseReason,
  type RunForMarker,
} from '../../domain/convergence.ts';
import { describeError } from '../../domain/errors.ts';
import type { ChecksState } from '../../domain/ci-checks.ts';
import type { Marker } from '../../domain/markers.ts';
import type { DispatchStatus, Phase } from '../../domain/phases.ts';
import type { TicketingProviderName } from '../../domain/ticket.ts';
import { latestDispatchForIssue, type DispatchRow } from '../../store/dispatches.ts';
import { markMarkerSynced } from '../../store/dispatch-convergence.ts';
import { checksStateOfRun } from '../../store/pull-request-checks.ts';
import type { OrchestratorContext } from '../context.ts';

/** The marker rule's view of a ledger row (and of its PR's checks, when known). */
export function runForMarker(
  row: Pick<DispatchRow, 'id' | 'phase' | 'status' | 'close_reason' | 'pr_url' | 'job_id'>,
  checks?: ChecksState | null,
): RunForMarker {
  return {
    checks,
    phase: row.phase as Phase,
    status: row.status as DispatchStatus,
    closeReason: row.close_reason as RunCloseReason | null,
    hasPullRequest: row.pr_url != null,
    // The first run of a job (planning, or implementation without planning) moves the ticket to started.
    startsJob: row.job_id === row.id,
  };
}

/**
 * Makes the ticket show the marker its latest run calls for (src/domain/convergence.ts), under
 * the ticket's lock, and records in the ledger that it does. `shown` is what the batched poll
 * read back: when the ticket already shows the marker, nothing is written (a write applied
 * upstream but answered with an error is not repeated). A failed write is logged and left
 * unsynced: the next tick tries again. Returns whether the ticket now shows the marker.
 * `recheck` compares with `shown` even when the ledger already saw the marker (a late write).
 */
export async function syncMarker(
  ctx: OrchestratorContext,
  issueId: string,
  shown?: readonly Marker[],
  options: { recheck?: boolean } = {},
): Promise<boolean> {
  return ctx.ticketLock.run(issueId, async () => {
    const row = await latestDispatchForIssue(ctx.db, issueId);
    if (!row) return true;
    if (row.marker_synced_status === row.status && !options.recheck) return true;
    const checks = row.phase === 'planning' ? null : await checksStateOfRun(ctx.db, row);
    const target = expectedMarker(runForMarker(row, checks));
    if (target.kind === 'none' || (shown && markerShown(target, shown))) {
      await markMarkerSynced(ctx.db, row.id, row.status);
      return true;
    }
    const provider = ctx.ticketing.get(row.ticketing_provider as TicketingProviderName);
    if (!provider) return false;
    const ref = { id: row.issue_id, identifier: row.issue_identifier, teamKey: row.team_key };
    try {
      if (target.kind === 'clear') await provider.clearMarker(ref, target.marker);
      else await provider.setMarker(ref, target.marker, { moveToStarted: target.moveToStarted });
    } catch (error) {
      ctx.logger.warn(
        { issue: row.issue_identifier, dispatchId: row.id, err: describeError(error) },
        `could not ${describeTarget(target)}; the next tick retries`,
      );
      return false;
    }
    await markMarkerSynced(ctx.db, row.id, row.status);
    return true;
  });
}

function describeTarget(target: Exclude<MarkerTarget, { kind: 'none' }>): string {
  return target.kind === 'clear' ? `clear the ${target.marker} marker` : `set the ${target.marker} marker`;
}
