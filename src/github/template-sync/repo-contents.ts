import { RequestError } from 'octokit';
import { IntegrationError } from '../../domain/errors.ts';
import type { InstallationOctokit } from '../github-app.ts';
import { toGitHubError } from '../errors.ts';

/**
 * The GitHub REST calls template sync makes, each turning failures into `IntegrationError`
 * (see `../errors.ts`) with an operator-facing message:
 * - contents: https://docs.github.com/rest/repos/contents
 * - references: https://docs.github.com/rest/git/refs
 * - pull requests: https://docs.github.com/rest/pulls/pulls
 */

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface RepoFile {
  content: string;
  /** The blob sha, which a contents PUT must name to replace the file. */
  sha: string;
}

export interface PullRequestRef {
  number: number;
  url: string;
}

/** Only owner and repo: callers may pass a richer object, whose other members must not become query parameters. */
function repoParams(ref: RepoRef): RepoRef {
  return { owner: ref.owner, repo: ref.repo };
}

function fullName(ref: RepoRef): string {
  return `${ref.owner}/${ref.repo}`;
}

function isNotFound(error: unknown): boolean {
  return error instanceof RequestError && error.status === 404;
}

/** The file at `path` on `ref`, or undefined when there is none. */
export async function readRepoFile(
  octokit: InstallationOctokit,
  target: RepoRef,
  ref: string,
  path: string,
): Promise<RepoFile | undefined> {
  let data: Awaited<ReturnType<InstallationOctokit['rest']['repos']['getContent']>>['data'];
  try {
    ({ data } = await octokit.rest.repos.getContent({ ...repoParams(target), path, ref }));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw toGitHubError(error, { action: `read ${path} on ${ref}`, repository: fullName(target) });
  }
  if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) {
    const found = Array.isArray(data) ? 'directory' : data.type;
    throw new IntegrationError(
      'github',
      'invalid',
      `${path} in ${fullName(target)} is a ${found}, not a file; move it so Sync workflows can write the file`,
    );
  }
  return { content: Buffer.from(data.content, 'base64').toString('utf8'), sha: data.sha };
}

/** The commit a branch points at, or undefined when the branch does not exist. */
export async function branchHead(
  octokit: InstallationOctokit,
  target: RepoRef,
  branch: string,
): Promise<string | undefined> {
  try {
    const { data } = await octokit.rest.git.getRef({ ...repoParams(target), ref: `heads/${branch}` });
    return data.object.sha;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw toGitHubError(error, { action: `read branch ${branch}`, repository: fullName(target) });
  }
}

/** Creates `branch` at `sha`, or moves it there when it exists (`force`: it is ours to reset). */
export async function pointBranch(
  octokit: InstallationOctokit,
  target: RepoRef,
  branch: string,
  sha: string,
  exists: boolean,
): Promise<void> {
  try {
    if (exists)
      await octokit.rest.git.updateRef({ ...repoParams(target), ref: `heads/${branch}`, sha, force: true });
    else await octokit.rest.git.createRef({ ...repoParams(target), ref: `refs/heads/${branch}`, sha });
  } catch (error) {
    throw toGitHubError(error, { action: `point branch ${branch} at ${sha}`, repository: fullName(target) });
  }
}

/** Commits `content` to `path` on `branch` (one commit); `sha` names the blob it replaces. */
export async function writeRepoFile(
  octokit: InstallationOctokit,
  target: RepoRef,
  input: { branch: string; path: string; content: string; message: string; sha: string | undefined },
): Promise<void> {
  try {
    await octokit.rest.repos.createOrUpdateFileContents({
      ...repoParams(target),
      path: input.path,
      branch: input.branch,
      message: input.message,
      content: Buffer.from(input.content, 'utf8').toString('base64'),
      ...(input.sha ? { sha: input.sha } : {}),
    });
  } catch (error) {
    throw toGitHubError(error, {
      action: `commit ${input.path} to ${input.branch}`,
      repository: fullName(target),
    });
  }
}

/** The open pull request from `head` into `base`, if there is one. */
export async function findOpenPull(
  octokit: InstallationOctokit,
  target: RepoRef,
  head: string,
  base: string,
): Promise<PullRequestRef | undefined> {
  try {
    const { data } = await octokit.rest.pulls.list({
      ...repoParams(target),
      state: 'open',
      head: `${target.owner}:${head}`,
      base,
      per_page: 1,
    });
    const pull = data[0];
    return pull ? { number: pull.number, url: pull.html_url } : undefined;
  } catch (error) {
    throw toGitHubError(error, { action: `list pull requests from ${head}`, repository: fullName(target) });
  }
}

/** Opens a pull request, or (with `number`) replaces an open one's title and body. */
export async function savePull(
  octokit: InstallationOctokit,
  target: RepoRef,
  input: { number?: number; head: string; base: string; title: string; body: string },
): Promise<PullRequestRef> {
  try {
    const { data } =
      input.number === undefined
        ? await octokit.rest.pulls.create({
            ...repoParams(target),
            head: input.head,
            base: input.base,
            title: input.title,
            body: input.body,
          })
        : await octokit.rest.pulls.update({
            ...repoParams(target),
            pull_number: input.number,
            title: input.title,
            body: input.body,
          });
    return { number: data.number, url: data.html_url };
  } catch (error) {
    throw toGitHubError(error, {
      action:
        input.number === undefined
          ? `open a pull request from ${input.head}`
          : `update pull request #${input.number}`,
      repository: fullName(target),
    });
  }
}
