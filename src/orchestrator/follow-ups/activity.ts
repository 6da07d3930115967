import type { FeedbackKind } from './feedback-rules.ts';

/**
 * What happened on a pull request, as the webhook edge (src/http/webhooks/) extracts it from a
 * verified GitHub delivery: only the fields the loop reads, already validated.
 */

/** Who wrote a piece of feedback or a command. */
export interface Author {
  login: string;
  /** GitHub says `type: "Bot"`, or the login ends in `[bot]`. */
  isBot: boolean;
  /** `author_association` (OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE, …). */
  association: string;
  /** `performed_via_github_app.id` of an issue comment made through an App. */
  viaAppId?: number;
}

/** A review, an inline review comment or a PR comment. */
export interface FeedbackItem {
  kind: FeedbackKind;
  /** GitHub's id of the review or comment. */
  githubId: string;
  /** For an inline comment: the review it belongs to. */
  reviewId?: string;
  /** For an inline comment: the comment it answers, when it is a reply in a thread. */
  inReplyTo?: string;
  author: Author;
  /** For a review: approved, changes_requested, commented, dismissed (lower case). */
  reviewState?: string;
  body: string;
  url: string;
  path?: string;
  line?: number;
  /** The commit a review or inline comment was made on. */
  commitId?: string;
  /** When GitHub says it was written (ISO-8601). */
  createdAt: string;
}

interface OnPullRequest {
  /** `owner/repo` as GitHub spells it in `repository.full_name`. */
  repo: string;
  number: number;
  /** The PR's head commit when the payload carries `pull_request.head.sha`. */
  headSha?: string;
}

/**
 * A check suite, check run or workflow run completed on commit `headSha` (issue 17): the PRs
 * GitHub lists for it (`numbers`, may be empty), else the PR whose branch is `headBranch`.
 */
export interface ChecksActivity {
  type: 'checks';
  repo: string;
  number?: undefined;
  headSha: string;
  headBranch: string | null;
  numbers: number[];
}

export type PullRequestActivity =
  | ChecksActivity
  | (OnPullRequest & { type: 'feedback'; item: FeedbackItem })
  | (OnPullRequest & { type: 'command'; commentId: number; author: Author; body: string })
  | (OnPullRequest & { type: 'closed'; merged: boolean })
  | (OnPullRequest & { type: 'reopened' })
  | (OnPullRequest & { type: 'pushed' });
