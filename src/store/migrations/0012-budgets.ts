import type { Kysely } from 'kysely';

/**
 * Spend under control (issue 16). On `dispatches`: what the run used, as its result reported it
 * (tokens, cache tokens, turns, the costliest model; `cost_usd` and the per-pass `usage_json`
 * exist since 0001), and an index for the gate's spend sums — results received since the start
 * of the month, per team. `budget_alerts`: the 80 % and 100 % notifications already sent, one
 * row per budget, period and threshold, so each goes out once per period.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of [
    'input_tokens',
    'output_tokens',
    'cache_read_tokens',
    'cache_creation_tokens',
    'turns',
  ]) {
    await db.schema.alterTable('dispatches').addColumn(column, 'integer').execute();
  }
  await db.schema.alterTable('dispatches').addColumn('model', 'text').execute();
  await db.schema
    .createIndex('dispatches_result_team')
    .on('dispatches')
    .columns(['result_received_at', 'team_key'])
    .execute();
  await db.schema
    .createTable('budget_alerts')
    .addColumn('budget', 'text', (col) => col.notNull())
    .addColumn('period_start', 'text', (col) => col.notNull())
    .addColumn('threshold', 'integer', (col) => col.notNull())
    .addColumn('sent_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('budget_alerts_pk', ['budget', 'period_start', 'threshold'])
    .execute();
}
