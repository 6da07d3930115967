import type { AdmissionState } from '../domain/admission.ts';
import { listDedupWindow } from '../store/dedup-window.ts';
import { listInFlight } from '../store/dispatches.ts';
import { listParked } from '../store/failure-breakers.ts';
import { listIssueIdsWithOpenPullRequests } from '../store/pull-requests.ts';
import type { OrchestratorContext } from './context.ts';

/** Reads what the admission gate needs from the ledger, as of `ctx.clock()`. */
export async function loadAdmissionState(ctx: OrchestratorContext): Promise<AdmissionState> {
  const now = ctx.clock();
  const [inFlight, window, parked, openPullRequests] = await Promise.all([
    listInFlight(ctx.db),
    listDedupWindow(ctx.db, new Date(now.getTime() - ctx.policy.dedupWindowMs)),
    listParked(ctx.db),
    listIssueIdsWithOpenPullRequests(ctx.db),
  ]);
  const inFlightByBucket = new Map<string, number>();
  for (const row of inFlight) inFlightByBucket.set(row.bucket, (inFlightByBucket.get(row.bucket) ?? 0) + 1);
  return {
    now,
    dedupWindowMs: ctx.policy.dedupWindowMs,
    inFlightIssueIds: new Set(inFlight.map((row) => row.issue_id)),
    inFlightByBucket,
    dedupDispatchedAt: new Map(window.map((row) => [row.issue_id, new Date(row.dispatched_at)])),
    parkedIssueIds: new Set(parked.map((row) => row.issue_id)),
    openPullRequestIssueIds: new Set(openPullRequests),
  };
}
