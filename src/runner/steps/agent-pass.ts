import { AgentError, type AgentOutcome, type AgentRequest } from '../agent/claude-cli.ts';
import { StepFailure } from '../pipeline.ts';
import { timeLeft, type RunContext } from '../run-context.ts';

/** One agent pass at most this long, unless `agent_timeout_minutes` says otherwise. */
const DEFAULT_AGENT_MINUTES = 60;
/** A pass shorter than this is not worth starting: it could not do anything useful. */
const MIN_PASS_MS = 30_000;

/**
 * Runs one agent pass with its wall-clock timeout: `agent_timeout_minutes`, and never past the
 * run's deadline (`maxJobMinutes`). Agent failures (timeout, crash, error result) become a
 * `StepFailure` with the agent's reason.
 */
export async function agentPass(
  ctx: RunContext,
  request: Omit<AgentRequest, 'timeoutMs'>,
): Promise<AgentOutcome> {
  if (!ctx.agent) throw new StepFailure('the agent is not set up (load-workflow did not run)');
  const configured = (ctx.state.workflow?.settings.agentTimeoutMinutes ?? DEFAULT_AGENT_MINUTES) * 60_000;
  const left = timeLeft(ctx);
  if (left < Math.min(configured, MIN_PASS_MS)) {
    throw new StepFailure(
      `no time left for the ${request.label} pass within the job's ${ctx.payload.caps?.maxJobMinutes ?? 90} minutes`,
    );
  }
  try {
    const outcome = await ctx.agent.run({ ...request, timeoutMs: Math.min(configured, left) });
    if (outcome.hitMaxTurns)
      ctx.log.warn(`the ${request.label} pass stopped at --max-turns ${request.maxTurns}`);
    return outcome;
  } catch (error) {
    if (error instanceof AgentError) throw new StepFailure(error.message, { output: { agent: error.kind } });
    throw error;
  }
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
