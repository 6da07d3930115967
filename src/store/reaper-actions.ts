import type { Kysely, Selectable } from 'kysely';
import type { Database, ReaperActionsTable } from './schema.ts';

/** Named queries for the reaper's record of actions (migration 0008). */

export type ReaperActionRow = Selectable<ReaperActionsTable>;

export async function insertReaperAction(db: Kysely<Database>, row: ReaperActionRow): Promise<void> {
  await db.insertInto('reaper_actions').values(row).execute();
}

/** Whether an action with this dry-run flag was already recorded for the Machine or Actions run. */
export async function reaperActionRecorded(
  db: Kysely<Database>,
  target: { machineId?: string | undefined; runId?: string | undefined },
  dryRun: boolean,
): Promise<boolean> {
  let query = db
    .selectFrom('reaper_actions')
    .select('id')
    .where('dry_run', '=', dryRun ? 1 : 0);
  if (target.machineId) query = query.where('machine_id', '=', target.machineId);
  else if (target.runId) query = query.where('run_id', '=', target.runId);
  else return false;
  return (await query.executeTakeFirst()) !== undefined;
}

/** Actions since `since` per rule, of one dry-run flag (the summary card and the alert). */
export async function countReaperActionsByRule(
  db: Kysely<Database>,
  since: Date,
  dryRun?: boolean,
): Promise<Map<string, number>> {
  let query = db
    .selectFrom('reaper_actions')
    .select(['rule', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('at', '>=', since.toISOString())
    .groupBy('rule');
  if (dryRun !== undefined) query = query.where('dry_run', '=', dryRun ? 1 : 0);
  const rows = await query.execute();
  return new Map(rows.map((row) => [row.rule, Number(row.n)]));
}

/** The newest actions first, at most `limit`. */
export async function listRecentReaperActions(
  db: Kysely<Database>,
  limit: number,
): Promise<ReaperActionRow[]> {
  return db
    .selectFrom('reaper_actions')
    .selectAll()
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
