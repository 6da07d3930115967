import { StepFailure, type StepOutcome } from '../pipeline.ts';
import { parseWorkUnits, splitPlanSections } from '../planning-output.ts';
import { planningPrompt } from '../prompts.ts';
import type { RunContext } from '../run-context.ts';
import { defineStep, NO_OPTIONS } from './step-module.ts';
import { models, passOutput } from './agent-pass.ts';
import { conversationPass } from './conversation.ts';
import { restoreCheckpoint } from './checkpoint.ts';

/** Each section in the step's output is cut here; the ticket gets the whole text. */
const OUTPUT_SECTION_CHARS = 4_000;

/**
 * The planning pass (seed 003 step 3): Claude reads the code read-only, guided by PLANNING.md,
 * and answers with up to four sections, which `update-ticket` posts as ticket comments. The
 * sections are also in this step's output, so the admin UI shows the plan without the tracker.
 */
export async function plan(ctx: RunContext): Promise<StepOutcome> {
  const outcome = await conversationPass(ctx, {
    label: 'plan',
    prompt: planningPrompt(ctx),
    model: models(ctx).main,
    mode: 'read-only',
    maxTurns: ctx.caps.maxTurns,
  });
  // Planning is read only; anything the pass changed anyway is dropped.
  const reverted = await restoreCheckpoint(ctx);
  const sections = splitPlanSections(outcome.text);
  if (sections.length === 0) throw new StepFailure('the planning pass answered with no plan');
  ctx.state.planSections = sections;
  const units = sections.find((section) => section.slug === 'work-units');
  const workUnits = units ? parseWorkUnits(units.body) : { units: [] };
  ctx.state.notes.push(`Planning produced: ${sections.map((section) => section.title).join(', ')}.`);
  return {
    output: {
      ...passOutput('plan', outcome),
      sections: sections.map((section) => ({
        title: section.title,
        body: section.body.slice(0, OUTPUT_SECTION_CHARS),
      })),
      workUnits: workUnits.units.map((unit) => unit.id),
      ...(workUnits.problem ? { warnings: [workUnits.problem] } : {}),
      ...(reverted.length > 0 ? { revertedFiles: reverted } : {}),
    },
  };
}

export default defineStep({
  id: 'plan',
  description: 'The planning pass: a read-only plan in up to four sections',
  options: NO_OPTIONS,
  run: (ctx) => plan(ctx),
});
