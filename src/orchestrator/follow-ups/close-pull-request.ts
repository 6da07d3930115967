import { describeError } from '../../domain/errors.ts';
import type { Marker } from '../../domain/markers.ts';
import type { TicketingProviderName } from '../../domain/ticket.ts';
import { latestDispatchForIssue } from '../../store/dispatches.ts';
import { closeFeedbackOfPullRequest } from '../../store/pull-request-feedback.ts';
import { closePullRequest, type PullRequestRow } from '../../store/pull-requests.ts';
import type { TicketRef } from '../../ticketing/types.ts';
import type { LoopDeps } from './loop-deps.ts';

/** The lifecycle markers a merged ticket no longer needs (CONTRACTS.md §2). */
const CLEARED_ON_MERGE: Marker[] = ['ready', 'working', 'ciFixing', 'readyForReview', 'failed'];

/**
 * The PR was closed on GitHub. Either way its job is closed: the PR is recorded `merged` or
 * `closed`, waiting feedback is dropped, and no follow-up runs on it again.
 * - Merged: the ticket is moved to its done state (`markDone`) and its AI markers are cleared.
 * - Closed without merge: the ticket is left as it is for a person, with a comment saying what
 *   happened and how to start again.
 * Returns `already_closed` when the close was handled before (a redelivery). Tracker errors are
 * logged and reported in the outcome; the PR stays closed in the ledger either way.
 */
export async function settleClosedPullRequest(
  deps: LoopDeps,
  pr: PullRequestRow,
  merged: boolean,
): Promise<string> {
  const { ctx } = deps;
  const now = ctx.clock();
  if (
    !(await closePullRequest(ctx.db, pr.repo, pr.number, { state: merged ? 'merged' : 'closed', at: now }))
  ) {
    return 'already_closed';
  }
  await closeFeedbackOfPullRequest(ctx.db, pr.repo, pr.number, now);
  const log = ctx.logger.child({ pr: `${pr.repo}#${pr.number}`, issue: pr.issue_identifier });
  log.info(merged ? 'pull request merged; closing the job' : 'pull request closed without merge');

  const latest = await latestDispatchForIssue(ctx.db, pr.issue_id);
  const provider = ctx.ticketing.get((latest?.ticketing_provider ?? 'linear') as TicketingProviderName);
  const ticket: TicketRef = { id: pr.issue_id, identifier: pr.issue_identifier, teamKey: pr.team_key };
  if (!provider) return merged ? 'merged; ticket provider not configured' : 'closed';
  try {
    if (!merged) {
      await provider.postComment(
        ticket,
        `Pull request ${pr.url} was closed without merging. AI-Implement has stopped working on it; ` +
          'add the AI-Implement marker again for a fresh run.',
      );
      return 'closed';
    }
    if (provider.markDone) {
      await provider.markDone(ticket);
    } else {
      await provider.postComment(
        ticket,
        `Pull request ${pr.url} was merged. Move this ticket to done: AI-Implement cannot do it for ${provider.name} yet.`,
      );
    }
    const current = (await provider.getTickets([pr.issue_id])).get(pr.issue_id);
    for (const marker of CLEARED_ON_MERGE) {
      if (current?.markers.includes(marker)) await provider.clearMarker(ticket, marker);
    }
    return 'merged; ticket done';
  } catch (error) {
    log.error(
      { err: describeError(error) },
      `could not update ${pr.issue_identifier} after the PR closed; update the ticket by hand`,
    );
    return `${merged ? 'merged' : 'closed'}; ticket update failed: ${describeError(error)}`;
  }
}
