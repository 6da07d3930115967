import { ciFailureMarkdown } from '../ci-failure-text.ts';
import { GAP_ANALYSIS_MARKER } from '../gap-analysis.ts';
import { skipped, type StepOutcome } from '../pipeline.ts';
import { parseWorkUnits, planAsMarkdown, planFromComments } from '../planning-output.ts';
import type { RunContext } from '../run-context.ts';
import { defineStep, NO_OPTIONS } from './step-module.ts';

/** A person's comment older than this many characters is cut in the prompt. */
const MAX_FEEDBACK_CHARS = 4_000;

/**
 * Reads what the prompt needs besides the ticket (seed 003 steps 5, 8, 9): the newest planning
 * comments on the ticket (and their Work Units), the pull request's last gap analysis for a
 * gap-fill run, the people's comments on it for a review-fix run. What cannot be read is a
 * warning in the output, not a failure: the run can still do useful work without it.
 */
export async function loadContext(ctx: RunContext): Promise<StepOutcome> {
  const { phase } = ctx.payload;
  if (phase === 'planning') return skipped('planning runs read only the ticket');
  const warnings: string[] = [];
  const output: Record<string, unknown> = {};

  const access = ctx.ticket;
  if (access.client) {
    const client = access.client;
    try {
      const plan = planFromComments(await client.listComments());
      ctx.state.planningContext = planAsMarkdown(
        plan.filter((section) => section.slug !== 'work-units' || phase === 'implementation'),
      );
      output.planningSections = plan.map((section) => section.title);
      const workUnits = plan.find((section) => section.slug === 'work-units');
      if (workUnits && phase === 'implementation') {
        const { units, problem } = parseWorkUnits(workUnits.body);
        ctx.state.workUnits = units;
        output.workUnits = units.map((unit) => unit.id);
        if (problem) warnings.push(`${problem}; implementing in a single pass`);
      }
    } catch (error) {
      warnings.push(`could not read the planning comments: ${(error as Error).message}`);
    }
  } else {
    warnings.push(`planning comments not read: ${access.reason}`);
  }

  const number = ctx.payload.pullRequest?.number;
  if (number !== undefined && ctx.github) {
    try {
      const comments = await ctx.github.listComments(number);
      if (phase === 'ci-fix') {
        // The failure comes in the payload (issue 17); the PR's comments are for review-fix.
        ctx.state.feedback = ciFailureMarkdown(ctx.payload.ciFailure);
        output.failedChecks = ctx.payload.ciFailure?.checks.map((check) => check.name) ?? [];
      } else if (phase === 'gap-fill') {
        const previous = comments.find((c) => c.authorType === 'Bot' && c.body.includes(GAP_ANALYSIS_MARKER));
        ctx.state.priorGaps = previous?.body.replace(GAP_ANALYSIS_MARKER, '').trim() ?? '';
        output.previousGapAnalysis = Boolean(previous);
      } else {
        // The orchestrator announces each review-fix pass on the PR with the feedback it takes
        // (reviews and inline comments included); people's PR comments add their full text.
        const announcement = comments.find((c) =>
          c.body.includes(`<!-- ai-implement:follow-up dispatch=${ctx.payload.dispatchId} -->`),
        );
        const people = comments.filter((c) => c.authorType !== 'Bot' && !/^\s*\/ai-implement\b/.test(c.body));
        ctx.state.feedback = [
          ...(announcement ? [announcement.body.replace(/<!--[\s\S]*?-->/g, '').trim()] : []),
          ...people.map((c) => `- @${c.author} (${c.createdAt}): ${c.body.slice(0, MAX_FEEDBACK_CHARS)}`),
        ].join('\n\n');
        output.feedbackComments = people.length;
        output.announcement = Boolean(announcement);
      }
    } catch (error) {
      warnings.push(`could not read the pull request's comments: ${(error as Error).message}`);
    }
  }
  for (const warning of warnings) ctx.log.warn(warning);
  return { output: { ...output, ...(warnings.length > 0 ? { warnings } : {}) } };
}

export default defineStep({
  id: 'context',
  description: 'Reads the planning comments, prior gaps and review or CI feedback',
  options: NO_OPTIONS,
  run: (ctx) => loadContext(ctx),
});
