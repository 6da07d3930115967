import type { InstallationOctokit } from '../github-app.ts';
import { judgeFile, type FileStatus } from './file-status.ts';
import type { RenderedFile, RepoTarget } from './render-templates.ts';
import { findOpenPull, readRepoFile, type PullRequestRef } from './repo-contents.ts';
import { SYNC_BRANCH, defaultBranchHead } from './sync-workflows.ts';

/**
 * Template status of one repository: each file on the default branch judged against the current
 * render, and the open sync pull request, if any. The repository is `missing` when any file is
 * missing, else `stale` when any is stale, else `current` (a customized starter file counts as
 * current: it is the repository's own). `unknown` is for a repository that could not be read.
 */

export type RepoTemplateState = 'current' | 'stale' | 'missing' | 'unknown';

export interface RepoTemplateStatus {
  repository: string;
  defaultBranch: string;
  teamKeys: string[];
  status: RepoTemplateState;
  files: FileStatus[];
  syncPullRequest: PullRequestRef | null;
  /** Why the status is `unknown`, for an operator to act on. */
  error?: string;
}

/** Summarizes file states into the repository's state. */
function overallState(files: readonly FileStatus[]): RepoTemplateState {
  if (files.some((f) => f.state === 'missing')) return 'missing';
  if (files.some((f) => f.state === 'stale')) return 'stale';
  return 'current';
}

/** Reads the repository's copies of `rendered` on its default branch and judges them. */
export async function repoTemplateStatus(
  octokit: InstallationOctokit,
  target: RepoTarget,
  rendered: readonly RenderedFile[],
): Promise<RepoTemplateStatus> {
  await defaultBranchHead(octokit, target);
  const actual = await Promise.all(
    rendered.map((f) => readRepoFile(octokit, target, target.defaultBranch, f.path)),
  );
  const files = rendered.map((f, i) => judgeFile(f, actual[i]?.content));
  const open = await findOpenPull(octokit, target, SYNC_BRANCH, target.defaultBranch);
  return {
    repository: `${target.owner}/${target.repo}`,
    defaultBranch: target.defaultBranch,
    teamKeys: target.mappings.map((m) => m.teamKey),
    status: overallState(files),
    files,
    syncPullRequest: open ?? null,
  };
}
