import type { RunContext } from '../run-context.ts';

/**
 * Checkpoints between the passes of an iteration: the implementation pass's changes are
 * committed locally (squashed into one commit by `commit-push`), so whatever a later command
 * leaves behind — test artefacts of the verify hook, edits a read-only pass made anyway — is
 * reverted by going back to the checkpoint.
 */

/** Commits everything changed since the last checkpoint; false when nothing changed. */
export async function commitCheckpoint(ctx: RunContext, message: string): Promise<boolean> {
  await ctx.git.run(['add', '--all']);
  if ((await ctx.git.tryRun(['diff', '--cached', '--quiet'])).ok) return false;
  // The repository's commit hooks belong in `verify:`; a checkpoint is not a real commit.
  await ctx.git.run(['commit', '--quiet', '--no-verify', '-m', message]);
  return true;
}

/** Back to the last checkpoint: tracked files reset, untracked (not ignored) files removed. */
export async function restoreCheckpoint(ctx: RunContext): Promise<string[]> {
  const dirty = (await ctx.git.run(['status', '--porcelain'])).split('\n').filter(Boolean);
  if (dirty.length === 0) return [];
  await ctx.git.run(['reset', '--quiet', '--hard', 'HEAD']);
  await ctx.git.run(['clean', '--quiet', '-fd']);
  return dirty.map((line) => line.slice(3));
}
