import {
  gapAnalysisComment,
  GAP_ANALYSIS_MARKER,
  keepOrchestratorSection,
  normalizeGapAnalysis,
} from '../gap-analysis.ts';
import { StepFailure, type StepOutcome } from '../pipeline.ts';
import { gapAnalysisPrompt } from '../prompts.ts';
import type { RunContext } from '../run-context.ts';
import { defineStep, NO_OPTIONS } from './step-module.ts';
import { agentPass, models, passOutput } from './agent-pass.ts';
import { diffSince } from './diff.ts';
import { requireGitHub } from './open-pr.ts';

/** Reading a diff against a ticket takes a few turns, not an implementation's worth. */
const GAP_ANALYSIS_MAX_TURNS = 10;

/**
 * The gap analysis (seed 003 step 6): a read-only pass with the lighter model compares the
 * ticket with the whole pull request's diff, and its three sections become one PR comment —
 * created the first time, updated in place by later runs (found by its hidden marker). A
 * failure here is reported but does not fail the run: the pull request is open and useful.
 */
export async function gapAnalysis(ctx: RunContext): Promise<StepOutcome> {
  const github = requireGitHub(ctx);
  const pull = ctx.state.pull;
  if (!pull) throw new StepFailure('no pull request to analyse (open-pr did not run)');
  try {
    const base = `origin/${ctx.state.baseBranch ?? pull.baseRef}`;
    const mergeBase = (await ctx.git.run(['merge-base', base, 'HEAD'])).trim();
    const diff = await diffSince(ctx, mergeBase);
    const model = models(ctx).gapAnalysis;
    const outcome = await agentPass(ctx, {
      label: 'gap-analysis',
      prompt: gapAnalysisPrompt(ctx, diff.text),
      model,
      mode: 'read-only',
      maxTurns: Math.min(ctx.caps.maxTurns, GAP_ANALYSIS_MAX_TURNS),
    });
    const { sections, markdown } = normalizeGapAnalysis(outcome.text);
    const body = gapAnalysisComment({
      identifier: ctx.payload.issue.identifier,
      sectionsMarkdown: markdown,
      phase: ctx.payload.phase,
      dispatchId: ctx.payload.dispatchId,
      model,
      at: new Date(),
    });
    const comment = await github.upsertMarkedComment(pull.number, GAP_ANALYSIS_MARKER, (previous) =>
      keepOrchestratorSection(previous, body),
    );
    ctx.state.gapCommentUrl = comment.url;
    return {
      output: {
        ...passOutput('gap-analysis', outcome),
        commentUrl: comment.url,
        created: comment.created,
        sections: Object.keys(sections),
        diffFiles: diff.files,
      },
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.state.notes.push(`The gap analysis could not be posted: ${message}`);
    return { status: 'failed', output: { error: message } };
  }
}

export default defineStep({
  id: 'gap-analysis',
  description: 'Posts the gap analysis comment on the pull request',
  options: NO_OPTIONS,
  run: (ctx) => gapAnalysis(ctx),
});
