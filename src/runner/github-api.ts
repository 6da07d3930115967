import { Octokit, RequestError } from 'octokit';

/**
 * The GitHub REST calls a run makes with its installation token (GITHUB_TOKEN): find or open the
 * pull request, and keep the gap analysis comment. No automatic retries: a retried create could
 * open a second PR or comment; the callers handle "already exists" instead.
 * REST: https://docs.github.com/rest/pulls/pulls, https://docs.github.com/rest/issues/comments
 */
export interface PullRef {
  number: number;
  url: string;
  headRef: string;
  baseRef: string;
  state: string;
}

export interface IssueComment {
  id: number;
  body: string;
  url: string;
  author: string;
  /** `Bot` for apps (the orchestrator's own comments), `User` for people. */
  authorType: string;
  createdAt: string;
}

export interface RepoApi {
  findOpenPull(head: string, base: string): Promise<PullRef | undefined>;
  getPull(number: number): Promise<PullRef>;
  createPull(input: { title: string; body: string; head: string; base: string }): Promise<PullRef>;
  listComments(issueNumber: number): Promise<IssueComment[]>;
  /**
   * Updates the first bot comment on `issueNumber` whose body contains `marker`, or creates one;
   * `body` gets the previous body (empty for a new comment). `created` tells which happened.
   */
  upsertMarkedComment(
    issueNumber: number,
    marker: string,
    body: (previous: string) => string,
  ): Promise<IssueComment & { created: boolean }>;
}

/** A GitHub call failed; the message names the call, the status and GitHub's own message. */
export class GitHubApiError extends Error {
  override name = 'GitHubApiError';
  readonly status: number | undefined;
  constructor(action: string, error: unknown) {
    const status = error instanceof RequestError ? error.status : undefined;
    const data =
      error instanceof RequestError
        ? (error.response?.data as { message?: string; errors?: unknown[] })
        : undefined;
    const details = (data?.errors ?? [])
      .map((e) => (typeof e === 'object' && e && 'message' in e ? String(e.message) : JSON.stringify(e)))
      .join('; ');
    const detail = data?.message
      ? `${data.message}${details ? `: ${details}` : ''}`
      : (error as Error).message;
    super(`could not ${action}: ${status ? `GitHub answered ${status}: ` : ''}${detail}`);
    this.status = status;
  }
}

const RunnerOctokit = Octokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } });

/** A GitHub call that takes longer than this (ms) has failed; the run must not hang on it. */
const REQUEST_TIMEOUT_MS = 30_000;

const timedFetch: typeof fetch = (input, init) =>
  fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS) });

export function createRepoApi(options: {
  baseUrl: string;
  token: string;
  owner: string;
  repo: string;
}): RepoApi {
  const octokit = new RunnerOctokit({
    auth: options.token,
    baseUrl: options.baseUrl,
    request: { fetch: timedFetch },
  });
  const { owner, repo } = options;
  const call = async <T>(action: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw new GitHubApiError(action, error);
    }
  };
  const toPull = (data: {
    number: number;
    html_url: string;
    state: string;
    head: { ref: string };
    base: { ref: string };
  }): PullRef => ({
    number: data.number,
    url: data.html_url,
    headRef: data.head.ref,
    baseRef: data.base.ref,
    state: data.state,
  });
  const toComment = (data: {
    id: number;
    body?: string;
    html_url: string;
    created_at: string;
    user: { login: string; type: string } | null;
  }): IssueComment => ({
    id: data.id,
    body: data.body ?? '',
    url: data.html_url,
    author: data.user?.login ?? '',
    authorType: data.user?.type ?? '',
    createdAt: data.created_at,
  });

  async function listComments(issueNumber: number): Promise<IssueComment[]> {
    return call(`list the comments of #${issueNumber}`, async () => {
      const items = await octokit.paginate(octokit.rest.issues.listComments, {
        owner,
        repo,
        issue_number: issueNumber,
        per_page: 100,
      });
      return items.map(toComment);
    });
  }

  return {
    findOpenPull: (head, base) =>
      call(`look for an open pull request from ${head}`, async () => {
        const { data } = await octokit.rest.pulls.list({
          owner,
          repo,
          head: `${owner}:${head}`,
          base,
          state: 'open',
        });
        return data[0] ? toPull(data[0]) : undefined;
      }),
    getPull: (number) =>
      call(`read pull request #${number}`, async () =>
        toPull((await octokit.rest.pulls.get({ owner, repo, pull_number: number })).data),
      ),
    createPull: (input) =>
      call(`open a pull request from ${input.head} into ${input.base}`, async () =>
        toPull((await octokit.rest.pulls.create({ owner, repo, ...input })).data),
      ),
    listComments,
    async upsertMarkedComment(issueNumber, marker, body) {
      const existing = (await listComments(issueNumber)).find(
        (comment) => comment.authorType === 'Bot' && comment.body.includes(marker),
      );
      if (existing) {
        return call(`update comment ${existing.id}`, async () => {
          const { data } = await octokit.rest.issues.updateComment({
            owner,
            repo,
            comment_id: existing.id,
            body: body(existing.body),
          });
          return { ...toComment(data), created: false };
        });
      }
      return call(`comment on #${issueNumber}`, async () => {
        const { data } = await octokit.rest.issues.createComment({
          owner,
          repo,
          issue_number: issueNumber,
          body: body(''),
        });
        return { ...toComment(data), created: true };
      });
    },
  };
}
