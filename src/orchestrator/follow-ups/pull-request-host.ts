/**
 * What the pull-request loop needs from GitHub, so it can run on the real GitHub App client
 * (github-host.ts) or on anything else that answers the same way. Every method throws
 * `IntegrationError` (category `not_found`, `auth`, `rate_limited`, `transient`, `invalid`).
 * `repo` is `owner/repo`.
 */
export interface PullRequestHost {
  /** `GET /repos/{owner}/{repo}/pulls/{n}`: open or closed, merged, head commit and branch. */
  getPullRequest(repo: string, number: number): Promise<LivePullRequest>;
  /** A text file at `ref`, or undefined when it does not exist there. */
  readFile(repo: string, path: string, ref: string): Promise<string | undefined>;
  /** The PR's conversation comments (not inline review comments), oldest first. */
  listComments(repo: string, number: number): Promise<HostComment[]>;
  createComment(repo: string, number: number, body: string): Promise<void>;
  updateComment(repo: string, commentId: number, body: string): Promise<void>;
  /** Adds labels (created on first use by GitHub) to the PR. */
  addLabels(repo: string, number: number, labels: string[]): Promise<void>;
  /** The login the App comments as (`<slug>[bot]`), or undefined while it cannot be read. */
  botLogin(): Promise<string | undefined>;
}

export interface LivePullRequest {
  state: 'open' | 'closed';
  merged: boolean;
  headSha: string;
  headRef: string;
}

export interface HostComment {
  id: number;
  body: string;
  author: string;
}
