import type { OrchestratorContext } from '../../orchestrator/context.ts';
import {
  listDispatchesBetween,
  listDispatchesOfJobs,
  listPullRequestsOpenedBetween,
  type AnalyticsDispatch,
} from '../../store/analytics.ts';

/**
 * `GET /api/analytics` and the Analytics panel (issue 16): outcomes of one window — runs by phase
 * and outcome, PRs opened / merged / closed unmerged, merge rate, time from pickup to PR and from
 * PR to merge (median, p90), review-fix passes and cost per merged PR, cost per team per week,
 * the top failure reasons. PR figures are over the PRs opened in the window, with their whole
 * job's history (pickup may precede the window).
 */
export interface AnalyticsView {
  from: string;
  to: string;
  teamKey: string | null;
  runs: { phase: string; outcome: string; count: number }[];
  pullRequests: { opened: number; merged: number; closedUnmerged: number; open: number };
  /** merged / (merged + closed unmerged); null before any PR settled. */
  mergeRate: number | null;
  pickupToPrSeconds: Quantiles;
  prToMergeSeconds: Quantiles;
  reviewFixPassesPerMergedPr: number | null;
  costPerMergedPrUsd: number | null;
  /** Monday 00:00 UTC of each week with spend, by team. */
  costByTeamWeek: { teamKey: string; weekStart: string; costUsd: number }[];
  topFailureReasons: { reason: string; count: number }[];
}

export interface Quantiles {
  median: number | null;
  p90: number | null;
  count: number;
}

/** Failure reasons are grouped by their first line, cut to this length (ids and paths vary after it). */
const REASON_CHARS = 120;
const TOP_REASONS = 10;

export async function loadAnalytics(
  ctx: OrchestratorContext,
  window: { from: Date; to: Date; teamKey?: string },
): Promise<AnalyticsView> {
  const [dispatches, pulls] = await Promise.all([
    listDispatchesBetween(ctx.db, window),
    listPullRequestsOpenedBetween(ctx.db, window),
  ]);
  const history = await listDispatchesOfJobs(ctx.db, [...new Set(pulls.map((pull) => pull.job_id))]);
  const byJob = new Map<string, typeof history>();
  for (const row of history) byJob.set(row.job_id, [...(byJob.get(row.job_id) ?? []), row]);

  const merged = pulls.filter((pull) => pull.state === 'merged');
  const closed = pulls.filter((pull) => pull.state === 'closed');
  const pickupToPr = pulls.flatMap((pull) => {
    const first = (byJob.get(pull.job_id) ?? []).map((row) => row.created_at).sort()[0];
    return first ? [seconds(first, pull.created_at)] : [];
  });
  const prToMerge = merged.flatMap((pull) =>
    pull.closed_at ? [seconds(pull.created_at, pull.closed_at)] : [],
  );
  const mergedJobs = merged.map((pull) => byJob.get(pull.job_id) ?? []);
  const reviewFixes = mergedJobs.reduce(
    (sum, rows) => sum + rows.filter((row) => row.phase === 'review-fix').length,
    0,
  );
  const mergedCost = mergedJobs.reduce(
    (sum, rows) => sum + rows.reduce((inner, row) => inner + (row.cost_usd ?? 0), 0),
    0,
  );
  return {
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    teamKey: window.teamKey ?? null,
    runs: countRuns(dispatches),
    pullRequests: {
      opened: pulls.length,
      merged: merged.length,
      closedUnmerged: closed.length,
      open: pulls.length - merged.length - closed.length,
    },
    mergeRate:
      merged.length + closed.length > 0 ? round(merged.length / (merged.length + closed.length), 4) : null,
    pickupToPrSeconds: quantiles(pickupToPr),
    prToMergeSeconds: quantiles(prToMerge),
    reviewFixPassesPerMergedPr: merged.length > 0 ? round(reviewFixes / merged.length, 2) : null,
    costPerMergedPrUsd: merged.length > 0 ? round(mergedCost / merged.length, 6) : null,
    costByTeamWeek: costByTeamWeek(dispatches),
    topFailureReasons: topFailures(dispatches),
  };
}

