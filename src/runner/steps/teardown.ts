import { describeHookFailure, runHook } from '../hooks.ts';
import { skipped, type StepOutcome } from '../pipeline.ts';
import type { RunContext } from '../run-context.ts';
import { defineStep, NO_OPTIONS } from './step-module.ts';

/**
 * `teardown:` at the end of every run that loaded its workflow file, whatever happened before;
 * a failing teardown is reported but never changes the run's outcome.
 */
export async function teardown(ctx: RunContext): Promise<StepOutcome> {
  const commands = ctx.state.workflow?.settings.teardown ?? [];
  if (commands.length === 0) return skipped('no teardown: hook in the front matter');
  const result = await runHook(ctx, 'teardown', commands);
  if (result.ok) return { output: { commands: commands.length } };
  return { status: 'failed', output: { error: describeHookFailure('teardown', result, ctx) } };
}

export default defineStep({
  id: 'teardown',
  description: 'Runs the teardown: hook of the front matter',
  options: NO_OPTIONS,
  run: (ctx) => teardown(ctx),
});
