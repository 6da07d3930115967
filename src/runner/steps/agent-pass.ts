import { AgentError, type AgentOutcome, type AgentRequest } from '../agent/claude-cli.ts';
import { StepFailure } from '../pipeline.ts';
import { timeLeft, type RunContext } from '../run-context.ts';

/** One agent pass at most this long, unless `agent_timeout_minutes` says otherwise. */
const DEFAULT_AGENT_MINUTES = 60;
/** A pass shorter than this is not worth starting: it could not do anything useful. */
const MIN_PASS_MS = 30_000;

/** Below this many dollars left a pass is not started: `--max-budget-usd` takes cents. */
const MIN_PASS_USD = 0.01;

/**
 * Runs one agent pass with its wall-clock timeout: `agent_timeout_minutes`, and never past the
 * run's deadline (`maxJobMinutes`), and with `--max-budget-usd` set to its share of what is left
 * of the run's `maxRunCostUsd` (`share`: 1 for a pass alone, 1/n for each of n parallel passes).
 * Agent failures (timeout, crash, error result, budget spent) become a `StepFailure` with the
 * agent's reason.
 */
export async function agentPass(
  ctx: RunContext,
  request: Omit<AgentRequest, 'timeoutMs' | 'maxBudgetUsd'>,
  share = 1,
): Promise<AgentOutcome> {
  if (!ctx.agent) throw new StepFailure('the agent is not set up (load-workflow did not run)');
  const configured = (ctx.state.workflow?.settings.agentTimeoutMinutes ?? DEFAULT_AGENT_MINUTES) * 60_000;
  const left = timeLeft(ctx);
  if (left < Math.min(configured, MIN_PASS_MS)) {
    throw new StepFailure(
      `no time left for the ${request.label} pass within the job's ${ctx.payload.caps?.maxJobMinutes ?? 90} minutes`,
    );
  }
  const budget = passBudget(ctx, request.label, share);
  try {
    const outcome = await ctx.agent.run({
      ...request,
      timeoutMs: Math.min(configured, left),
      ...(budget !== undefined ? { maxBudgetUsd: budget } : {}),
    });
    if (outcome.hitMaxTurns)
      ctx.log.warn(`the ${request.label} pass stopped at --max-turns ${request.maxTurns}`);
    return outcome;
  } catch (error) {
    if (error instanceof AgentError) throw new StepFailure(error.message, { output: { agent: error.kind } });
    throw error;
  }
}

/**
 * The pass's `--max-budget-usd`: its share of the run's cap minus what earlier passes spent;
 * undefined without a cap. Throws `StepFailure` when less than a cent is left, so the run stops
 * with the reason instead of starting a pass that cannot do anything.
 */
function passBudget(ctx: RunContext, label: string, share: number): number | undefined {
  const cap = ctx.caps.maxRunCostUsd;
  if (cap === undefined) return undefined;
  const spent = ctx.state.usage.costUsd;
  const left = (cap - spent) * share;
  if (left < MIN_PASS_USD) {
    throw new StepFailure(
      `the run's budget is spent: $${spent.toFixed(2)} of maxRunCostUsd $${cap.toFixed(2)} used before the ${label} pass`,
      { output: { agent: 'budget' } },
    );
  }
  return left;
}

/** The models `load-workflow` picked. */
export function models(ctx: RunContext): { main: string; review: string; gapAnalysis: string } {
  if (!ctx.state.models) throw new StepFailure('the models are not known (load-workflow did not run)');
  return ctx.state.models;
}

/** A summary of one pass for a step's output. */
export function passOutput(label: string, outcome: AgentOutcome): Record<string, unknown> {
  return {
    label,
    subtype: outcome.subtype,
    turns: outcome.usage.turns,
    costUsd: outcome.usage.costUsd,
    toolUses: outcome.toolUses,
  };
}
