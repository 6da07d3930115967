import type { Kysely, Selectable } from 'kysely';
import type { Database, PullRequestsTable } from './schema.ts';

/** Named queries for the pull requests the orchestrator's runs opened. */

export type PullRequestRow = Selectable<PullRequestsTable>;

/** Records a PR, or refreshes status, cost and last-dispatch time when it is already known. */
export async function upsertPullRequest(db: Kysely<Database>, row: PullRequestRow): Promise<void> {
  await db
    .insertInto('pull_requests')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['repo', 'number']).doUpdateSet({
        status: row.status,
        cost_usd: row.cost_usd,
        updated_at: row.updated_at,
        last_dispatch_at: row.last_dispatch_at,
        job_id: row.job_id,
      }),
    )
    .execute();
}

export async function listPullRequests(db: Kysely<Database>): Promise<PullRequestRow[]> {
  return db.selectFrom('pull_requests').selectAll().orderBy('updated_at', 'desc').execute();
}

export async function findPullRequest(
  db: Kysely<Database>,
  repo: string,
  number: number,
): Promise<PullRequestRow | undefined> {
  return db
    .selectFrom('pull_requests')
    .selectAll()
    .where('repo', '=', repo)
    .where('number', '=', number)
    .executeTakeFirst();
}
