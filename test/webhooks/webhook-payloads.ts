import {
  API,
  EPOCH,
  idOf,
  githubApp,
  installation,
  pullRequest,
  pullRequestFull,
  reactions,
  repository,
  user,
  type Account,
  type Json,
  type PullRequestFacts,
} from './webhook-objects.ts';

export type { Account, PullRequestFacts } from './webhook-objects.ts';

/**
 * Webhook payloads in GitHub's shapes (every test checks them against @octokit/openapi-webhooks
 * before sending), built from the few facts a test cares about.
 */

export interface ReviewFacts {
  id: number;
  reviewer: Account;
  state: 'approved' | 'changes_requested' | 'commented';
  body: string | null;
  /** The commit reviewed; the PR's head by default. */
  commitId?: string;
  submittedAt?: string;
  association?: string;
}

/** `pull_request_review` with action `submitted` (schema `webhook-pull-request-review-submitted`). */
export function reviewSubmitted(pr: PullRequestFacts, review: ReviewFacts): Json {
  const full = `${pr.owner}/${pr.repo}`;
  const prUrl = `${API}/repos/${full}/pulls/${pr.number}`;
  const html = `https://github.com/${full}/pull/${pr.number}#pullrequestreview-${review.id}`;
  return {
    action: 'submitted',
    review: {
      id: review.id,
      node_id: `PRR_${review.id}`,
      user: user(review.reviewer),
      body: review.body,
      commit_id: review.commitId ?? pr.headSha,
      submitted_at: review.submittedAt ?? '2026-11-21T09:00:00Z',
      state: review.state,
      html_url: html,
      pull_request_url: prUrl,
      author_association: review.association ?? (/\[bot\]$/.test(review.reviewer.login) ? 'NONE' : 'MEMBER'),
      _links: { html: { href: html }, pull_request: { href: prUrl } },
    },
    pull_request: pullRequest(pr),
    repository: repository(pr.owner, pr.repo),
    installation: installation(),
    sender: user(review.reviewer),
  };
}

export interface ReviewCommentFacts {
  id: number;
  reviewId: number;
  author: Account;
  body: string;
  path: string;
  line: number;
  commitId?: string;
  association?: string;
  /** A reply in the thread of this comment id. */
  inReplyTo?: number;
}

/** `pull_request_review_comment` with action `created` (an inline comment on the diff). */
export function reviewCommentCreated(pr: PullRequestFacts, comment: ReviewCommentFacts): Json {
  const full = `${pr.owner}/${pr.repo}`;
  const prUrl = `${API}/repos/${full}/pulls/${pr.number}`;
  const url = `${API}/repos/${full}/pulls/comments/${comment.id}`;
  const html = `https://github.com/${full}/pull/${pr.number}#discussion_r${comment.id}`;
  const commit = comment.commitId ?? pr.headSha;
  return {
    action: 'created',
    comment: {
      url,
      pull_request_review_id: comment.reviewId,
      id: comment.id,
      node_id: `PRRC_${comment.id}`,
      diff_hunk: '@@ -1,3 +1,4 @@\n export function x() {}',
      path: comment.path,
      position: comment.line,
      original_position: comment.line,
      commit_id: commit,
      original_commit_id: commit,
      user: user(comment.author),
      body: comment.body,
      created_at: '2026-11-21T09:00:00Z',
      updated_at: '2026-11-21T09:00:00Z',
      html_url: html,
      pull_request_url: prUrl,
      author_association: comment.association ?? 'MEMBER',
      _links: { self: { href: url }, html: { href: html }, pull_request: { href: prUrl } },
      start_line: null,
      original_start_line: null,
      original_line: comment.line,
      line: comment.line,
      start_side: null,
      side: 'RIGHT',
      reactions: reactions(url),
      ...(comment.inReplyTo !== undefined ? { in_reply_to_id: comment.inReplyTo } : {}),
    },
    pull_request: pullRequest(pr),
    repository: repository(pr.owner, pr.repo),
    installation: installation(),
    sender: user(comment.author),
  };
}

