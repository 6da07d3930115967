import type { OrchestratorContext } from './context.ts';
import { handleRunProgress } from './run-results.ts';

/**
 * Records the last output lines of a finished local run container as a `container-output` step
 * of its job, so the job's view (`GET /api/jobs/:jobId/steps`, the Jobs panel) shows what the
 * runner printed — most useful when it died before it could report anything itself.
 */
export async function recordRunOutput(
  ctx: OrchestratorContext,
  dispatchId: string,
  output: { exitCode: number | null; lines: string[] },
): Promise<void> {
  await handleRunProgress(ctx, dispatchId, {
    step: 'container-output',
    status: output.exitCode === 0 ? 'succeeded' : 'failed',
    output: { exitCode: output.exitCode, lines: output.lines },
  });
}
