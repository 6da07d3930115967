import type { AgentOutcome } from '../agent/claude-cli.ts';
import type { StepOutcome } from '../pipeline.ts';
import { scheduleUnits, type WorkUnit } from '../planning-output.ts';
import { implementPrompt } from '../prompts.ts';
import type { RunContext } from '../run-context.ts';
import { defineStep, NO_OPTIONS } from './step-module.ts';
import { models, passOutput } from './agent-pass.ts';
import { conversationPass } from './conversation.ts';
import { commitCheckpoint } from './checkpoint.ts';

/**
 * The implementation pass of an iteration (seed 003 step 5). In the first iteration of a run
 * whose plan has Work Units, the independent units run as parallel agents, each told to change
 * only its files, then the dependent units one by one; otherwise one agent does the whole
 * ticket, and later iterations fix what verify or review found. The result is committed as a
 * local checkpoint.
 */
export async function implement(ctx: RunContext): Promise<StepOutcome> {
  const { main } = models(ctx);
  const pass = (label: string, unit?: WorkUnit, share = 1) =>
    conversationPass(
      ctx,
      { label, prompt: implementPrompt(ctx, unit), model: main, mode: 'edit', maxTurns: ctx.caps.maxTurns },
      share,
    );
  const passes: Record<string, unknown>[] = [];
  const summaries: string[] = [];
  const record = (label: string, outcome: AgentOutcome) => {
    passes.push(passOutput(label, outcome));
    summaries.push(outcome.text.trim());
  };
  const units = ctx.state.iteration === 1 ? ctx.state.workUnits : [];
  if (units.length > 0) {
    const { parallel, sequential } = scheduleUnits(units);
    // allSettled: a failing unit must not leave the others running unobserved.
    const results = await Promise.allSettled(
      parallel.map((unit) => pass(`unit-${unit.id}`, unit, 1 / parallel.length)),
    );
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    results.forEach((result, index) => {
      if (result.status === 'fulfilled') record(`unit-${parallel[index]?.id}`, result.value);
    });
    for (const unit of sequential) record(`unit-${unit.id}`, await pass(`unit-${unit.id}`, unit));
  } else {
    record('implement', await pass('implement'));
  }
  ctx.state.agentSummary = summaries.filter(Boolean).join('\n\n');
  const changed = await commitCheckpoint(ctx, `ai-implement: iteration ${ctx.state.iteration}`);
  ctx.state.reviewApproved = false;
  return {
    output: {
      passes,
      ...(units.length > 0 ? { units: units.map((unit) => unit.id) } : {}),
      changed,
    },
  };
}

export default defineStep({
  id: 'implement',
  description: 'An implementation pass of the agent',
  options: NO_OPTIONS,
  run: (ctx) => implement(ctx),
});
