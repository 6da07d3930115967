import type { Kysely, Selectable } from 'kysely';
import type { Database, RunStepsTable } from './schema.ts';

/** Named queries for runner progress reports (`POST /runner/progress`). */

export type RunStepRow = Selectable<RunStepsTable>;

export async function insertRunStep(db: Kysely<Database>, row: RunStepRow): Promise<void> {
  await db.insertInto('run_steps').values(row).execute();
}

/** Every progress report of a job (all its dispatches), oldest first. */
export async function listStepsOfJob(db: Kysely<Database>, jobId: string): Promise<RunStepRow[]> {
  return db
    .selectFrom('run_steps')
    .selectAll()
    .where('job_id', '=', jobId)
    .orderBy('received_at')
    .orderBy('id')
    .execute();
}