export interface IssueCommentFacts {
  id: number;
  author: Account;
  body: string;
  association?: string;
  /** The App's id when the comment was made with an installation token. */
  viaAppId?: number;
}

/** `issue_comment` with action `created`; `onPullRequest: false` makes it a plain issue's comment. */
export function issueCommentCreated(
  pr: PullRequestFacts,
  comment: IssueCommentFacts,
  onPullRequest = true,
): Json {
  const full = `${pr.owner}/${pr.repo}`;
  const issueUrl = `${API}/repos/${full}/issues/${pr.number}`;
  const url = `${API}/repos/${full}/issues/comments/${comment.id}`;
  const kind = onPullRequest ? 'pull' : 'issues';
  const html = `https://github.com/${full}/${kind}/${pr.number}#issuecomment-${comment.id}`;
  return {
    action: 'created',
    issue: {
      url: issueUrl,
      repository_url: `${API}/repos/${full}`,
      labels_url: `${issueUrl}/labels{/name}`,
      comments_url: `${issueUrl}/comments`,
      events_url: `${issueUrl}/events`,
      html_url: `https://github.com/${full}/${kind}/${pr.number}`,
      id: idOf(`${full}#${pr.number}:issue`),
      node_id: `I_${idOf(`${full}#${pr.number}:issue`)}`,
      number: pr.number,
      title: pr.title ?? 'ENG-1: Export users',
      user: user(pr.author ?? { login: 'ai-implement[bot]' }),
      labels: [],
      state: pr.state ?? 'open',
      locked: false,
      assignee: null,
      assignees: [],
      milestone: null,
      comments: 1,
      created_at: EPOCH,
      updated_at: EPOCH,
      closed_at: null,
      author_association: 'NONE',
      active_lock_reason: null,
      ...(onPullRequest
        ? {
            pull_request: {
              url: `${API}/repos/${full}/pulls/${pr.number}`,
              html_url: `https://github.com/${full}/pull/${pr.number}`,
              diff_url: `https://github.com/${full}/pull/${pr.number}.diff`,
              patch_url: `https://github.com/${full}/pull/${pr.number}.patch`,
              merged_at: null,
            },
          }
        : {}),
      body: 'Fixes ENG-1',
      reactions: reactions(issueUrl),
      timeline_url: `${issueUrl}/timeline`,
      performed_via_github_app: null,
      state_reason: null,
    },
    comment: {
      url,
      html_url: html,
      issue_url: issueUrl,
      id: comment.id,
      node_id: `IC_${comment.id}`,
      user: user(comment.author),
      created_at: '2026-11-21T09:00:00Z',
      updated_at: '2026-11-21T09:00:00Z',
      author_association: comment.association ?? (comment.author.type === 'Bot' ? 'NONE' : 'MEMBER'),
      body: comment.body,
      reactions: reactions(url),
      performed_via_github_app: comment.viaAppId !== undefined ? githubApp(comment.viaAppId) : null,
    },
    repository: repository(pr.owner, pr.repo),
    installation: installation(),
    sender: user(comment.author),
  };
}

/** `pull_request` with action `closed` (merged or not). */
export function pullRequestClosed(
  pr: PullRequestFacts,
  merged: boolean,
  by: Account = { login: 'alice' },
): Json {
  return {
    action: 'closed',
    number: pr.number,
    pull_request: pullRequestFull({ ...pr, state: 'closed', merged }),
    repository: repository(pr.owner, pr.repo),
    installation: installation(),
    sender: user(by),
  };
}

/** `pull_request` with action `synchronize`: new commits on the head branch. */
export function pullRequestSynchronize(pr: PullRequestFacts, before: string): Json {
  return {
    action: 'synchronize',
    number: pr.number,
    before,
    after: pr.headSha,
    pull_request: pullRequestFull(pr),
    repository: repository(pr.owner, pr.repo),
    installation: installation(),
    sender: user(pr.author ?? { login: 'ai-implement[bot]' }),
  };
}
