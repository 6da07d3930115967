import { countBlockers, listBlockers, listBlockersByIds } from '../../store/blockers.ts';
import { listDedupWindow } from '../../store/dedup-window.ts';
import {
  countInFlightByBucket,
  latestDispatchesOfIssues,
  listDispatchesOfJob,
  listRecentDispatches,
  type DispatchRow,
} from '../../store/dispatches.ts';
import {
  listLedgerIssues,
  sumCostOfIssues,
  summarizeJobs,
  type LedgerIssueKey,
} from '../../store/dispatch-reports.ts';
import { listMappings } from '../../store/mappings.ts';
import { listApprovedJobIds } from '../../store/plan-approvals.ts';
import { listPullRequests, pullRequestKey } from '../../store/pull-requests.ts';
import { listStepsOfJob } from '../../store/run-steps.ts';
import { listTicketStatesByIds } from '../../store/ticket-states.ts';
import { listTrackedIssues, listTrackedIssuesByIds } from '../../store/tracked-issues.ts';
import type { OrchestratorContext } from '../../orchestrator/context.ts';
import {
  summarizePullRequestLoops,
  type PullRequestLoopSummary,
} from '../../orchestrator/follow-ups/pull-request-summary.ts';
import { planOf, logLines, stepRows } from './job-steps-view.ts';
import { nextCursorOf, type PageRequest } from './cursor.ts';
import { blockersView, groupIntoJobs, issuesView } from './work-views.ts';

/**
 * Loaders for the Work panels: each reads the store and builds the view one JSON route returns.
 * The admin pages call the same functions, so a panel and its API never disagree.
 */

/** Page sizes of the list endpoints and panels: default and largest a client may ask for. */
export const LIST_PAGES = {
  /** The dispatch log keeps its "last ~500 dispatches" (policy.logLimit) as its default page. */
  log: { max: 1_000, arity: 2 },
  issues: { defaultLimit: 100, max: 1_000, arity: 3 },
  blockers: { defaultLimit: 100, max: 1_000, arity: 3 },
  pulls: { defaultLimit: 100, max: 1_000, arity: 3 },
  dedup: { defaultLimit: 100, max: 1_000, arity: 2 },
} as const;

const str = (value: string | number | undefined) => String(value ?? '');

/**
 * `GET /api/log`: one page of dispatches, newest first, grouped into jobs (a job whose
 * dispatches straddle two pages shows in both). `page.limit` defaults to `policy.logLimit`.
 */
export async function loadJobLog(ctx: OrchestratorContext, page?: PageRequest) {
  const limit = page?.limit ?? ctx.policy.logLimit;
  const after = page?.after ? { createdAt: str(page.after[0]), id: str(page.after[1]) } : undefined;
  const read = await listRecentDispatches(ctx.db, limit + 1, after);
  const { rows, nextCursor } = nextCursorOf(read, limit, (row) => [row.created_at, row.id]);
  return { jobs: groupIntoJobs(rows), dispatches: rows.length, nextCursor };
}

/**
 * `GET /api/issues`: one page of the inbox — the issues the poll saw and those the ledger has
 * dispatches of — by team and identifier, each with its newest dispatch, plus in-progress counts
 * per mapping. Two keyset reads (inbox rows, ledger issues) merged; no read of the whole ledger.
 */
export async function loadIssues(ctx: OrchestratorContext, page?: PageRequest) {
  const limit = page?.limit ?? LIST_PAGES.issues.defaultLimit;
  const after = page?.after
    ? { team_key: str(page.after[0]), issue_identifier: str(page.after[1]), issue_id: str(page.after[2]) }
    : undefined;
  const [trackedPage, ledgerPage, mappings, inFlight] = await Promise.all([
    listTrackedIssues(ctx.db, { limit: limit + 1, after }),
    listLedgerIssues(ctx.db, limit + 1, after),
    listMappings(ctx.db),
    countInFlightByBucket(ctx.db),
  ]);
  const keys = new Map<string, LedgerIssueKey>();
  for (const key of [...trackedPage, ...ledgerPage]) keys.set(key.issue_id, key);
  const ordered = [...keys.values()].sort(compareIssueKeys);
  const { rows: pageKeys, nextCursor } = nextCursorOf(ordered, limit, (key) => [
    key.team_key,
    key.issue_identifier,
    key.issue_id,
  ]);
  const ids = pageKeys.map((key) => key.issue_id);
  const [latest, tracked, costs, kept, blockers] = await Promise.all([
    latestDispatchesOfIssues(ctx.db, ids),
    listTrackedIssuesByIds(ctx.db, ids),
    sumCostOfIssues(ctx.db, ids),
    listTicketStatesByIds(ctx.db, ids),
    listBlockersByIds(ctx.db, ids),
  ]);
  const approved = await listApprovedJobIds(
    ctx.db,
    [...latest.values()].map((row) => row.job_id),
  );
  const latestByIssue = new Map(
    [...latest].map(([id, row]) => [id, { row, awaitingApproval: !approved.has(row.job_id) }]),
  );
  const view = issuesView(tracked, latestByIssue, mappings, inFlight, kept, blockers);
  const position = new Map(ids.map((id, index) => [id, index]));
  view.issues.sort((a, b) => (position.get(a.issueId) ?? 0) - (position.get(b.issueId) ?? 0));
  for (const issue of view.issues) issue.costUsd = costs.get(issue.issueId) ?? null;
  return { ...view, nextCursor };
}

function compareIssueKeys(a: LedgerIssueKey, b: LedgerIssueKey): number {
  return (
    compareText(a.team_key, b.team_key) ||
    compareText(a.issue_identifier, b.issue_identifier) ||
    compareText(a.issue_id, b.issue_id)
  );
}

