import { listBlockers } from '../../store/blockers.ts';
import { listDedupWindow } from '../../store/dedup-window.ts';
import {
  listDispatchesOfJob,
  listInFlight,
  listRecentDispatches,
  summarizeJobs,
  type DispatchRow,
} from '../../store/dispatches.ts';
import { listMappings } from '../../store/mappings.ts';
import { listApprovedJobIds } from '../../store/plan-approvals.ts';
import { listPullRequests, pullRequestKey } from '../../store/pull-requests.ts';
import { listStepsOfJob } from '../../store/run-steps.ts';
import { listTrackedIssues } from '../../store/tracked-issues.ts';
import type { OrchestratorContext } from '../../orchestrator/context.ts';
import {
  summarizePullRequestLoops,
  type PullRequestLoopSummary,
} from '../../orchestrator/follow-ups/pull-request-summary.ts';
import { blockersView, groupIntoJobs, issuesView } from './work-views.ts';

/**
 * Loaders for the Work panels: each reads the store and builds the view one JSON route returns.
 * The admin pages call the same functions, so a panel and its API never disagree.
 */

/** How many recent dispatches the Issues inbox reads to find each issue's newest one. */
const INBOX_DISPATCH_WINDOW = 5000;

/** `GET /api/log`: the newest `policy.logLimit` dispatches grouped into jobs, newest first. */
export async function loadJobLog(ctx: OrchestratorContext) {
  const rows = await listRecentDispatches(ctx.db, ctx.policy.logLimit);
  return { jobs: groupIntoJobs(rows), dispatches: rows.length };
}

/** `GET /api/issues`: the inbox (poll + ledger) and in-progress counts per mapping. */
export async function loadIssues(ctx: OrchestratorContext) {
  const [recent, tracked, mappings, inFlight] = await Promise.all([
    listRecentDispatches(ctx.db, INBOX_DISPATCH_WINDOW),
    listTrackedIssues(ctx.db),
    listMappings(ctx.db),
    listInFlight(ctx.db),
  ]);
  const latest = new Map<string, DispatchRow>();
  for (const row of recent) if (!latest.has(row.issue_id)) latest.set(row.issue_id, row);
  const approved = await listApprovedJobIds(
    ctx.db,
    [...latest.values()].map((row) => row.job_id),
  );
  const latestByIssue = new Map(
    [...latest].map(([id, row]) => [id, { row, awaitingApproval: !approved.has(row.job_id) }]),
  );
  return issuesView(tracked, latestByIssue, mappings, inFlight);
}

/** `GET /api/blockers`: KPI counts and one row per blocked issue. */
export async function loadBlockers(ctx: OrchestratorContext) {
  return blockersView(await listBlockers(ctx.db));
}

/** One tracked pull request as `GET /api/pulls` lists it. */
export interface PullView extends Omit<PullRequestLoopSummary, 'lastDispatchAt'> {
  repo: string;
  number: number;
  url: string;
  branch: string;
  issue: { id: string; identifier: string; url: string };
  teamKey: string;
  jobId: string;
  /** `running` while a run works on the PR, else the PR's own status (completed, failed, …). */
  status: string;
  /** The newest dispatch number of the PR's job: how many runs it took. */
  iteration: number;
  costUsd: number | null;
  lastDispatchAt: string;
  secondsSinceLastDispatch: number;
}

/** `GET /api/pulls`: every bot-opened PR the orchestrator tracks, newest update first. */
export async function loadPulls(ctx: OrchestratorContext): Promise<{ pulls: PullView[] }> {
  const now = ctx.clock().getTime();
  const rows = await listPullRequests(ctx.db);
  const jobs = await summarizeJobs(ctx.db, [...new Set(rows.map((row) => row.job_id))]);
  const loops = await summarizePullRequestLoops(ctx, rows);
  const pulls = rows.map((row): PullView => {
    const job = jobs.get(row.job_id);
    const { lastDispatchAt, ...loop } = loops.get(pullRequestKey(row.repo, row.number))!;
    return {
      ...loop,
      repo: row.repo,
      number: row.number,
      url: row.url,
      branch: row.branch,
      issue: { id: row.issue_id, identifier: row.issue_identifier, url: row.issue_url },
      teamKey: row.team_key,
      jobId: row.job_id,
      status: job && job.inFlight > 0 ? 'running' : row.status,
      iteration: job?.newestDispatchNumber ?? 1,
      costUsd: row.cost_usd,
      lastDispatchAt,
      secondsSinceLastDispatch: Math.max(0, Math.round((now - Date.parse(lastDispatchAt)) / 1000)),
    };
  });
  return { pulls };
}

/** `GET /api/dedup`: issues inside the dedup window (seed 003 step 2), newest dispatch first. */
export async function loadDedupWindow(ctx: OrchestratorContext) {
  const windowStart = new Date(ctx.clock().getTime() - ctx.policy.dedupWindowMs);
  const rows = await listDedupWindow(ctx.db, windowStart);
  return {
    windowHours: ctx.policy.dedupWindowMs / 3_600_000,
    entries: rows.map((row) => ({
      issueId: row.issue_id,
      identifier: row.issue_identifier,
      title: row.issue_title,
      teamKey: row.team_key,
      dispatchedAt: row.dispatched_at,
      expiresAt: new Date(Date.parse(row.dispatched_at) + ctx.policy.dedupWindowMs).toISOString(),
    })),
  };
}

/** `GET /api/jobs/:jobId/steps`: a job's dispatches and runner progress; undefined for an unknown job. */
export async function loadJobSteps(ctx: OrchestratorContext, jobId: string) {
  const dispatches = await listDispatchesOfJob(ctx.db, jobId);
  if (dispatches.length === 0) return undefined;
  const steps = await listStepsOfJob(ctx.db, jobId);
  const first = dispatches[0]!;
  return {
    jobId,
    issue: {
      id: first.issue_id,
      identifier: first.issue_identifier,
      title: first.issue_title,
      url: first.issue_url,
    },
    repo: first.repo,
    teamKey: first.team_key,
    dispatches: dispatches.map((d) => ({
      dispatchId: d.id,
      phase: d.phase,
      status: d.status,
      dispatchNumber: d.dispatch_number,
      createdAt: d.created_at,
      dispatchedAt: d.dispatched_at,
      finishedAt: d.finished_at,
      error: d.error,
      prUrl: d.pr_url,
    })),
    steps: steps.map((step) => ({
      dispatchId: step.dispatch_id,
      step: step.step,
      status: step.status,
      elapsedMs: step.elapsed_ms,
      output: step.output_json ? (JSON.parse(step.output_json) as unknown) : null,
      receivedAt: step.received_at,
    })),
  };
}
