import { sql, type Kysely } from 'kysely';
import { chunks } from './chunks.ts';
import { IN_FLIGHT, type DispatchRow } from './dispatches.ts';
import type { Database } from './schema.ts';
import { afterTeamIssue } from './team-issue-order.ts';

/**
 * The dispatch ledger as the panels read it (Overview, Pull requests, Issues): summaries,
 * counts and sums over many rows, each one query (or one per 500 keys). Same table as
 * dispatches.ts, which keeps the run lifecycle's reads and writes.
 */

/**
 * The failed dispatches created since `since` (any order), for the Overview's failure list.
 * Only the failed rows travel, not the whole day; `dispatches_created_id` serves the range. The
 * caller orders the few it gets (an ORDER BY here would sort in a temporary table on SQLite).
 */
export async function listFailedSince(db: Kysely<Database>, since: Date): Promise<DispatchSummary[]> {
  return (
    db
      .selectFrom('dispatches')
      .select([...SUMMARY_COLUMNS])
      .where('created_at', '>=', since.toISOString())
      // `status || ''` keeps the planner on the day's range: on the bare column SQLite picks
      // `dispatches_status_bucket` and reads every failure in the ledger, not the day's.
      .where(sql<string>`status || ''`, '=', 'failed')
      .execute()
  );
}

/** Dispatches of one hour and status: a cell of the Overview's trend. */
export interface HourlyCount {
  /** The hour as the ledger's ISO text cuts it: `YYYY-MM-DDTHH` (UTC). */
  hour: string;
  status: string;
  count: number;
}

/**
 * Dispatches created since `since`, counted per hour and status by the database (at most 24 ×
 * four rows, however busy the day), for the Overview's trend. `created_at` is ISO 8601 text in
 * UTC on both dialects, so its first 13 characters are the hour.
 */
export async function countDispatchesByHour(db: Kysely<Database>, since: Date): Promise<HourlyCount[]> {
  const hour = sql<string>`substr(created_at, 1, 13)`;
  const rows = await db
    .selectFrom('dispatches')
    .select((eb) => [hour.as('hour'), 'status', eb.fn.countAll<number | string>().as('count')])
    .where('created_at', '>=', since.toISOString())
    .groupBy([hour, 'status'])
    .execute();
  // PostgreSQL's count is a bigint, which pg hands back as a string.
  return rows.map((row) => ({ hour: row.hour, status: row.status, count: Number(row.count) }));
}

/** The columns the Overview's trend and failure list read: no result or usage JSON. */
const SUMMARY_COLUMNS = [
  'job_id',
  'status',
  'phase',
  'created_at',
  'issue_identifier',
  'issue_title',
  'issue_url',
  'error',
] as const;

/** A dispatch as the Overview's trend and failure list read it. */
export type DispatchSummary = Pick<DispatchRow, (typeof SUMMARY_COLUMNS)[number]>;

/** A job at a glance: its newest dispatch number, runs in flight, and what all its runs cost. */
export interface JobSummary {
  newestDispatchNumber: number;
  inFlight: number;
  /** Dollars over every run of the job that reported a cost (planning, implementation, follow-ups); null: none did. */
  costUsd: number | null;
}

/**
 * Per job: its newest dispatch number and how many of its dispatches are in flight and their summed cost — one grouped
 * query for many jobs (the Pull requests panel) instead of one query per job. Job ids go in
 * chunks of 500 to stay far below SQLite's and PostgreSQL's bound-parameter limits.
 */
export async function summarizeJobs(
  db: Kysely<Database>,
  jobIds: string[],
): Promise<Map<string, JobSummary>> {
  const summary = new Map<string, JobSummary>();
  for (const ids of chunks(jobIds, 500)) {
    const rows = await db
      .selectFrom('dispatches')
      .select((eb) => [
        'job_id',
        eb.fn.max('dispatch_number').as('newest'),
        eb.fn.sum(eb.case().when('status', 'in', IN_FLIGHT).then(1).else(0).end()).as('in_flight'),
        eb.fn.sum<number | string | null>('cost_usd').as('cost'),
      ])
      .where('job_id', 'in', ids)
      .groupBy('job_id')
      .execute();
    for (const row of rows) {
      summary.set(row.job_id, {
        newestDispatchNumber: Number(row.newest),
        inFlight: Number(row.in_flight),
        costUsd: row.cost === null ? null : Math.round(Number(row.cost) * 1e6) / 1e6,
      });
    }
  }
  return summary;
}

/** Gap-fill and review-fix dispatches of many PRs (`owner/repo#12` keys) in a few queries, oldest first. */
export async function listDispatchesOfPullRequests(
  db: Kysely<Database>,
  pullRequestKeys: string[],
): Promise<DispatchRow[]> {
  const rows: DispatchRow[] = [];
  for (const keys of chunks(pullRequestKeys, 500)) {
    rows.push(
      ...(await db
        .selectFrom('dispatches')
        .selectAll()
        .where('pull_request_key', 'in', keys)
        .orderBy('created_at')
        .execute()),
    );
  }
  return rows;
}

/**
 * Dollars spent per issue, over all its runs that reported a cost: one grouped query per 500
 * issues (the Issues panel's page), read through `dispatches_issue_number`. Issues without a
 * reported cost are absent.
 */
export async function sumCostOfIssues(
  db: Kysely<Database>,
  issueIds: string[],
): Promise<Map<string, number>> {
  const costs = new Map<string, number>();
  for (const ids of chunks(issueIds, 500)) {
    const rows = await db
      .selectFrom('dispatches')
      .select((eb) => ['issue_id', eb.fn.sum<number | string>('cost_usd').as('cost')])
      .where('issue_id', 'in', ids)
      .where('cost_usd', 'is not', null)
      .groupBy('issue_id')
      .execute();
    for (const row of rows) costs.set(row.issue_id, Math.round(Number(row.cost) * 1e6) / 1e6);
  }
  return costs;
}

/** A ticket the ledger knows: its team and identifier (the inbox's sort key) and its id. */
export interface LedgerIssueKey {
  team_key: string;
  issue_identifier: string;
  issue_id: string;
}

/**
 * One page of the issues the ledger has dispatches of, by `(team_key, issue_identifier,
 * issue_id)`, after `after` (keyset pagination over index `dispatches_team_issue`).
 */
export async function listLedgerIssues(
  db: Kysely<Database>,
  limit: number,
  after?: LedgerIssueKey,
): Promise<LedgerIssueKey[]> {
  let query = db
    .selectFrom('dispatches')
    .select(['team_key', 'issue_identifier', 'issue_id'])
    .distinct()
    .orderBy('team_key')
    .orderBy('issue_identifier')
    .orderBy('issue_id')
    .limit(limit);
  if (after) {
    query = query.where(afterTeamIssue(after));
  }
  return query.execute();
}
