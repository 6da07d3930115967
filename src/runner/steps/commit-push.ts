import { GitError } from '../git.ts';
import { StepFailure, skipped, type StepOutcome } from '../pipeline.ts';
import type { RunContext } from '../run-context.ts';
import { defineStep, NO_OPTIONS } from './step-module.ts';

/**
 * Squashes the iteration checkpoints (and any commit the agent made itself) into one commit on
 * the run's branch and pushes it (seed 003 step 5; step 8: gap-fill pushes to the same branch).
 * Never force-pushes: a push the remote refuses (a protected branch, someone pushed meanwhile)
 * fails the run with the remote's answer. An implementation run without any change fails; a
 * follow-up run without a change has nothing to push and goes on.
 */
export async function commitPush(ctx: RunContext): Promise<StepOutcome> {
  const { payload, state } = ctx;
  const branch = state.branch;
  if (!branch || !state.startSha) throw new StepFailure('no branch to push (checkout did not run)');
  await ctx.git.run(['reset', '--quiet', '--soft', state.startSha]);
  await ctx.git.run(['add', '--all']);
  if ((await ctx.git.tryRun(['diff', '--cached', '--quiet'])).ok) {
    if (payload.phase === 'implementation')
      throw new StepFailure('the agent made no changes, so there is nothing to commit');
    state.notes.push('No new changes to push.');
    return skipped('no changes since the last push', { branch });
  }
  const files = (await ctx.git.run(['diff', '--cached', '--name-only'])).split('\n').filter(Boolean);
  await ctx.git.run(['commit', '--quiet', '--no-verify', '-m', commitMessage(ctx)]);
  const sha = (await ctx.git.run(['rev-parse', 'HEAD'])).trim();
  try {
    await ctx.remote.push(ctx.git, { branch, sha, since: state.startSha });
  } catch (error) {
    const detail =
      error instanceof GitError ? error.message.replace(/^git push failed/, '') : (error as Error).message;
    throw new StepFailure(`the remote rejected the push to ${branch}${detail}`, { output: { branch, sha } });
  }
  state.pushed = true;
  return { output: { branch, sha, files: files.length } };
}

function commitMessage(ctx: RunContext): string {
  const { issue, phase, dispatchId } = ctx.payload;
  const subject =
    phase === 'implementation'
      ? `${issue.identifier}: ${issue.title}`
      : `${issue.identifier}: ${
          phase === 'gap-fill'
            ? 'close gaps from the gap analysis'
            : phase === 'ci-fix'
              ? 'fix failing checks'
              : 'address review feedback'
        }`;
  const body = ctx.state.agentSummary.trim().slice(0, 4_000);
  return `${subject}\n\n${body ? `${body}\n\n` : ''}${issue.url}\nAI-Implement-Dispatch: ${dispatchId}`;
}

export default defineStep({
  id: 'commit-push',
  description: 'Squashes the changes into one commit and pushes the branch',
  options: NO_OPTIONS,
  run: (ctx) => commitPush(ctx),
});
