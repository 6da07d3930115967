import type { Kysely } from 'kysely';

/**
 * The ci-fix loop (issue 17). On `pull_requests`: what the checks of the head say
 * (`checks_state`, see `ChecksState` in src/domain/ci-checks.ts) and for which head
 * (`checks_head_sha`), a one-line summary for the Pull requests panel, and the head whose failed
 * jobs were re-run (`ci_rerun_head_sha`) or for which a ci-fix run was started
 * (`ci_fix_head_sha`) — each at most once per head, whatever GitHub redelivers. On `dispatches`:
 * the failure a ci-fix run was given (`ci_failure_json`), so a dispatch sent again under the same
 * id carries it too.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of [
    'checks_state',
    'checks_head_sha',
    'checks_summary',
    'checks_seen_at',
    'ci_rerun_head_sha',
    'ci_fix_head_sha',
  ]) {
    await db.schema.alterTable('pull_requests').addColumn(column, 'text').execute();
  }
  await db.schema.alterTable('dispatches').addColumn('ci_failure_json', 'text').execute();
}
