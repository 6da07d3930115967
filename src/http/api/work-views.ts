import type { BlockerRow } from '../../store/blockers.ts';
import type { DispatchRow } from '../../store/dispatches.ts';
import type { Mapping } from '../../domain/mapping.ts';
import type { TrackedIssueRow } from '../../store/tracked-issues.ts';
import { capacityBucket } from '../../domain/mapping.ts';

/** Read models for the Work panels (seed 002): shapes the JSON API returns. */

export interface DispatchView {
  dispatchId: string;
  phase: string;
  status: string;
  dispatchNumber: number;
  createdAt: string;
  dispatchedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  prUrl: string | null;
  costUsd: number | null;
}

/** One job of the dispatch log: the planning and implementation dispatches of one issue, grouped. */
export interface JobView {
  jobId: string;
  issue: { id: string; identifier: string; title: string; url: string; provider: string };
  repo: string;
  teamKey: string;
  runnerMode: string;
  image: string | null;
  /** The newest dispatch's status: what the job is doing now. */
  status: string;
  prUrl: string | null;
  createdAt: string;
  dispatches: DispatchView[];
}

/** Groups dispatches (newest first) into jobs, keeping the newest-first order of jobs. */
export function groupIntoJobs(rows: DispatchRow[]): JobView[] {
  const jobs = new Map<string, JobView>();
  for (const row of rows) {
    let job = jobs.get(row.job_id);
    if (!job) {
      job = {
        jobId: row.job_id,
        issue: {
          id: row.issue_id,
          identifier: row.issue_identifier,
          title: row.issue_title,
          url: row.issue_url,
          provider: row.ticketing_provider,
        },
        repo: row.repo,
        teamKey: row.team_key,
        runnerMode: row.runner_mode,
        image: row.image,
        status: row.status,
        prUrl: null,
        createdAt: row.created_at,
        dispatches: [],
      };
      jobs.set(row.job_id, job);
    }
    job.dispatches.unshift(toDispatchView(row));
    job.prUrl ??= row.pr_url;
    if (row.created_at < job.createdAt) job.createdAt = row.created_at;
  }
  return [...jobs.values()];
}

function toDispatchView(row: DispatchRow): DispatchView {
  return {
    dispatchId: row.id,
    phase: row.phase,
    status: row.status,
    dispatchNumber: row.dispatch_number,
    createdAt: row.created_at,
    dispatchedAt: row.dispatched_at,
    finishedAt: row.finished_at,
    error: row.error,
    prUrl: row.pr_url,
    costUsd: row.cost_usd,
  };
}

/** The Blockers panel: KPI counts (over every blocker) and the per-issue rows (of one page). */
export function blockersView(
  rows: BlockerRow[],
  counts: { total: number; teams: number; byReason: Record<string, number> },
) {
  const { byReason } = counts;
  return {
    total: counts.total,
    teamsAffected: counts.teams,
    blockedByConcurrencyCap: byReason.capacity ?? 0,
    blockedByDedupWindow: byReason.dedup ?? 0,
    byReason,
    blockers: rows.map((row) => ({
      issueId: row.issue_id,
      identifier: row.issue_identifier,
      title: row.issue_title,
      url: row.issue_url,
      mapping: row.team_key,
      bucket: row.bucket,
      reason: row.reason,
      detail: row.detail,
      /** The tickets a dependency blocker waits for, to link them (`[]` for other reasons). */
      blocking: blockingTickets(row.blocking_json),
      recordedAt: row.recorded_at,
    })),
  };
}

/** `blocking_json` read back; anything but a list of `{ identifier, url }` strings is dropped. */
function blockingTickets(json: string): { identifier: string; url: string }[] {
  const parsed = JSON.parse(json) as unknown;
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(
    (item): item is { identifier: string; url: string } =>
      typeof item === 'object' &&
      item !== null &&
      typeof (item as { identifier?: unknown }).identifier === 'string' &&
      typeof (item as { url?: unknown }).url === 'string',
  );
}

/** Where an issue stands, from its newest dispatch; `awaitingApproval` when its plan waits for a person. */
export function stageOf(latest: DispatchRow, awaitingApproval: boolean): string {
  if (latest.status === 'pending' || latest.status === 'running') {
    return latest.phase === 'planning' ? 'planning' : 'implementing';
  }
  if (latest.status === 'failed') return latest.phase === 'planning' ? 'planning_failed' : 'failed';
  if (latest.phase === 'planning') return awaitingApproval ? 'awaiting_plan_approval' : 'plan_approved';
  return latest.pr_url ? 'pr_open' : 'completed';
}

