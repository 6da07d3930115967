import {
  countDispatchesByHour,
  listFailedSince,
  type DispatchSummary,
  type HourlyCount,
} from '../../store/dispatch-reports.ts';
import { listInFlight, type DispatchRow } from '../../store/dispatches.ts';
import { listMappings } from '../../store/mappings.ts';
import { openQuestionsOf } from '../../store/run-questions.ts';
import type { OrchestratorContext } from '../../orchestrator/context.ts';
import { capacityByMapping, countByBucket, type MappingCapacity } from './work-views.ts';

const HOUR_MS = 3_600_000;
/** The trend chart covers the last 24 hours, one bar per hour (seed 002, Overview). */
const TREND_HOURS = 24;
/** Failed jobs listed by name; the count covers all of them. */
const FAILED_LISTED = 20;

/** A run in flight, as the Overview lists it (seed 002: "running jobs, with duration"). */
export interface RunningJobView {
  jobId: string;
  dispatchId: string;
  issue: { id: string; identifier: string; title: string; url: string };
  repo: string;
  teamKey: string;
  phase: string;
  /** `pending` (written, not yet accepted by the backend) or `running`. */
  status: string;
  dispatchNumber: number;
  runnerMode: string;
  /** When the backend accepted the run, or when it was written while still pending (ISO). */
  startedAt: string;
  durationSeconds: number;
  /** The agent's open question while the run waits for a person's answer (issue 21); else null. */
  waitingForInput: string | null;
}

export interface TrendHour {
  /** Start of the hour (ISO, UTC). */
  start: string;
  total: number;
  succeeded: number;
  failed: number;
  inFlight: number;
}

/** `GET /api/overview`: the dashboard's numbers, all computed from the ledger at `generatedAt`. */
export interface OverviewView {
  generatedAt: string;
  runningJobs: RunningJobView[];
  /** Jobs with a dispatch created in the last 24 h that failed. */
  failedLast24h: {
    count: number;
    jobs: {
      jobId: string;
      identifier: string;
      title: string;
      url: string;
      phase: string;
      error: string | null;
    }[];
  };
  /** Runs in flight against the summed caps of every capacity bucket; `utilization` is 0…1 (or more). */
  capacity: { inProgress: number; cap: number; utilization: number; byMapping: MappingCapacity[] };
  projectsAtCap: MappingCapacity[];
  /** Oldest hour first; the last entry is the current, partial hour. */
  trend: TrendHour[];
}

/**
 * Builds the Overview from the in-flight dispatches, the last day's failed dispatches, the last
 * day's counts per hour and status (counted by the database), the mappings and the open agent
 * questions. Cost: five indexed queries; the day's other rows never leave the database.
 */
export async function loadOverview(ctx: OrchestratorContext): Promise<OverviewView> {
  const now = ctx.clock();
  const firstHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - (TREND_HOURS - 1) * HOUR_MS;
  const since = new Date(Math.min(firstHour, now.getTime() - 24 * HOUR_MS));
  const [inFlight, failed, hourly, mappings, waiting] = await Promise.all([
    listInFlight(ctx.db),
    listFailedSince(ctx.db, new Date(now.getTime() - 24 * HOUR_MS)),
    countDispatchesByHour(ctx.db, since),
    listMappings(ctx.db),
    openQuestionsOf(ctx.db),
  ]);
  const byMapping = capacityByMapping(mappings, countByBucket(inFlight));
  const buckets = new Map<string, MappingCapacity>();
  // Linear mappings of one team share a bucket; count it once, at its largest cap.
  for (const entry of byMapping) {
    const known = buckets.get(entry.bucket);
    if (!known || known.cap < entry.cap) buckets.set(entry.bucket, entry);
  }
  const inProgress = [...buckets.values()].reduce((sum, entry) => sum + entry.inProgress, 0);
  const cap = [...buckets.values()].reduce((sum, entry) => sum + entry.cap, 0);
  return {
    generatedAt: now.toISOString(),
    runningJobs: inFlight
      .map((row) => runningJob(row, now, waiting.get(row.id) ?? null))
      .sort((a, b) => a.startedAt.localeCompare(b.startedAt)),
    failedLast24h: failedJobs(failed),
    capacity: { inProgress, cap, utilization: cap === 0 ? 0 : inProgress / cap, byMapping },
    projectsAtCap: byMapping.filter((entry) => entry.inProgress >= entry.cap),
    trend: trend(hourly, firstHour),
  };
}

function runningJob(row: DispatchRow, now: Date, waitingForInput: string | null): RunningJobView {
  const startedAt = row.dispatched_at ?? row.created_at;
  return {
    jobId: row.job_id,
    dispatchId: row.id,
    issue: { id: row.issue_id, identifier: row.issue_identifier, title: row.issue_title, url: row.issue_url },
    repo: row.repo,
    teamKey: row.team_key,
    phase: row.phase,
    status: row.status,
    dispatchNumber: row.dispatch_number,
    runnerMode: row.runner_mode,
    startedAt,
    durationSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(startedAt)) / 1000)),
    waitingForInput,
  };
}

/** `rows`: the day's failed dispatches; a job counts once, at its newest failure. */
function failedJobs(rows: DispatchSummary[]): OverviewView['failedLast24h'] {
  const jobs = new Map<string, OverviewView['failedLast24h']['jobs'][number]>();
  const newestFirst = rows.sort((a, b) =>
    a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0,
  );
  for (const row of newestFirst) {
    if (jobs.has(row.job_id)) continue;
    jobs.set(row.job_id, {
      jobId: row.job_id,
      identifier: row.issue_identifier,
      title: row.issue_title,
      url: row.issue_url,
      phase: row.phase,
      error: row.error,
    });
  }
  return { count: jobs.size, jobs: [...jobs.values()].slice(0, FAILED_LISTED) };
}

function trend(counts: HourlyCount[], firstHour: number): TrendHour[] {
  const hours: TrendHour[] = Array.from({ length: TREND_HOURS }, (_, index) => ({
    start: new Date(firstHour + index * HOUR_MS).toISOString(),
    total: 0,
    succeeded: 0,
    failed: 0,
    inFlight: 0,
  }));
  for (const { hour: key, status, count } of counts) {
    const hour = hours[Math.floor((Date.parse(`${key}:00:00.000Z`) - firstHour) / HOUR_MS)];
    if (!hour) continue;
    hour.total += count;
    if (status === 'succeeded') hour.succeeded += count;
    else if (status === 'failed') hour.failed += count;
    else hour.inFlight += count;
  }
  return hours;
}
