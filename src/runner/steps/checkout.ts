import { StepFailure, type StepOutcome } from '../pipeline.ts';
import type { RunContext } from '../run-context.ts';
import { defineStep, NO_OPTIONS } from './step-module.ts';

/**
 * Clones the target repository with the installation token (into the runner's private clone,
 * then the agent's checkout from it: remote.ts) and puts the checkout on the run's branch, with
 * git running as the agent user from here on (seed 003 step 5, step 8):
 * - planning: the default branch, read only;
 * - implementation: `ai-implement/<identifier>` — continued when it already exists on the
 *   remote (an earlier attempt), else created from the default branch;
 * - gap-fill and review-fix: the existing pull request's branch, which must still exist.
 */
export async function checkout(ctx: RunContext): Promise<StepOutcome> {
  const { payload, settings, paths } = ctx;
  await ctx.remote.clone(paths.repo).catch((error: Error) => {
    const hint = settings.githubToken ? '' : ' (GITHUB_TOKEN is not set: a private repository needs it)';
    throw new StepFailure(`could not clone ${settings.owner}/${settings.repo}${hint}: ${error.message}`);
  });
  const git = ctx.git;
  const base = settings.defaultBranch ?? (await remoteHead(ctx));
  if (!(await git.tryRun(['rev-parse', '--verify', '--quiet', `refs/remotes/origin/${base}`])).ok) {
    throw new StepFailure(
      `the default branch "${base}" does not exist in ${settings.owner}/${settings.repo}`,
    );
  }
  ctx.state.baseBranch = base;
  let continued = false;
  if (payload.phase === 'planning') {
    await git.run(['checkout', '--quiet', '-B', base, `origin/${base}`]);
  } else {
    const branch =
      payload.phase === 'implementation'
        ? branchFor(payload.issue.identifier)
        : (payload.pullRequest?.branch ?? '');
    const remote = `refs/remotes/origin/${branch}`;
    const exists = (await git.tryRun(['rev-parse', '--verify', '--quiet', remote])).ok;
    if (!exists && payload.phase !== 'implementation') {
      throw new StepFailure(`the pull request's branch "${branch}" no longer exists on the remote`);
    }
    continued = exists;
    await git.run(['checkout', '--quiet', '-B', branch, exists ? `origin/${branch}` : `origin/${base}`]);
    ctx.state.branch = branch;
  }
  await configureIdentity(ctx);
  ctx.state.startSha = (await git.run(['rev-parse', 'HEAD'])).trim();
  return {
    output: {
      baseBranch: base,
      ...(ctx.state.branch ? { branch: ctx.state.branch, continued } : {}),
      sha: ctx.state.startSha,
    },
  };
}

/** One branch per issue: `ai-implement/eng-123`. */
export function branchFor(identifier: string): string {
  return `ai-implement/${identifier.toLowerCase().replace(/[^a-z0-9._-]+/g, '-')}`;
}

/** The remote's default branch, when neither AI_IMPLEMENT_DEFAULT_BRANCH nor GITHUB_REF_NAME says. */
async function remoteHead(ctx: RunContext): Promise<string> {
  const head = await ctx.git.tryRun(['symbolic-ref', '--short', 'refs/remotes/origin/HEAD']);
  return head.ok ? head.output.trim().replace(/^origin\//, '') : 'main';
}

/** Commits carry the app's identity unless the environment already sets one (GIT_AUTHOR_NAME). */
async function configureIdentity(ctx: RunContext): Promise<void> {
  if (ctx.env.GIT_AUTHOR_NAME && ctx.env.GIT_AUTHOR_EMAIL) return;
  await ctx.git.run(['config', 'user.name', 'AI-Implement']);
  await ctx.git.run(['config', 'user.email', 'ai-implement[bot]@users.noreply.github.com']);
}

export default defineStep({
  id: 'checkout',
  description: "Clones the repository and checks out the run's branch",
  options: NO_OPTIONS,
  run: (ctx) => checkout(ctx),
});
