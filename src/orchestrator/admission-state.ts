import type { AdmissionState } from '../domain/admission.ts';
import { dayStart, monthStart, type SpendState } from '../domain/budgets.ts';
import { getDedupEntry, listDedupWindow } from '../store/dedup-window.ts';
import { listInFlightClaims, listInFlightClaimsOf } from '../store/dispatches.ts';
import { isParked, listParked } from '../store/failure-breakers.ts';
import { listIssueIdsWithOpenPullRequests, listOpenPullRequestsOfIssue } from '../store/pull-requests.ts';
import { countAwaitingReviewByTeam, sumSpendByTeam } from '../store/spend.ts';
import type { OrchestratorContext } from './context.ts';

/** The admission state with mutable maps, so the tick can hold slots as it admits. */
export interface TickAdmissionState extends AdmissionState {
  inFlightByBucket: Map<string, number>;
}

/**
 * Everything the admission gate reads, for the whole ledger, as of `ctx.clock()`: one query per
 * table (in-flight claims, dedup window, parked issues, open pull requests, this month's spend
 * per team, PRs awaiting review per team) into maps. The tick
 * loads it once and judges every candidate against it; what it holds is bounded by the work in
 * flight and the 24-hour window, never by history.
 */
export async function loadAdmissionState(ctx: OrchestratorContext): Promise<TickAdmissionState> {
  const now = ctx.clock();
  const [inFlight, window, parked, openPullRequests, spend, awaitingReview] = await Promise.all([
    listInFlightClaims(ctx.db),
    listDedupWindow(ctx.db, new Date(now.getTime() - ctx.policy.dedupWindowMs)),
    listParked(ctx.db),
    listIssueIdsWithOpenPullRequests(ctx.db),
    loadSpend(ctx, now),
    countAwaitingReviewByTeam(ctx.db),
  ]);
  return {
    now,
    dedupWindowMs: ctx.policy.dedupWindowMs,
    inFlightIssueIds: new Set(inFlight.map((row) => row.issue_id)),
    inFlightByBucket: countByBucket(inFlight),
    dedupDispatchedAt: new Map(window.map((row) => [row.issue_id, new Date(row.dispatched_at)])),
    parkedIssueIds: new Set(parked.map((row) => row.issue_id)),
    openPullRequestIssueIds: new Set(openPullRequests),
    spend,
    awaitingReviewByTeam: awaitingReview,
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
  // Spend and the review queue are per team (and global), so these two read the same grouped
  // sums as the tick: small (one row per team), and exact under the dispatch lock.
  const [inFlight, dedup, parked, openPullRequests, spend, awaitingReview] = await Promise.all([
    listInFlightClaimsOf(ctx.db, scope.issueId, scope.bucket),
    getDedupEntry(ctx.db, scope.issueId),
    isParked(ctx.db, scope.issueId),
    listOpenPullRequestsOfIssue(ctx.db, scope.issueId),
    loadSpend(ctx, now),
    countAwaitingReviewByTeam(ctx.db),
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
    spend,
    awaitingReviewByTeam: awaitingReview,
  };
}

/** This UTC month's and day's spend per team and overall, with the global budget. */
export async function loadSpend(ctx: OrchestratorContext, now: Date): Promise<SpendState> {
  const rows = await sumSpendByTeam(ctx.db, { monthStart: monthStart(now), dayStart: dayStart(now) });
  return {
    teamDay: new Map(rows.map((row) => [row.teamKey, row.dayUsd])),
    teamMonth: new Map(rows.map((row) => [row.teamKey, row.monthUsd])),
    globalMonth: Math.round(rows.reduce((sum, row) => sum + row.monthUsd, 0) * 1e6) / 1e6,
    ...(ctx.policy.globalMonthlyBudgetUsd !== undefined
      ? { globalMonthlyBudgetUsd: ctx.policy.globalMonthlyBudgetUsd }
      : {}),
  };
}

function countByBucket(rows: { bucket: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.bucket, (counts.get(row.bucket) ?? 0) + 1);
  return counts;
}
