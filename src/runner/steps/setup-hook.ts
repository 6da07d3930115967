import { describeHookFailure, runHook } from '../hooks.ts';
import { StepFailure, skipped, type StepOutcome } from '../pipeline.ts';
import { runProcess } from '../process.ts';
import type { RunContext } from '../run-context.ts';
import { defineStep, NO_OPTIONS } from './step-module.ts';

/**
 * `setup:` before the first agent pass (seed 003 step 5). What it leaves untracked (installed
 * dependencies, build output that is not git-ignored) is added to `.git/info/exclude`, so it
 * never lands in the commit. A failing setup fails the run.
 */
export async function setupHook(ctx: RunContext): Promise<StepOutcome> {
  const commands = ctx.state.workflow?.settings.setup ?? [];
  if (commands.length === 0) return skipped('no setup: hook in the front matter');
  ctx.state.setupRan = true;
  const result = await runHook(ctx, 'setup', commands);
  if (!result.ok) throw new StepFailure(describeHookFailure('setup', result, ctx));
  const untracked = (await ctx.git.run(['ls-files', '--others', '--exclude-standard', '--directory']))
    .split('\n')
    .filter(Boolean);
  if (untracked.length > 0) {
    // Written as the agent user: the runner never writes into the agent's checkout (a symlink
    // planted there would point its writes elsewhere).
    const appended = await runProcess('sh', ['-c', 'mkdir -p .git/info && cat >> .git/info/exclude'], {
      cwd: ctx.paths.repo,
      env: ctx.sandbox.env,
      user: ctx.sandbox.user,
      input: `\n# left by the setup hook\n${untracked.map((entry) => `/${entry}`).join('\n')}\n`,
    });
    if (appended.code !== 0) throw new StepFailure(`could not update .git/info/exclude: ${appended.output}`);
  }
  return { output: { commands: commands.length, excluded: untracked.length } };
}

export default defineStep({
  id: 'setup-hook',
  description: 'Runs the setup: hook of the front matter',
  options: NO_OPTIONS,
  run: (ctx) => setupHook(ctx),
});
