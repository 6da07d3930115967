import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Named queries for plan approvals: a job's plan approved for implementation. */

/** Records an approval once; a second approval of the same job is a no-op. */
export async function approvePlan(
  db: Kysely<Database>,
  approval: { jobId: string; issueId: string; approvedBy: string; approvedAt: Date },
): Promise<void> {
  await db
    .insertInto('plan_approvals')
    .values({
      job_id: approval.jobId,
      issue_id: approval.issueId,
      approved_by: approval.approvedBy,
      approved_at: approval.approvedAt.toISOString(),
    })
    .onConflict((oc) => oc.column('job_id').doNothing())
    .execute();
}

export async function isPlanApproved(db: Kysely<Database>, jobId: string): Promise<boolean> {
  const row = await db
    .selectFrom('plan_approvals')
    .select('job_id')
    .where('job_id', '=', jobId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Which of these jobs have an approved plan. */
export async function listApprovedJobIds(db: Kysely<Database>, jobIds: string[]): Promise<Set<string>> {
  if (jobIds.length === 0) return new Set();
  const rows = await db.selectFrom('plan_approvals').select('job_id').where('job_id', 'in', jobIds).execute();
  return new Set(rows.map((row) => row.job_id));
}
