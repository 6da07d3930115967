import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, ShadowRunsTable } from './schema.ts';

/** The shadow runs of RUNNER_MODE=shadow (migration 0014; src/orchestrator/shadow/). */

export type ShadowRunRow = Selectable<ShadowRunsTable>;

export async function insertShadowRun(db: Kysely<Database>, row: Insertable<ShadowRunsTable>): Promise<void> {
  await db.insertInto('shadow_runs').values(row).execute();
}

export async function getShadowRun(db: Kysely<Database>, id: string): Promise<ShadowRunRow | undefined> {
  return db.selectFrom('shadow_runs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The Machine was created (or the create failed: `failed` with the error). */
export async function markShadowStarted(
  db: Kysely<Database>,
  id: string,
  values: { at: Date; machineId: string | undefined; image: string | undefined },
): Promise<void> {
  await db
    .updateTable('shadow_runs')
    .set({
      status: 'running',
      started_at: values.at.toISOString(),
      machine_id: values.machineId ?? null,
      image: values.image ?? null,
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/**
 * Ends a shadow run, once: the first result (or failure) wins, like the ledger's. Returns false
 * when it had already ended.
 */
export async function finishShadowRun(
  db: Kysely<Database>,
  id: string,
  values: {
    status: 'succeeded' | 'failed';
    at: Date;
    error?: string | null;
    costUsd?: number | null;
    resultJson?: string | null;
  },
): Promise<boolean> {
  const result = await db
    .updateTable('shadow_runs')
    .set({
      status: values.status,
      finished_at: values.at.toISOString(),
      error: values.error ?? null,
      cost_usd: values.costUsd ?? null,
      result_json: values.resultJson ?? null,
    })
    .where('id', '=', id)
    .where('status', 'in', ['pending', 'running'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The newest shadow runs with their primary's outcome, for the comparison (API and Pipelines panel). */
export async function listShadowComparisons(db: Kysely<Database>, limit: number) {
  return db
    .selectFrom('shadow_runs as s')
    .leftJoin('dispatches as d', 'd.id', 's.primary_dispatch_id')
    .select([
      's.id',
      's.primary_dispatch_id',
      's.issue_identifier',
      's.team_key',
      's.phase',
      's.status',
      's.machine_id',
      's.image',
      's.error',
      's.cost_usd',
      's.created_at',
      's.started_at',
      's.finished_at',
      'd.status as primary_status',
      'd.error as primary_error',
      'd.cost_usd as primary_cost_usd',
      'd.created_at as primary_created_at',
      'd.dispatched_at as primary_dispatched_at',
      'd.finished_at as primary_finished_at',
      'd.issue_url as issue_url',
    ])
    .orderBy('s.created_at', 'desc')
    .limit(limit)
    .execute();
}

export type ShadowComparisonRow = Awaited<ReturnType<typeof listShadowComparisons>>[number];
