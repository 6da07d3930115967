import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Named queries for the Analytics panel (issue 16): the rows of one time window, few columns. */

export interface AnalyticsDispatch {
  job_id: string;
  team_key: string;
  phase: string;
  status: string;
  created_at: string;
  cost_usd: number | null;
  error: string | null;
}

/**
 * Dispatches created in `[from, to)`, optionally of one team: read through
 * `dispatches_created_id`, bounded by the window (the API caps it at a year).
 */
export async function listDispatchesBetween(
  db: Kysely<Database>,
  window: { from: Date; to: Date; teamKey?: string },
): Promise<AnalyticsDispatch[]> {
  let query = db
    .selectFrom('dispatches')
    .select(['job_id', 'team_key', 'phase', 'status', 'created_at', 'cost_usd', 'error'])
    .where('created_at', '>=', window.from.toISOString())
    .where('created_at', '<', window.to.toISOString());
  if (window.teamKey) query = query.where('team_key', '=', window.teamKey);
  return query.execute();
}

export interface AnalyticsPullRequest {
  job_id: string;
  team_key: string;
  state: string;
  created_at: string;
  closed_at: string | null;
}

/** Pull requests opened in `[from, to)`, optionally of one team. */
export async function listPullRequestsOpenedBetween(
  db: Kysely<Database>,
  window: { from: Date; to: Date; teamKey?: string },
): Promise<AnalyticsPullRequest[]> {
  let query = db
    .selectFrom('pull_requests')
    .select(['job_id', 'team_key', 'state', 'created_at', 'closed_at'])
    .where('created_at', '>=', window.from.toISOString())
    .where('created_at', '<', window.to.toISOString());
  if (window.teamKey) query = query.where('team_key', '=', window.teamKey);
  return query.execute();
}

/** Every dispatch of the given jobs (the PRs' whole history, also before the window). */
export async function listDispatchesOfJobs(
  db: Kysely<Database>,
  jobIds: string[],
): Promise<Pick<AnalyticsDispatch, 'job_id' | 'phase' | 'created_at' | 'cost_usd'>[]> {
  const rows: Pick<AnalyticsDispatch, 'job_id' | 'phase' | 'created_at' | 'cost_usd'>[] = [];
  for (let i = 0; i < jobIds.length; i += 500) {
    rows.push(
      ...(await db
        .selectFrom('dispatches')
        .select(['job_id', 'phase', 'created_at', 'cost_usd'])
        .where('job_id', 'in', jobIds.slice(i, i + 500))
        .execute()),
    );
  }
  return rows;
}
