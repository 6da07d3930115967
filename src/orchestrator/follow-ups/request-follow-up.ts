import type { Refusal } from '../../domain/admission.ts';
import type { CiFailure } from '../../domain/ci-failure.ts';
import { describeError } from '../../domain/errors.ts';
import { capacityBucket } from '../../domain/mapping.ts';
import { isTerminal, type Ticket, type TicketingProviderName } from '../../domain/ticket.ts';
import { upsertBlocker } from '../../store/blockers.ts';
import { latestDispatchForIssue, listDispatchesOfPullRequest } from '../../store/dispatches.ts';
import { getMapping } from '../../store/mappings.ts';
import { claimFeedback, listFeedbackOfPullRequest } from '../../store/pull-request-feedback.ts';
import { pullRequestKey, type PullRequestRow } from '../../store/pull-requests.ts';
import type { OrchestratorContext } from '../context.ts';
import { requestRun } from '../request-run.ts';
import { followUpBudget, followUpRunsUsed } from './follow-up-policy.ts';
import { handOver } from './hand-over.ts';
import type { LoopDeps } from './loop-deps.ts';

/** What asking for a follow-up run came to. */
export type FollowUpOutcome =
  | { status: 'dispatched'; dispatchId: string; runsUsed: number; budget: number }
  | { status: 'skipped'; reason: string; detail: string };

export interface FollowUpRequest {
  phase: 'gap-fill' | 'review-fix' | 'ci-fix';
  /** The PR's current head branch, when GitHub was asked; the recorded branch otherwise. */
  branch?: string;
  /** Who asked, for the PR comment: `@login` of a `/ai-implement` comment or a trigger. */
  requestedBy?: string;
  /** ci-fix: the failure the run's payload carries (issue 17). */
  ciFailure?: CiFailure;
  /** Lines the PR comment announcing the run adds (ci-fix: the failed checks). */
  announce?: string[];
}

/**
 * Asks the admission gate for one follow-up run on `pr` — the same `requestRun` path as the
 * poll, with the PR's budget — and, when it is dispatched, gives the run every feedback item
 * waiting on the PR and says so on the PR. The run continues the PR's job (same `jobId`), so
 * the dispatch log shows it under the ticket's job.
 *
 * Skips (never throws for) a missing mapping, a ticket that is gone or closed, and every gate
 * refusal; a `pr_budget` refusal hands the PR to a person. Other refusals are recorded as a
 * blocker so the operator sees why the feedback waits.
 */
export async function requestFollowUp(
  deps: LoopDeps,
  pr: PullRequestRow,
  request: FollowUpRequest,
): Promise<FollowUpOutcome> {
  const { ctx } = deps;
  const mapping = await getMapping(ctx.db, pr.team_key);
  if (!mapping) {
    return skipped('no_mapping', `no project mapping ${pr.team_key} for ${pr.repo} any more`);
  }
  const key = pullRequestKey(pr.repo, pr.number);
  const runsUsed = followUpRunsUsed(await listDispatchesOfPullRequest(ctx.db, key));
  const budget = followUpBudget(mapping);
  const loaded = await loadTicket(ctx, pr);
  if ('missing' in loaded) return skipped('ticket_unavailable', loaded.missing);

  const outcome = await requestRun(ctx, {
    kind: request.phase,
    phase: request.phase,
    ticket: loaded.ticket,
    mapping,
    jobId: pr.job_id,
    pullRequest: { key, number: pr.number, branch: request.branch ?? pr.branch, runsUsed, budget },
    ...(request.ciFailure ? { ciFailure: request.ciFailure } : {}),
  });
  if (outcome.status === 'failed') {
    return skipped('dispatch_failed', outcome.error);
  }
  if (outcome.status === 'refused') {
    await noteRefusal(deps, pr, loaded.ticket, outcome.refusal);
    return skipped(outcome.refusal.reason, outcome.refusal.detail);
  }
  // A ci-fix run repairs checks; the review feedback waiting on the PR stays for a review-fix pass.
  if (request.phase !== 'ci-fix') await claimFeedback(ctx.db, pr.repo, pr.number, outcome.dispatchId);
  await announce(deps, pr, request, outcome.dispatchId, runsUsed + 1, budget);
  return { status: 'dispatched', dispatchId: outcome.dispatchId, runsUsed: runsUsed + 1, budget };
}

function skipped(reason: string, detail: string): FollowUpOutcome {
  return { status: 'skipped', reason, detail };
}

