import type { HeadCheck } from '../../domain/ci-checks.ts';

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
  /**
   * Every check on commit `sha`: its check runs (latest per name), its commit statuses, and an
   * entry per GitHub Actions check suite that is queued without runs yet (so the head is not
   * taken as finished before its workflows start). Issue 17.
   */
  listHeadChecks(repo: string, sha: string): Promise<HeadCheck[]>;
  /**
   * The required status checks of `branch`'s protection; undefined when the branch has none or
   * they cannot be read (reading them needs the App's Administration read permission).
   */
  requiredChecks(repo: string, branch: string): Promise<string[] | undefined>;
  /** A check run's annotations as `path:line: message` (failures first, at most `limit`). */
  checkAnnotations(repo: string, checkRunId: number, limit: number): Promise<string[]>;
  /** The last `maxChars` characters of a GitHub Actions job's log; undefined when it has none. */
  jobLogTail(repo: string, jobId: number, maxChars: number): Promise<string | undefined>;
  /** `POST /repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs`. */
  rerunFailedJobs(repo: string, workflowRunId: number): Promise<void>;
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
