import { getFeedback, insertFeedback, setFeedbackStatus } from '../../store/pull-request-feedback.ts';
import { findPullRequest } from '../../store/pull-requests.ts';
import type { Author } from './activity.ts';
import { settleClosedPullRequest } from './close-pull-request.ts';
import { readLive } from './dispatch-pending.ts';
import { feedbackFingerprint, TRUSTED_ASSOCIATIONS } from './feedback-rules.ts';
import { isOwn } from './ingest-feedback.ts';
import type { LoopDeps } from './loop-deps.ts';
import { requestFollowUp } from './request-follow-up.ts';

/** A request for a gap-fill run: `/trigger/gap-fill` (CONTRACTS.md §6) or an `/ai-implement` comment. */
export interface GapFillRequest {
  /** `owner/repo`. */
  repo: string;
  number: number;
  /** The `/ai-implement` comment; the same comment seen twice (webhook and trigger) runs once. */
  commentId?: number;
  /** Login of the commenter, as the trigger names it. */
  commenter?: string;
  /** The commenter as the webhook describes them (bot flag, association); absent for the trigger. */
  author?: Author;
  body?: string;
}

export type GapFillOutcome =
  | { status: 'dispatched'; dispatchId: string; duplicate: boolean }
  | { status: 'skipped'; reason: string; detail: string }
  | { status: 'not_found'; detail: string };

/**
 * Dispatches a `gap-fill` run on a PR the orchestrator opened, through the admission gate.
 * Refused without a run: PRs it did not open (`not_found`), merged or closed PRs, requests by
 * bots (the orchestrator's own comments included) and, through the webhook, by people without a
 * role in the repository — comment-trigger.yml runs inside the repository and is trusted to
 * have checked its commenter. One `/ai-implement` comment starts at most one run: the second
 * arrival (the webhook and comment-trigger.yml both report it) answers with the first's
 * dispatch.
 */
export async function requestGapFill(deps: LoopDeps, request: GapFillRequest): Promise<GapFillOutcome> {
  const { ctx } = deps;
  const pr = await findPullRequest(ctx.db, request.repo, request.number);
  if (!pr) {
    return {
      status: 'not_found',
      detail: `${request.repo}#${request.number} is not a pull request AI-Implement opened`,
    };
  }
  const { repo, number } = pr;
  if (pr.state !== 'open') return skip('pr_not_open', `${repo}#${number} is ${pr.state}`);
  const login = request.author?.login ?? request.commenter;
  if ((login && /\[bot\]$/i.test(login)) || request.author?.isBot) {
    if (request.author && (await isOwn(deps, request.author, request.body ?? ''))) {
      return skip('own_comment', 'the comment is AI-Implement’s own');
    }
    return skip('bot', 'bots cannot ask for runs');
  }
  if (request.author && !TRUSTED_ASSOCIATIONS.has(request.author.association.toUpperCase())) {
    return skip(
      'not_a_collaborator',
      `@${request.author.login} has no role in ${repo} (${request.author.association.toLowerCase()})`,
    );
  }

  const commandId = request.commentId !== undefined ? `command:${request.commentId}` : undefined;
  if (commandId) {
    const now = ctx.clock().toISOString();
    const body = request.body ?? '/ai-implement';
    const fresh = await insertFeedback(ctx.db, {
      id: commandId,
      repo,
      pr_number: number,
      kind: 'command',
      github_id: String(request.commentId),
      review_id: null,
      author: login ?? 'unknown',
      author_kind: 'person',
      review_state: null,
      body,
      url: `https://github.com/${repo}/pull/${number}#issuecomment-${request.commentId}`,
      path: null,
      line: null,
      commit_id: null,
      fingerprint: feedbackFingerprint(body),
      triggers: 0,
      status: 'pending',
      note: 'gap-fill request',
      dispatch_id: null,
      created_at: now,
      received_at: now,
      settled_at: null,
    });
    if (!fresh) {
      const seen = await getFeedback(ctx.db, commandId);
      if (seen?.dispatch_id) return { status: 'dispatched', dispatchId: seen.dispatch_id, duplicate: true };
      return skip('already_handled', seen?.note ?? `comment ${request.commentId} was handled before`);
    }
  }

  const live = await readLive(deps, repo, number);
  if (live?.state === 'closed') {
    await settleClosedPullRequest(deps, pr, live.merged);
    return skip('pr_not_open', `${repo}#${number} is ${live.merged ? 'merged' : 'closed'}`);
  }
  const outcome = await requestFollowUp(deps, pr, {
    phase: 'gap-fill',
    branch: live?.headRef,
    requestedBy: login,
  });
  if (outcome.status === 'dispatched') {
    return { status: 'dispatched', dispatchId: outcome.dispatchId, duplicate: false };
  }
  if (commandId) {
    await setFeedbackStatus(ctx.db, commandId, {
      status: 'ignored',
      note: `not run: ${outcome.detail}`,
      at: ctx.clock(),
    });
  }
  return outcome;
}

function skip(reason: string, detail: string): GapFillOutcome {
  return { status: 'skipped', reason, detail };
}
