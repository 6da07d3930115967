import { z } from 'zod';
import { issueRef } from '../../ticketing/github/github-issue-fields.ts';
import type { Author, PullRequestActivity } from '../../orchestrator/follow-ups/activity.ts';
import { isBotAccount, isGapFillCommand } from '../../orchestrator/follow-ups/feedback-rules.ts';
import { fieldErrors, type FieldError } from '../validation.ts';

/**
 * Turns a verified GitHub webhook delivery into the loop's `PullRequestActivity`, validating
 * only the fields the loop reads (the full shapes are GitHub's, in @octokit/openapi-webhooks:
 * `webhook-pull-request-review-submitted`, `webhook-pull-request-review-comment-created`,
 * `webhook-issue-comment-created`, `webhook-pull-request-closed`, `webhook-check-suite-completed`,
 * `webhook-check-run-completed`, `webhook-workflow-run-completed`, …). Events and actions the
 * loop has no use for are `ignored`; edits and deletions of comments are among them — a pass
 * reads the PR as it is anyway. https://docs.github.com/webhooks/webhook-events-and-payloads
 */

const User = z.object({ login: z.string(), type: z.string().optional() }).nullable();
const Repository = z.object({ full_name: z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'must be owner/repo') });
const Head = z.object({ sha: z.string().min(1), ref: z.string() });

const ReviewSubmitted = z.object({
  repository: Repository,
  pull_request: z.object({ number: z.number().int().positive(), head: Head }),
  review: z.object({
    id: z.number().int(),
    state: z.string(),
    body: z.string().nullable(),
    html_url: z.string(),
    commit_id: z.string(),
    submitted_at: z.string().nullable().optional(),
    user: User,
    author_association: z.string(),
  }),
});

const ReviewCommentCreated = z.object({
  repository: Repository,
  pull_request: z.object({ number: z.number().int().positive(), head: Head }),
  comment: z.object({
    id: z.number().int(),
    body: z.string(),
    html_url: z.string(),
    path: z.string(),
    line: z.number().int().nullable().optional(),
    commit_id: z.string(),
    created_at: z.string(),
    user: User,
    author_association: z.string(),
    pull_request_review_id: z.number().int().nullable(),
    in_reply_to_id: z.number().int().optional(),
  }),
});

const IssueCommentCreated = z.object({
  repository: Repository,
  issue: z.object({ number: z.number().int().positive(), pull_request: z.unknown().optional() }),
  comment: z.object({
    id: z.number().int(),
    body: z.string(),
    html_url: z.string(),
    created_at: z.string(),
    user: User,
    author_association: z.string(),
    performed_via_github_app: z.object({ id: z.number().int() }).nullable().optional(),
  }),
});

const PullRequestEvent = z.object({
  repository: Repository,
  number: z.number().int().positive(),
  pull_request: z.object({ merged: z.boolean().nullable().optional(), head: Head }),
});

const Action = z.object({ action: z.string() });

/** `pull_requests` of a check suite, check run or workflow run: the PRs whose head it ran on. */
const CheckPulls = z.array(z.object({ number: z.number().int().positive() }));

const CheckSuiteCompleted = z.object({
  repository: Repository,
  check_suite: z.object({
    head_sha: z.string().min(1),
    head_branch: z.string().nullable(),
    pull_requests: CheckPulls,
  }),
});

const CheckRunCompleted = z.object({
  repository: Repository,
  check_run: z.object({
    head_sha: z.string().min(1),
    pull_requests: CheckPulls,
    check_suite: z.object({ head_branch: z.string().nullable().optional() }).nullable().optional(),
  }),
});

const WorkflowRunCompleted = z.object({
  repository: Repository,
  workflow_run: z.object({
    head_sha: z.string().min(1),
    head_branch: z.string().nullable(),
    pull_requests: CheckPulls,
  }),
});

export type ParsedEvent =
  | { kind: 'activity'; activity: PullRequestActivity; action: string }
  | {
      kind: 'ignored';
      reason: string;
      /**
       * A comment on an issue (not a PR): no pull-request activity, but maybe a person's answer to
       * an agent's question on a GitHub Issues ticket (`owner/repo#n`; issue 21).
       */
      issueComment?: { issueId: string; body: string; author: string | null };
    }
  | { kind: 'invalid'; fields: FieldError[] };

