import { IntegrationError } from '../../domain/errors.ts';
import type { InstallationOctokit } from '../github-app.ts';
import { judgeFile, type FileStatus } from './file-status.ts';
import { SYNC_PULL_TITLE, syncPullBody, type PullRequestTextOptions } from './pull-request-text.ts';
import type { RenderedFile, RepoTarget } from './render-templates.ts';
import {
  branchHead,
  findOpenPull,
  pointBranch,
  readRepoFile,
  savePull,
  writeRepoFile,
  type PullRequestRef,
  type RepoFile,
  type RepoRef,
} from './repo-contents.ts';

/**
 * Sync workflows for one repository: one branch, one pull request. Files are judged against
 * the default branch; those to create or update are committed to `ai-implement/sync-workflows`
 * through the contents API (one commit per file), and one pull request carries them:
 * - no file needs a change → `up_to_date`, nothing is written;
 * - an open sync pull request already carries every change → `unchanged`, nothing is written;
 * - an open sync pull request lacks some → commits on its branch, body refreshed → `updated`;
 * - none open → the branch is (re)started from the default branch and a pull request opened →
 *   `opened`. A leftover branch without an open pull request is AI-Implement's own and is reset.
 */

export const SYNC_BRANCH = 'ai-implement/sync-workflows';

export type SyncStatus = 'opened' | 'updated' | 'unchanged' | 'up_to_date';

export interface SyncOutcome {
  repository: string;
  baseBranch: string;
  branch: string;
  status: SyncStatus;
  pullRequest: PullRequestRef | null;
  /** Commits made by this sync. */
  commits: number;
  /** Every file, judged against the default branch (what merging the pull request changes). */
  files: FileStatus[];
}

async function readFiles(
  octokit: InstallationOctokit,
  target: RepoRef,
  ref: string,
  files: readonly RenderedFile[],
): Promise<Map<string, RepoFile | undefined>> {
  const found = await Promise.all(files.map((f) => readRepoFile(octokit, target, ref, f.path)));
  return new Map(files.map((f, i) => [f.path, found[i]]));
}

/** The commit the default branch points at; `not_found` naming the mapping field when it is absent. */
export async function defaultBranchHead(octokit: InstallationOctokit, target: RepoTarget): Promise<string> {
  const sha = await branchHead(octokit, target, target.defaultBranch);
  if (sha) return sha;
  throw new IntegrationError(
    'github',
    'not_found',
    `branch ${target.defaultBranch} does not exist in ${target.owner}/${target.repo}; set the mapping's defaultBranch to the repository's primary branch`,
  );
}

/** Opens or updates the sync pull request of `target` so it carries `rendered`. */
export async function syncRepoWorkflows(
  octokit: InstallationOctokit,
  target: RepoTarget,
  rendered: readonly RenderedFile[],
  options: PullRequestTextOptions,
): Promise<SyncOutcome> {
  const repo: RepoRef = { owner: target.owner, repo: target.repo };
  const base = target.defaultBranch;
  const baseSha = await defaultBranchHead(octokit, target);
  const onBase = await readFiles(octokit, repo, base, rendered);
  const files = rendered.map((file) => judgeFile(file, onBase.get(file.path)?.content));
  const pending = rendered.filter((_, i) => files[i]?.action !== 'none');
  const open = await findOpenPull(octokit, repo, SYNC_BRANCH, base);
  const outcome = {
    repository: `${target.owner}/${target.repo}`,
    baseBranch: base,
    branch: SYNC_BRANCH,
    files,
  };
  if (pending.length === 0)
    return { ...outcome, status: 'up_to_date', pullRequest: open ?? null, commits: 0 };

  let onBranch = onBase;
  if (open) {
    onBranch = await readFiles(octokit, repo, SYNC_BRANCH, pending);
  } else {
    const head = await branchHead(octokit, repo, SYNC_BRANCH);
    await pointBranch(octokit, repo, SYNC_BRANCH, baseSha, head !== undefined);
  }
  let commits = 0;
  for (const file of pending) {
    const existing = onBranch.get(file.path);
    if (existing?.content === file.content) continue;
    await writeRepoFile(octokit, repo, {
      branch: SYNC_BRANCH,
      path: file.path,
      content: file.content,
      message: `AI-Implement: sync ${file.path} (${file.template}@${file.version})`,
      sha: existing?.sha,
    });
    commits += 1;
  }
  if (open && commits === 0) return { ...outcome, status: 'unchanged', pullRequest: open, commits };
  const pullRequest = await savePull(octokit, repo, {
    ...(open ? { number: open.number } : {}),
    head: SYNC_BRANCH,
    base,
    title: SYNC_PULL_TITLE,
    body: syncPullBody(target, files, options),
  });
  return { ...outcome, status: open ? 'updated' : 'opened', pullRequest, commits };
}
