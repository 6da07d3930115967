import { isInFlight, type DispatchStatus } from '../../domain/phases.ts';
import { getDispatch } from '../../store/dispatches.ts';
import {
  dispatchOfReview,
  insertFeedback,
  listAddressedFingerprints,
  type FeedbackRow,
} from '../../store/pull-request-feedback.ts';
import type { PullRequestRow } from '../../store/pull-requests.ts';
import type { Author, FeedbackItem } from './activity.ts';
import {
  feedbackFingerprint,
  isOrchestratorText,
  judgeFeedback,
  TRUSTED_ASSOCIATIONS,
} from './feedback-rules.ts';
import type { LoopDeps } from './loop-deps.ts';

/** What storing one piece of feedback did. */
export type IngestOutcome =
  | 'own_feedback'
  | 'already_stored'
  | 'queued'
  | 'rides_along'
  | 'joined_running_pass'
  | 'ignored'
  | 'duplicate'
  | 'stale';

/**
 * Stores one piece of feedback on an open PR the orchestrator owns, and decides whether it may
 * start a run (CONTRACTS.md §7):
 * - the orchestrator's own comments (its App, its bot login, its hidden marker) are not stored;
 * - feedback already stored (same GitHub id: a redelivery) changes nothing;
 * - text equal to feedback an earlier pass took is a `duplicate`;
 * - an inline comment of a review a running pass already took joins that pass;
 * - actionable feedback by a person with a role in the repository `queued` — it starts a run;
 * - a bot's actionable *review* of the PR's current head is queued too (checked again at
 *   dispatch); a bot's review of an older head is `stale`; any other bot feedback, and feedback
 *   by people without a role in the repository, `rides_along` with the next run but never
 *   starts one;
 * - feedback that asks for nothing (approvals, praise, nits) is stored as `ignored`, so review
 *   providers that approve still count as having posted.
 */
export async function ingestFeedback(
  deps: LoopDeps,
  pr: PullRequestRow,
  item: FeedbackItem,
  headSha: string | undefined,
): Promise<IngestOutcome> {
  const { ctx } = deps;
  if (await isOwn(deps, item.author, item.body)) return 'own_feedback';
  const now = ctx.clock();
  const fingerprint = feedbackFingerprint(item.body, item.path, item.line);
  // A reply in a review thread is conversation ("done", "good catch") unless it asks for something.
  const verdict = judgeFeedback(item.inReplyTo ? 'comment' : item.kind, item.body, item.reviewState);
  const placed = await place(deps, pr, item, fingerprint, verdict.actionable, verdict.reason, headSha);
  const row: FeedbackRow = {
    id: `${item.kind}:${item.githubId}`,
    repo: pr.repo,
    pr_number: pr.number,
    kind: item.kind,
    github_id: item.githubId,
    review_id: item.reviewId ?? null,
    author: item.author.login,
    author_kind: item.author.isBot ? 'bot' : 'person',
    review_state: item.reviewState ?? null,
    body: item.body,
    url: item.url,
    path: item.path ?? null,
    line: item.line ?? null,
    commit_id: item.commitId ?? null,
    fingerprint,
    triggers: placed.outcome === 'queued' ? 1 : 0,
    status: placed.status,
    note: placed.note,
    dispatch_id: placed.dispatchId ?? null,
    created_at: item.createdAt,
    received_at: now.toISOString(),
    settled_at: null,
  };
  if (!(await insertFeedback(ctx.db, row))) return 'already_stored';
  return placed.outcome;
}

interface Placement {
  outcome: IngestOutcome;
  status: string;
  note: string | null;
  dispatchId?: string;
}

async function place(
  deps: LoopDeps,
  pr: PullRequestRow,
  item: FeedbackItem,
  fingerprint: string,
  actionable: boolean,
  reason: string,
  headSha: string | undefined,
): Promise<Placement> {
  const { db } = deps.ctx;
  if (pr.handed_over_at) {
    return { outcome: 'ignored', status: 'ignored', note: 'the PR was handed to a person' };
  }
  if (!actionable) return { outcome: 'ignored', status: 'ignored', note: reason };
  if ((await listAddressedFingerprints(db, pr.repo, pr.number)).has(fingerprint)) {
    return {
      outcome: 'duplicate',
      status: 'duplicate',
      note: 'an earlier pass already took the same feedback',
    };
  }
  // A review arrives as one review event plus one event per inline comment, in any order: the
  // parts that come after a pass took the first part belong to that pass, not to a new one.
  const reviewId = item.kind === 'review' ? item.githubId : item.reviewId;
  if (reviewId) {
    const dispatchId = await dispatchOfReview(db, pr.repo, reviewId);
    const dispatch = dispatchId ? await getDispatch(db, dispatchId) : undefined;
    if (dispatch && isInFlight(dispatch.status as DispatchStatus)) {
      return {
        outcome: 'joined_running_pass',
        status: 'claimed',
        note: 'part of a review a running pass took',
        dispatchId: dispatch.id,
      };
    }
  }
  if (item.author.isBot) {
    if (item.kind !== 'review') {
      return {
        outcome: 'rides_along',
        status: 'pending',
        note: 'bot comment: rides along, never starts a run',
      };
    }
    const head = headSha ?? pr.head_sha ?? undefined;
    if (!item.commitId || !head || item.commitId !== head) {
      return { outcome: 'stale', status: 'stale', note: 'bot review of a commit that is no longer the head' };
    }
    return { outcome: 'queued', status: 'pending', note: reason };
  }
  if (!TRUSTED_ASSOCIATIONS.has(item.author.association.toUpperCase())) {
    return {
      outcome: 'rides_along',
      status: 'pending',
      note: `author is ${item.author.association.toLowerCase()} of the repository: rides along, never starts a run`,
    };
  }
  return { outcome: 'queued', status: 'pending', note: reason };
}

/** The orchestrator's own words: made through its App, by its bot login, or carrying its marker. */
export async function isOwn(deps: LoopDeps, author: Author, body: string): Promise<boolean> {
  if (isOrchestratorText(body)) return true;
  if (deps.appId !== undefined && author.viaAppId === deps.appId) return true;
  if (!author.isBot || !deps.host) return false;
  const login = await deps.host.botLogin();
  return login !== undefined && login.toLowerCase() === author.login.toLowerCase();
}