/** `event` is `X-GitHub-Event`; `payload` the parsed JSON body; `now` stands in for missing times. */
export function parseWebhookEvent(event: string, payload: unknown, now: Date): ParsedEvent {
  const action = Action.safeParse(payload);
  if (!action.success) {
    return event === 'ping'
      ? { kind: 'ignored', reason: 'ping' }
      : { kind: 'ignored', reason: `${event} without action` };
  }
  const name = `${event}.${action.data.action}`;
  switch (name) {
    case 'pull_request_review.submitted':
      return parse(ReviewSubmitted, payload, name, (p) => ({
        type: 'feedback',
        repo: p.repository.full_name,
        number: p.pull_request.number,
        headSha: p.pull_request.head.sha,
        item: {
          kind: 'review',
          githubId: String(p.review.id),
          author: author(p.review.user, p.review.author_association),
          reviewState: p.review.state.toLowerCase(),
          body: p.review.body ?? '',
          url: p.review.html_url,
          commitId: p.review.commit_id,
          createdAt: p.review.submitted_at ?? now.toISOString(),
        },
      }));
    case 'pull_request_review_comment.created':
      return parse(ReviewCommentCreated, payload, name, (p) => ({
        type: 'feedback',
        repo: p.repository.full_name,
        number: p.pull_request.number,
        headSha: p.pull_request.head.sha,
        item: {
          kind: 'review_comment',
          githubId: String(p.comment.id),
          ...(p.comment.pull_request_review_id !== null
            ? { reviewId: String(p.comment.pull_request_review_id) }
            : {}),
          ...(p.comment.in_reply_to_id !== undefined ? { inReplyTo: String(p.comment.in_reply_to_id) } : {}),
          author: author(p.comment.user, p.comment.author_association),
          body: p.comment.body,
          url: p.comment.html_url,
          path: p.comment.path,
          ...(typeof p.comment.line === 'number' ? { line: p.comment.line } : {}),
          commitId: p.comment.commit_id,
          createdAt: p.comment.created_at,
        },
      }));
    case 'issue_comment.created':
      return parseIssueComment(payload, name);
    case 'check_suite.completed':
      return parse(CheckSuiteCompleted, payload, name, (p) => ({
        type: 'checks',
        repo: p.repository.full_name,
        headSha: p.check_suite.head_sha,
        headBranch: p.check_suite.head_branch,
        numbers: p.check_suite.pull_requests.map((pull) => pull.number),
      }));
    case 'check_run.completed':
      return parse(CheckRunCompleted, payload, name, (p) => ({
        type: 'checks',
        repo: p.repository.full_name,
        headSha: p.check_run.head_sha,
        headBranch: p.check_run.check_suite?.head_branch ?? null,
        numbers: p.check_run.pull_requests.map((pull) => pull.number),
      }));
    case 'workflow_run.completed':
      return parse(WorkflowRunCompleted, payload, name, (p) => ({
        type: 'checks',
        repo: p.repository.full_name,
        headSha: p.workflow_run.head_sha,
        headBranch: p.workflow_run.head_branch,
        numbers: p.workflow_run.pull_requests.map((pull) => pull.number),
      }));
    case 'pull_request.closed':
    case 'pull_request.reopened':
    case 'pull_request.synchronize':
    case 'pull_request.opened':
      return parse(PullRequestEvent, payload, name, (p) => {
        const on = { repo: p.repository.full_name, number: p.number, headSha: p.pull_request.head.sha };
        if (action.data.action === 'closed')
          return { ...on, type: 'closed', merged: p.pull_request.merged === true };
        if (action.data.action === 'reopened') return { ...on, type: 'reopened' };
        return { ...on, type: 'pushed' };
      });
    default:
      return { kind: 'ignored', reason: `${name} is not used` };
  }
}

function parseIssueComment(payload: unknown, name: string): ParsedEvent {
  const checked = IssueCommentCreated.safeParse(payload);
  if (!checked.success) return { kind: 'invalid', fields: fieldErrors(checked.error) };
  const p = checked.data;
  if (p.issue.pull_request === undefined || p.issue.pull_request === null) {
    return {
      kind: 'ignored',
      reason: 'comment on an issue, not a pull request',
      issueComment: {
        issueId: issueRef(p.repository.full_name, p.issue.number),
        body: p.comment.body,
        author: p.comment.user?.login ?? null,
      },
    };
  }
  const who: Author = {
    ...author(p.comment.user, p.comment.author_association),
    ...(p.comment.performed_via_github_app ? { viaAppId: p.comment.performed_via_github_app.id } : {}),
  };
  const on = { repo: p.repository.full_name, number: p.issue.number };
  const activity: PullRequestActivity = isGapFillCommand(p.comment.body)
    ? { ...on, type: 'command', commentId: p.comment.id, author: who, body: p.comment.body }
    : {
        ...on,
        type: 'feedback',
        item: {
          kind: 'comment',
          githubId: String(p.comment.id),
          author: who,
          body: p.comment.body,
          url: p.comment.html_url,
          createdAt: p.comment.created_at,
        },
      };
  return { kind: 'activity', activity, action: name };
}

function parse<S extends z.ZodType>(
  schema: S,
  payload: unknown,
  name: string,
  build: (value: z.output<S>) => PullRequestActivity,
): ParsedEvent {
  const checked = schema.safeParse(payload);
  if (!checked.success) return { kind: 'invalid', fields: fieldErrors(checked.error) };
  return { kind: 'activity', activity: build(checked.data), action: name };
}

/** A deleted account shows as `null` in payloads; GitHub shows it as "ghost". */
function author(user: z.output<typeof User>, association: string): Author {
  const login = user?.login ?? 'ghost';
  return { login, isBot: user ? isBotAccount({ login, type: user.type }) : false, association };
}
