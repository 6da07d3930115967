import { describeHookFailure, runHook } from '../hooks.ts';
import { skipped, type StepOutcome } from '../pipeline.ts';
import type { RunContext } from '../run-context.ts';
import { defineStep, NO_OPTIONS } from './step-module.ts';
import { restoreCheckpoint } from './checkpoint.ts';

/**
 * `verify:` after each implementation pass — typically the repository's own tests. A failure
 * ends the step `failed` but not the run while iterations are left: the next pass gets the
 * output to fix (see `phases.ts`). What the hook changed in the checkout is reverted, so test
 * artefacts never reach the commit.
 */
export async function verify(ctx: RunContext): Promise<StepOutcome> {
  const commands = ctx.state.workflow?.settings.verify ?? [];
  if (commands.length === 0) {
    ctx.state.verifyPassed = true;
    return skipped('no verify: hook in the front matter');
  }
  const result = await runHook(ctx, 'verify', commands);
  await restoreCheckpoint(ctx);
  ctx.state.verifyPassed = result.ok;
  ctx.state.verifyOutput = result.tail;
  if (result.ok) return { output: { commands: commands.length } };
  return {
    status: 'failed',
    output: {
      error: describeHookFailure('verify', result, ctx),
      exitCode: result.exitCode,
      timedOut: result.timedOut,
    },
  };
}

export default defineStep({
  id: 'verify',
  description: "Runs the verify: hook (the repository's tests)",
  options: NO_OPTIONS,
  run: (ctx) => verify(ctx),
});
