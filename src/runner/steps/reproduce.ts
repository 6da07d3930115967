import { runHook } from '../hooks.ts';
import { skipped, type StepOutcome } from '../pipeline.ts';
import type { RunContext } from '../run-context.ts';
import { defineStep, NO_OPTIONS } from './step-module.ts';
import { restoreCheckpoint } from './checkpoint.ts';

/** Characters of the reproduction's output the prompt gets; the job log tail carries the rest. */
const MAX_REPRODUCE_CHARS = 8_000;

/**
 * ci-fix only (issue 17): runs the repository's `verify:` hook once before any change, to see the
 * failure CI reported on the PR's head locally. Its outcome goes into the fix prompt; it never
 * fails the run — a failure that does not reproduce here is still CI's failure to fix.
 */
export async function reproduce(ctx: RunContext): Promise<StepOutcome> {
  const commands = ctx.state.workflow?.settings.verify ?? [];
  if (commands.length === 0) return skipped('no verify: hook in the front matter');
  const result = await runHook(ctx, 'verify', commands);
  await restoreCheckpoint(ctx);
  ctx.state.reproduction = result.ok
    ? 'The verify hook passed on the failing head: the failure did not reproduce locally; go by the CI log.'
    : `The verify hook fails on the failing head too. Its output ends with:\n\n\`\`\`\n${result.tail.slice(-MAX_REPRODUCE_CHARS)}\n\`\`\``;
  return { output: { reproduced: !result.ok, exitCode: result.exitCode } };
}

export default defineStep({
  id: 'reproduce',
  description: 'Runs the verify: hook on the failing head before any change (ci-fix)',
  options: NO_OPTIONS,
  run: (ctx) => reproduce(ctx),
});