export interface IssueView {
  issueId: string;
  identifier: string;
  title: string;
  url: string;
  teamKey: string;
  provider: string;
  /**
   * Tracker state as last read: by the poll while the ticket carries the marker, by the
   * reconcile step once a run picked it up (started, unstarted, …); null when never read.
   */
  state: { name: string; type: string } | null;
  /** Where it stands, from the ledger (planning, awaiting_plan_approval, pr_open, …) or the inbox. */
  stage: string;
  /** The job of the newest dispatch, when the ledger has one. */
  jobId: string | null;
  /** Why the last poll held the ticket back (Blockers), when it did and no run is in flight. */
  blocker: { reason: string; detail: string } | null;
  /** True when the issue is ready for implementation; false while planning is still pending. */
  readyForImplementation: boolean;
  lastDispatchAt: string | null;
  /** Dollars over all the issue's runs that reported a cost; null: none did. */
  costUsd: number | null;
}

/** The Issues inbox: what the poll saw, merged with what the ledger knows (newest dispatch per issue). */
export function issuesView(
  tracked: TrackedIssueRow[],
  latestByIssue: Map<string, { row: DispatchRow; awaitingApproval: boolean }>,
  mappings: Mapping[],
  inFlightByBucket: ReadonlyMap<string, number>,
  kept: ReadonlyMap<string, { state_name: string; state_type: string }> = new Map(),
  blockers: ReadonlyMap<string, { reason: string; detail: string }> = new Map(),
) {
  const issues = new Map<string, IssueView>();
  for (const [issueId, { row, awaitingApproval }] of latestByIssue) {
    const stage = stageOf(row, awaitingApproval);
    issues.set(issueId, {
      issueId,
      identifier: row.issue_identifier,
      title: row.issue_title,
      url: row.issue_url,
      teamKey: row.team_key,
      provider: row.ticketing_provider,
      state: keptState(kept.get(issueId)),
      stage,
      jobId: row.job_id,
      blocker: null,
      readyForImplementation: stage === 'plan_approved' || row.phase !== 'planning',
      lastDispatchAt: row.created_at,
      costUsd: null,
    });
  }
  for (const row of tracked) {
    const known = issues.get(row.issue_id);
    const state = { name: row.state_name, type: row.state_type };
    if (known && known.stage !== 'failed' && known.stage !== 'planning_failed') {
      known.state = state;
      continue;
    }
    issues.set(row.issue_id, {
      issueId: row.issue_id,
      identifier: row.issue_identifier,
      title: row.issue_title,
      url: row.issue_url,
      teamKey: row.team_key,
      provider: row.ticketing_provider,
      state,
      stage: row.stage,
      jobId: known?.jobId ?? null,
      blocker: null,
      readyForImplementation: row.stage !== 'planning_pending',
      lastDispatchAt: known?.lastDispatchAt ?? null,
      costUsd: null,
    });
  }
  for (const issue of issues.values()) {
    const blocker = blockers.get(issue.issueId);
    if (blocker && issue.stage !== 'planning' && issue.stage !== 'implementing') {
      issue.blocker = { reason: blocker.reason, detail: blocker.detail };
    }
  }
  return { issues: [...issues.values()], inProgressByMapping: capacityByMapping(mappings, inFlightByBucket) };
}

function keptState(row: { state_name: string; state_type: string } | undefined) {
  return row ? { name: row.state_name, type: row.state_type } : null;
}

/** One mapping's capacity bucket: runs in flight against its cap. */
export interface MappingCapacity {
  teamKey: string;
  bucket: string;
  inProgress: number;
  cap: number;
  paused: boolean;
}

/** How many of `rows` (in-flight dispatches) count against each bucket. */
export function countByBucket(rows: { bucket: string }[]): Map<string, number> {
  const byBucket = new Map<string, number>();
  for (const row of rows) byBucket.set(row.bucket, (byBucket.get(row.bucket) ?? 0) + 1);
  return byBucket;
}

/** In-flight runs per mapping's capacity bucket (seed 003 step 1), in the mappings' order. */
export function capacityByMapping(
  mappings: Mapping[],
  byBucket: ReadonlyMap<string, number>,
): MappingCapacity[] {
  return mappings.map((mapping) => {
    const bucket = capacityBucket(mapping);
    return {
      teamKey: mapping.teamKey,
      bucket,
      inProgress: byBucket.get(bucket) ?? 0,
      cap: mapping.maxInProgressAiIssues,
      paused: mapping.paused,
    };
  });
}
