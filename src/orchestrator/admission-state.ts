import type { AdmissionState } from '../domain/admission.ts';
import { getDedupEntry, listDedupWindow } from '../store/dedup-window.ts';
import { listInFlightClaims, listInFlightClaimsOf } from '../store/dispatches.ts';
import { isParked, listParked } from '../store/failure-breakers.ts';
import { listIssueIdsWithOpenPullRequests, listOpenPullRequestsOfIssue } from '../store/pull-requests.ts';
import type { OrchestratorContext } from './context.ts';

/** The admission state with mutable maps, so the tick can hold slots as it admits. */
export interface TickAdmissionState extends AdmissionState {
  inFlightByBucket: Map<string, number>;
}

/**
 * Everything the admission gate reads, for the whole ledger, as of `ctx.clock()`: one query per
 * table (in-flight claims, dedup window, parked issues, open pull requests) into maps. The tick
 * loads it once and judges every candidate against it; what it holds is bounded by the work in
 * flight and the 24-hour window, never by history.
 */
export async function loadAdmissionState(ctx: OrchestratorContext): Promise<TickAdmissionState> {
  const now = ctx.clock();
  const [inFlight, window, parked, openPullRequests] = await Promise.all([
    listInFlightClaims(ctx.db),
    listDedupWindow(ctx.db, new Date(now.getTime() - ctx.policy.dedupWindowMs)),
    listParked(ctx.db),
    listIssueIdsWithOpenPullRequests(ctx.db),
  ]);
  return {
    now,
    dedupWindowMs: ctx.policy.dedupWindowMs,
    inFlightIssueIds: new Set(inFlight.map((row) => row.issue_id)),
    inFlightByBucket: countByBucket(inFlight),
    dedupDispatchedAt: new Map(window.map((row) => [row.issue_id, new Date(row.dispatched_at)])),
    parkedIssueIds: new Set(parked.map((row) => row.issue_id)),
    openPullRequestIssueIds: new Set(openPullRequests),
  };
}

/**
 * The admission state for one request, read fresh under the dispatch lock: only the rows of this
 * issue and this bucket (a handful of indexed lookups), so every dispatch path asks the gate with
 * the ledger as it is now without reading the whole ledger per dispatch.
 */
export async function loadAdmissionStateFor(
  ctx: OrchestratorContext,
  scope: { issueId: string; bucket: string },
): Promise<AdmissionState> {
  const now = ctx.clock();
  const [inFlight, dedup, parked, openPullRequests] = await Promise.all([
    listInFlightClaimsOf(ctx.db, scope.issueId, scope.bucket),
    getDedupEntry(ctx.db, scope.issueId),
    isParked(ctx.db, scope.issueId),
    listOpenPullRequestsOfIssue(ctx.db, scope.issueId),
  ]);
  const dispatchedAt = dedup ? new Date(dedup.dispatched_at) : undefined;
  return {
    now,
    dedupWindowMs: ctx.policy.dedupWindowMs,
    inFlightIssueIds: new Set(
      inFlight.filter((row) => row.issue_id === scope.issueId).map((row) => row.issue_id),
    ),
    inFlightByBucket: countByBucket(inFlight.filter((row) => row.bucket === scope.bucket)),
    dedupDispatchedAt: new Map(dispatchedAt ? [[scope.issueId, dispatchedAt]] : []),
    parkedIssueIds: new Set(parked ? [scope.issueId] : []),
    openPullRequestIssueIds: new Set(openPullRequests.length > 0 ? [scope.issueId] : []),
  };
}

function countByBucket(rows: { bucket: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.bucket, (counts.get(row.bucket) ?? 0) + 1);
  return counts;
}
