import { skipped, type StepOutcome } from '../pipeline.ts';
import { reviewPrompt } from '../prompts.ts';
import type { RunContext } from '../run-context.ts';
import { z } from 'zod';
import { defineStep } from './step-module.ts';
import { agentPass, models, passOutput } from './agent-pass.ts';
import { restoreCheckpoint } from './checkpoint.ts';
import { diffSince } from './diff.ts';

/** A review pass needs fewer turns than an implementation pass: it reads and judges. */
const REVIEW_MAX_TURNS = 20;

/**
 * The review pass of an iteration: a read-only agent judges the change against the ticket and
 * ends with `VERDICT: APPROVE` or `VERDICT: REQUEST_CHANGES`; the requested changes feed the
 * next iteration. Skipped while verify fails (the next pass fixes that first). An answer without
 * a verdict counts as "changes requested", with the answer as the request.
 */
export async function review(ctx: RunContext, maxTurns = REVIEW_MAX_TURNS): Promise<StepOutcome> {
  if (ctx.state.verifyPassed === false) return skipped('verify failed; the next iteration fixes that first');
  const diff = await diffSince(ctx, ctx.state.startSha ?? 'HEAD');
  const outcome = await agentPass(ctx, {
    label: 'review',
    prompt: reviewPrompt(ctx, diff.text),
    model: models(ctx).review,
    mode: 'read-only',
    maxTurns: Math.min(ctx.caps.maxTurns, maxTurns),
  });
  const reverted = await restoreCheckpoint(ctx);
  const verdicts = [...outcome.text.matchAll(/^\s*\**VERDICT:?\**\s*(APPROVE|REQUEST_CHANGES)\b/gim)];
  const verdict = verdicts.at(-1)?.[1]?.toUpperCase();
  ctx.state.reviewApproved = verdict === 'APPROVE';
  ctx.state.reviewNotes = ctx.state.reviewApproved
    ? ''
    : outcome.text.replace(/^\s*\**VERDICT:.*$/gim, '').trim() || 'The review gave no verdict.';
  return {
    output: {
      ...passOutput('review', outcome),
      verdict: verdict ?? 'none',
      ...(ctx.state.reviewApproved ? {} : { requested: ctx.state.reviewNotes.slice(0, 2_000) }),
      ...(reverted.length > 0 ? { revertedFiles: reverted } : {}),
    },
  };
}

export default defineStep({
  id: 'review',
  description: 'A read-only review pass that approves or requests changes',
  /** `maxTurns`: the review pass's turn cap (never above the run's maxTurns). */
  options: z.object({ maxTurns: z.number().int().positive().max(1000).default(REVIEW_MAX_TURNS) }).strict(),
  run: (ctx, options) => review(ctx, options.maxTurns),
});
