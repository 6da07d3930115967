import type { Marker } from '../../domain/markers.ts';
import { skipped, type StepOutcome } from '../pipeline.ts';
import { planComment } from '../planning-output.ts';
import type { RunContext } from '../run-context.ts';
import { defineStep, NO_OPTIONS } from './step-module.ts';

/** A failure reason longer than this is cut in the ticket comment; the logs keep it whole. */
const MAX_REASON_CHARS = 2_000;

/**
 * Tells the ticket how the run went, before the result is reported (seed 003 steps 3 and 7):
 * - planning: the plan's sections as up to four comments, then `Plan-Complete`;
 * - implementation, gap-fill, review-fix: a comment with the PR link, then `Ready for Review`;
 * - ci-fix: the same comment, then `CI Fixing` until the orchestrator sees the checks pass;
 * - a failed run: a comment naming the step and the reason, then the failure marker — so the
 *   ticket is never left marked as working.
 * Runs whatever happened before. When the plan cannot be posted, the planning run fails (the plan
 * is its product); other ticket errors are reported and leave the outcome as it was.
 */
export async function updateTicket(ctx: RunContext): Promise<StepOutcome> {
  const access = ctx.ticket;
  if (!access.client) return skipped(access.reason);
  const ticket = access.client;
  const { phase } = ctx.payload;
  const failure = ctx.state.failure;
  if (failure) {
    const reason = failure.message.slice(0, MAX_REASON_CHARS);
    await ticket.postComment(`AI-Implement's ${phase} run failed at step \`${failure.step}\`:\n\n${reason}`);
    const marker: Marker = phase === 'planning' ? 'planningFailed' : 'failed';
    await ticket.setMarker(marker);
    return { output: { comments: 1, marker } };
  }
  if (phase === 'planning') {
    try {
      for (const section of ctx.state.planSections) await ticket.postComment(planComment(section));
    } catch (error) {
      ctx.state.failure = {
        step: 'update-ticket',
        message: `could not post the plan: ${(error as Error).message}`,
      };
      await ticket.setMarker('planningFailed').catch(() => undefined);
      throw error;
    }
    await ticket.setMarker('planComplete');
    return { output: { comments: ctx.state.planSections.length, marker: 'planComplete' } };
  }
  const pull = ctx.state.pull;
  const lines = [
    phase === 'implementation'
      ? `AI-Implement opened a pull request for review: ${pull?.url ?? '(unknown)'}`
      : `AI-Implement's ${phase} run ${ctx.state.pushed ? 'pushed new commits to' : 'found nothing new to push to'} ${pull?.url ?? 'the pull request'}`,
  ];
  if (ctx.state.gapCommentUrl) lines.push(`Gap analysis: ${ctx.state.gapCommentUrl}`);
  await ticket.postComment(lines.join('\n\n'));
  // A ci-fix push is not green yet: the orchestrator moves the ticket on when the checks pass.
  const marker: Marker = phase === 'ci-fix' ? 'ciFixing' : 'readyForReview';
  await ticket.setMarker(marker);
  return { output: { comments: 1, marker } };
}

export default defineStep({
  id: 'update-ticket',
  description: 'Posts the outcome to the ticket and sets its marker',
  options: NO_OPTIONS,
  run: (ctx) => updateTicket(ctx),
});
