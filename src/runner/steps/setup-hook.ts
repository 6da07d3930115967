import fs from 'node:fs';
import path from 'node:path';
import { describeHookFailure, runHook } from '../hooks.ts';
import { StepFailure, skipped, type StepOutcome } from '../pipeline.ts';
import type { RunContext } from '../run-context.ts';

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
    const exclude = path.join(ctx.paths.repo, '.git', 'info', 'exclude');
    fs.mkdirSync(path.dirname(exclude), { recursive: true });
    fs.appendFileSync(
      exclude,
      `\n# left by the setup hook\n${untracked.map((entry) => `/${entry}`).join('\n')}\n`,
    );
  }
  return { output: { commands: commands.length, excluded: untracked.length } };
}