/** Byte order, as the databases compare these columns (SQLite BINARY, PostgreSQL "C"-like keys). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `GET /api/blockers`: KPI counts over every blocker, and one page of rows by team and identifier. */
export async function loadBlockers(ctx: OrchestratorContext, page?: PageRequest) {
  const limit = page?.limit ?? LIST_PAGES.blockers.defaultLimit;
  const after = page?.after
    ? { teamKey: str(page.after[0]), identifier: str(page.after[1]), issueId: str(page.after[2]) }
    : undefined;
  const [read, counts] = await Promise.all([
    listBlockers(ctx.db, { limit: limit + 1, after }),
    countBlockers(ctx.db),
  ]);
  const { rows, nextCursor } = nextCursorOf(read, limit, (row) => [
    row.team_key,
    row.issue_identifier,
    row.issue_id,
  ]);
  return { ...blockersView(rows, counts), nextCursor };
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
  /** Dollars over all the PR's runs (its job: planning, implementation, every follow-up). */
  costUsd: number | null;
  lastDispatchAt: string;
  secondsSinceLastDispatch: number;
}

/** `GET /api/pulls`: one page of the bot-opened PRs the orchestrator tracks, newest update first. */
export async function loadPulls(
  ctx: OrchestratorContext,
  page?: PageRequest,
): Promise<{ pulls: PullView[]; nextCursor: string | null }> {
  const now = ctx.clock().getTime();
  const limit = page?.limit ?? LIST_PAGES.pulls.defaultLimit;
  const after = page?.after
    ? { updatedAt: str(page.after[0]), repo: str(page.after[1]), number: Number(page.after[2]) }
    : undefined;
  const read = await listPullRequests(ctx.db, { limit: limit + 1, after });
  const { rows, nextCursor } = nextCursorOf(read, limit, (row) => [row.updated_at, row.repo, row.number]);
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
      costUsd: job?.costUsd ?? row.cost_usd,
      lastDispatchAt,
      secondsSinceLastDispatch: Math.max(0, Math.round((now - Date.parse(lastDispatchAt)) / 1000)),
    };
  });
  return { pulls, nextCursor };
}

/** `GET /api/dedup`: one page of the issues inside the dedup window (seed 003 step 2), newest dispatch first. */
export async function loadDedupWindow(ctx: OrchestratorContext, page?: PageRequest) {
  const windowStart = new Date(ctx.clock().getTime() - ctx.policy.dedupWindowMs);
  const limit = page?.limit ?? LIST_PAGES.dedup.defaultLimit;
  const after = page?.after ? { dispatchedAt: str(page.after[0]), issueId: str(page.after[1]) } : undefined;
  const read = await listDedupWindow(ctx.db, windowStart, { limit: limit + 1, after });
  const { rows, nextCursor } = nextCursorOf(read, limit, (row) => [row.dispatched_at, row.issue_id]);
  // What each entry points at (its ticket, job and pull request), from the issue's newest dispatch.
  const latest = await latestDispatchesOfIssues(
    ctx.db,
    rows.map((row) => row.issue_id),
  );
  return {
    windowHours: ctx.policy.dedupWindowMs / 3_600_000,
    entries: rows.map((row) => {
      const run = latest.get(row.issue_id);
      return {
        issueId: row.issue_id,
        identifier: row.issue_identifier,
        title: row.issue_title,
        teamKey: row.team_key,
        dispatchedAt: row.dispatched_at,
        expiresAt: new Date(Date.parse(row.dispatched_at) + ctx.policy.dedupWindowMs).toISOString(),
        /** The ticket in its tracker, the job page's id, and the newest run's phase, status and pull request. */
        issueUrl: run?.issue_url ?? null,
        jobId: run?.job_id ?? null,
        phase: run?.phase ?? null,
        status: run?.status ?? null,
        inFlight: run?.status === 'pending' || run?.status === 'running',
        prUrl: run?.pr_url ?? null,
      };
    }),
    nextCursor,
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
      usage: usageView(d),
    })),
    costUsd: sumCost(dispatches),
    /** One row per step with its final status (the job page's Steps table). */
    stepRows: stepRows(steps),
    /** The plan the newest planning run reported, or null. */
    plan: planOf(steps),
    /** Every progress report in words, oldest first (the job page's Run log, live while in flight). */
    log: logLines(steps),
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

/** What one run used, as the job page shows it; null when the run reported no usage. */
export interface UsageView {
  costUsd: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  cacheReadTokens: number | null;
  cacheCreationTokens: number | null;
  turns: number | null;
  model: string | null;
  /** Each agent pass (label, model, subtype, cost, tokens, turns), as the runner reported them. */
  passes: unknown[];
}

function usageView(row: DispatchRow): UsageView | null {
  if (row.cost_usd === null && row.usage_json === null) return null;
  const reported = row.usage_json ? (JSON.parse(row.usage_json) as { passes?: unknown[] }) : {};
  return {
    costUsd: row.cost_usd,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cacheReadTokens: row.cache_read_tokens,
    cacheCreationTokens: row.cache_creation_tokens,
    turns: row.turns,
    model: row.model,
    passes: Array.isArray(reported.passes) ? reported.passes : [],
  };
}

/** Dollars over the rows that reported a cost, to micro-dollars; null when none did. */
function sumCost(rows: DispatchRow[]): number | null {
  const costs = rows.map((row) => row.cost_usd).filter((cost): cost is number => cost !== null);
  if (costs.length === 0) return null;
  return Math.round(costs.reduce((sum, cost) => sum + cost, 0) * 1e6) / 1e6;
}

/** The plan a job's planning run reported, or null (the Approve dialog). */
export async function loadJobPlan(ctx: OrchestratorContext, jobId: string) {
  return planOf(await listStepsOfJob(ctx.db, jobId));
}