async function noteRefusal(deps: LoopDeps, pr: PullRequestRow, ticket: Ticket, refusal: Refusal) {
  if (refusal.reason === 'pr_budget') {
    await handOver(deps, pr, refusal.detail);
    return;
  }
  const mapping = await getMapping(deps.ctx.db, pr.team_key);
  await upsertBlocker(deps.ctx.db, {
    issue_id: ticket.id,
    issue_identifier: ticket.identifier,
    issue_title: ticket.title,
    issue_url: ticket.url,
    team_key: pr.team_key,
    bucket: mapping ? capacityBucket(mapping, ticket.teamKey) : pr.team_key,
    reason: refusal.reason,
    detail: `follow-up on ${pr.repo}#${pr.number} waits: ${refusal.detail}`,
    recorded_at: deps.ctx.clock().toISOString(),
  });
}

/**
 * The ticket a follow-up run carries in its payload. Read from the tracker for a current
 * description; when the tracker cannot be reached, the ledger's copy (identifier, title, url)
 * stands in with a description saying so — a review-fix works from the PR and its feedback, and
 * a tracker outage should not stall it. A ticket the tracker says is gone, done or cancelled
 * gets no more runs: the reconcile step would stop such a run anyway.
 */
export async function loadTicket(
  ctx: OrchestratorContext,
  pr: PullRequestRow,
): Promise<{ ticket: Ticket } | { missing: string }> {
  const latest = await latestDispatchForIssue(ctx.db, pr.issue_id);
  const providerName = (latest?.ticketing_provider ?? 'linear') as TicketingProviderName;
  const provider = ctx.ticketing.get(providerName);
  try {
    if (!provider) throw new Error(`${providerName} is not configured`);
    const ticket = (await provider.getTickets([pr.issue_id])).get(pr.issue_id);
    if (!ticket) return { missing: `${pr.issue_identifier} no longer exists in ${providerName}` };
    if (isTerminal(ticket.stateType)) {
      return { missing: `${pr.issue_identifier} is ${ticket.stateName}; closed tickets get no more runs` };
    }
    return { ticket };
  } catch (error) {
    ctx.logger.warn(
      { issue: pr.issue_identifier, err: describeError(error) },
      'tracker unavailable; the follow-up run carries the ticket as the ledger knows it',
    );
    return {
      ticket: {
        id: pr.issue_id,
        identifier: pr.issue_identifier,
        title: latest?.issue_title ?? pr.issue_identifier,
        url: pr.issue_url,
        stateType: 'started',
        provider: providerName,
        description: `(AI-Implement could not read this ticket from ${providerName} when it dispatched this run: ${describeError(error)}. Work from the pull request, its review feedback and the gap analysis.)`,
        teamKey: pr.team_key,
        stateName: 'unknown',
        priority: latest?.priority ?? 0,
        createdAt: latest?.created_at ?? pr.created_at,
        markers: [],
        dependencies: [],
        parent: undefined,
        siblings: [],
      },
    };
  }
}

/** Tells the PR what the run will look at, so reviewers see their feedback was picked up. */
async function announce(
  deps: LoopDeps,
  pr: PullRequestRow,
  request: FollowUpRequest,
  dispatchId: string,
  run: number,
  budget: number,
): Promise<void> {
  if (!deps.host) return;
  const items = (await listFeedbackOfPullRequest(deps.ctx.db, pr.repo, pr.number)).filter(
    (item) => item.dispatch_id === dispatchId && item.kind !== 'command',
  );
  const lines = [
    `<!-- ai-implement:follow-up dispatch=${dispatchId} -->`,
    `AI-Implement started a **${request.phase}** pass on this pull request` +
      (request.requestedBy ? ` (asked by @${request.requestedBy})` : '') +
      ` — follow-up run ${run} of ${budget}.`,
  ];
  if (items.length > 0) {
    lines.push('', 'Feedback it will address:');
    for (const item of items) lines.push(`- ${describeItem(item)}`);
  }
  if (request.announce && request.announce.length > 0) lines.push('', ...request.announce);
  try {
    await deps.host.createComment(pr.repo, pr.number, lines.join('\n'));
  } catch (error) {
    deps.ctx.logger.warn(
      { pr: `${pr.repo}#${pr.number}`, err: describeError(error) },
      'could not comment on the pull request',
    );
  }
}

/** `[review by @alice](url): first line…`, for PR comments. */
export function describeItem(item: {
  kind: string;
  author: string;
  url: string;
  body: string;
  path: string | null;
}): string {
  const what =
    item.kind === 'review'
      ? 'review'
      : item.kind === 'review_comment'
        ? `comment on ${item.path ?? 'the diff'}`
        : 'comment';
  const first = item.body.split('\n').find((line) => line.trim() !== '') ?? '';
  // A zero-width space after "@" keeps the quote from notifying the people and teams it names again.
  const quoted = first.replace(/@(?=[A-Za-z0-9])/g, '@\u200b');
  const excerpt = quoted.length > 100 ? `${quoted.slice(0, 97)}…` : quoted;
  return `[${what} by @${item.author}](${item.url})${excerpt ? `: ${excerpt.trim()}` : ''}`;
}
