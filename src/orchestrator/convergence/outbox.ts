import { describeError } from '../../domain/errors.ts';
import { RunResultSchema } from '../../domain/run-result.ts';
import { type DispatchRow } from '../../store/dispatches.ts';
import { listOutcomesToApply } from '../../store/dispatch-convergence.ts';
import type { OrchestratorContext } from '../context.ts';
import { applyRunOutcome, type FinishedRun } from '../run-results.ts';

/**
 * The outbox (docs/decisions/convergence.md): a finished run is recorded first (result, or
 * deadline) and its consequences — markers, PR record, next phase, notification — applied
 * after; `outcome_applied_at` is set only once all of them ran. The tick calls this to finish
 * whatever a crash, or an error thrown half-way, left recorded but not applied. Returns how
 * many outcomes it applied; one that throws again stays in the outbox for the next tick.
 */
export async function applyRecordedOutcomes(ctx: OrchestratorContext): Promise<number> {
  let applied = 0;
  for (const row of await listOutcomesToApply(ctx.db)) {
    try {
      await applyRunOutcome(ctx, row, recordedOutcome(row));
      applied += 1;
    } catch (error) {
      ctx.logger.error(
        { issue: row.issue_identifier, dispatchId: row.id, err: describeError(error) },
        'could not apply a recorded run outcome; the next tick retries',
      );
    }
  }
  return applied;
}

/** The outcome as the ledger recorded it: the runner's result body, or the failure reason. */
function recordedOutcome(row: DispatchRow): FinishedRun {
  if (row.status === 'succeeded' && row.result_json) {
    const parsed = RunResultSchema.safeParse(JSON.parse(row.result_json));
    if (parsed.success) return { ok: true, result: parsed.data };
  }
  return { ok: false, error: row.error ?? 'the run failed' };
}