/** Finished runs by phase and outcome (`succeeded`, `failed`, …), in flight as `in_flight`. */
function countRuns(rows: AnalyticsDispatch[]): AnalyticsView['runs'] {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const outcome = row.status === 'pending' || row.status === 'running' ? 'in_flight' : row.status;
    const key = `${row.phase}\u0000${outcome}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .map(([key, count]) => {
      const [phase = '', outcome = ''] = key.split('\u0000');
      return { phase, outcome, count };
    })
    .sort((a, b) => a.phase.localeCompare(b.phase) || a.outcome.localeCompare(b.outcome));
}

function costByTeamWeek(rows: AnalyticsDispatch[]): AnalyticsView['costByTeamWeek'] {
  const sums = new Map<string, number>();
  for (const row of rows) {
    if (row.cost_usd === null) continue;
    const key = `${row.team_key}\u0000${weekStart(new Date(row.created_at)).toISOString()}`;
    sums.set(key, (sums.get(key) ?? 0) + row.cost_usd);
  }
  return [...sums]
    .map(([key, cost]) => {
      const [teamKey = '', week = ''] = key.split('\u0000');
      return { teamKey, weekStart: week, costUsd: round(cost, 6) };
    })
    .sort((a, b) => a.weekStart.localeCompare(b.weekStart) || a.teamKey.localeCompare(b.teamKey));
}

function topFailures(rows: AnalyticsDispatch[]): AnalyticsView['topFailureReasons'] {
  const counts = new Map<string, number>();
  for (const row of rows) {
    if (row.status !== 'failed') continue;
    const reason = (row.error ?? 'no reason recorded').split('\n')[0]!.slice(0, REASON_CHARS);
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return [...counts]
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
    .slice(0, TOP_REASONS);
}

/** Monday 00:00 UTC of `at`'s ISO week. */
function weekStart(at: Date): Date {
  const day = (at.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() - day));
}

/** Nearest-rank quantiles of `values` (seconds). */
function quantiles(values: number[]): Quantiles {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? null;
  return { median: rank(0.5), p90: rank(0.9), count: sorted.length };
}

function seconds(fromIso: string, toIso: string): number {
  return Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000);
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** The view as CSV: one `section,key,value` row per figure, for spreadsheets. */
export function analyticsCsv(view: AnalyticsView): string {
  const rows: (string | number | null)[][] = [['section', 'key', 'value']];
  for (const run of view.runs) rows.push(['runs', `${run.phase}/${run.outcome}`, run.count]);
  for (const [key, value] of Object.entries(view.pullRequests)) rows.push(['pull_requests', key, value]);
  rows.push(['pull_requests', 'merge_rate', view.mergeRate]);
  rows.push(['timing', 'pickup_to_pr_median_seconds', view.pickupToPrSeconds.median]);
  rows.push(['timing', 'pickup_to_pr_p90_seconds', view.pickupToPrSeconds.p90]);
  rows.push(['timing', 'pr_to_merge_median_seconds', view.prToMergeSeconds.median]);
  rows.push(['timing', 'pr_to_merge_p90_seconds', view.prToMergeSeconds.p90]);
  rows.push(['merged_prs', 'review_fix_passes_per_merged_pr', view.reviewFixPassesPerMergedPr]);
  rows.push(['merged_prs', 'cost_per_merged_pr_usd', view.costPerMergedPrUsd]);
  for (const week of view.costByTeamWeek)
    rows.push(['cost_by_team_week', `${week.teamKey}/${week.weekStart}`, week.costUsd]);
  for (const failure of view.topFailureReasons)
    rows.push(['top_failure_reasons', failure.reason, failure.count]);
  return `${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** RFC 4180 quoting; a leading = + - @ is prefixed with ' so spreadsheets never run it as a formula. */
function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
