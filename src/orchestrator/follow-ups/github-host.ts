import { describeError } from '../../domain/errors.ts';
import type { GitHubAppClient } from '../../github/github-app.ts';
import { toGitHubError } from '../../github/errors.ts';
import { createGitHubChecksHost } from './github-checks.ts';
import type { HostComment, LivePullRequest, PullRequestHost } from './pull-request-host.ts';

/**
 * `PullRequestHost` over the GitHub App client: each call acts as the App's installation on the
 * repository (src/github/github-app.ts) and maps failures with `toGitHubError`.
 * REST: https://docs.github.com/rest/pulls/pulls#get-a-pull-request,
 * https://docs.github.com/rest/repos/contents#get-repository-content,
 * https://docs.github.com/rest/issues/comments, https://docs.github.com/rest/issues/labels.
 */
export function createGitHubPullRequestHost(client: GitHubAppClient): PullRequestHost {
  let login: Promise<string | undefined> | undefined;

  async function call<T>(
    repo: string,
    action: string,
    run: (owner: string, name: string) => Promise<T>,
  ): Promise<T> {
    const [owner = '', name = ''] = repo.split('/');
    try {
      return await run(owner, name);
    } catch (error) {
      throw toGitHubError(error, { action: `${action} on ${repo}`, repository: repo });
    }
  }

  return {
    ...createGitHubChecksHost(client, call),
    getPullRequest: (repo, number) =>
      call(repo, `read pull request #${number}`, async (owner, name): Promise<LivePullRequest> => {
        const octokit = await client.repoOctokit(owner, name);
        const { data } = await octokit.rest.pulls.get({ owner, repo: name, pull_number: number });
        return {
          state: data.state === 'closed' ? 'closed' : 'open',
          merged: data.merged === true || data.merged_at !== null,
          headSha: data.head.sha,
          headRef: data.head.ref,
        };
      }),

    readFile: (repo, path, ref) =>
      call(repo, `read ${path}`, async (owner, name) => {
        const octokit = await client.repoOctokit(owner, name);
        try {
          const { data } = await octokit.rest.repos.getContent({ owner, repo: name, path, ref });
          if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return undefined;
          return Buffer.from(data.content, 'base64').toString('utf8');
        } catch (error) {
          if ((error as { status?: number }).status === 404) return undefined;
          throw error;
        }
      }),

    listComments: (repo, number) =>
      call(repo, `list comments of #${number}`, async (owner, name): Promise<HostComment[]> => {
        const octokit = await client.repoOctokit(owner, name);
        const comments = await octokit.paginate(octokit.rest.issues.listComments, {
          owner,
          repo: name,
          issue_number: number,
          per_page: 100,
        });
        return comments.map((c) => ({ id: c.id, body: c.body ?? '', author: c.user?.login ?? '' }));
      }),

    createComment: (repo, number, body) =>
      call(repo, `comment on #${number}`, async (owner, name) => {
        const octokit = await client.repoOctokit(owner, name);
        await octokit.rest.issues.createComment({ owner, repo: name, issue_number: number, body });
      }),

    updateComment: (repo, commentId, body) =>
      call(repo, `update comment ${commentId}`, async (owner, name) => {
        const octokit = await client.repoOctokit(owner, name);
        await octokit.rest.issues.updateComment({ owner, repo: name, comment_id: commentId, body });
      }),

    addLabels: (repo, number, labels) =>
      call(repo, `label #${number}`, async (owner, name) => {
        const octokit = await client.repoOctokit(owner, name);
        await octokit.rest.issues.addLabels({ owner, repo: name, issue_number: number, labels });
      }),

    botLogin() {
      login ??= client.getApp().then(
        (app) => (app.slug ? `${app.slug}[bot]` : undefined),
        (error: unknown) => {
          // Not cached: the next call asks again.
          login = undefined;
          throw new Error(`cannot read the GitHub App's login: ${describeError(error)}`, { cause: error });
        },
      );
      return login.catch(() => undefined);
    },
  };
}
