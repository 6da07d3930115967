import { z } from 'zod';

/**
 * Claude Code's `--output-format stream-json` (with `--verbose`): one JSON message per line —
 * a `system`/`init` message, then `assistant` and `user` messages as the conversation goes, and
 * last one `result` message with the run's statistics
 * (https://docs.anthropic.com/en/docs/claude-code/sdk/sdk-headless#streaming-json-output).
 * Only the `result` message is relied on; the others are counted for the step's output.
 */

const ResultMessageSchema = z.looseObject({
  type: z.literal('result'),
  /** `success`, `error_max_turns`, `error_during_execution`, … */
  subtype: z.string(),
  is_error: z.boolean(),
  num_turns: z.number().int().nonnegative(),
  total_cost_usd: z.number().nonnegative().optional(),
  duration_ms: z.number().optional(),
  /** The final answer text; absent on some error subtypes. */
  result: z.string().optional(),
  session_id: z.string().optional(),
  usage: z
    .looseObject({
      input_tokens: z.number().int().nonnegative().optional(),
      output_tokens: z.number().int().nonnegative().optional(),
      cache_creation_input_tokens: z.number().int().nonnegative().optional(),
      cache_read_input_tokens: z.number().int().nonnegative().optional(),
    })
    .optional(),
  permission_denials: z.array(z.unknown()).optional(),
});

export type ResultMessage = z.output<typeof ResultMessageSchema>;

/** What one agent pass cost, in the units of CONTRACTS.md §4 `usage`. */
export interface AgentUsage {
  costUsd: number;
  /** Every input token processed: uncached, written to and read from the prompt cache. */
  inputTokens: number;
  outputTokens: number;
  /** Of `inputTokens`: read from the prompt cache. */
  cacheReadTokens: number;
  /** Of `inputTokens`: written to the prompt cache. */
  cacheCreationTokens: number;
  turns: number;
}

/** One agent pass's usage, as the run's result lists it (`usage.passes`). */
export interface AgentPassUsage extends AgentUsage {
  /** The pass's label (`implement`, `review`, …). */
  label: string;
  /** The model the pass ran with (the `system`/`init` message's, else the one asked for). */
  model: string;
  /** Claude Code's `result` subtype (`success`, `error_max_budget_usd`, …); `none` without one. */
  subtype: string;
}

export const NO_USAGE: AgentUsage = {
  costUsd: 0,
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheCreationTokens: 0,
  turns: 0,
};

/** Sums usages (a run's several agent passes). */
export function addUsage(a: AgentUsage, b: AgentUsage): AgentUsage {
  return {
    // Cents of a cent add up in binary floating point; keep the sum to micro-dollars.
    costUsd: Math.round((a.costUsd + b.costUsd) * 1e6) / 1e6,
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheCreationTokens: a.cacheCreationTokens + b.cacheCreationTokens,
    turns: a.turns + b.turns,
  };
}

/** The usage a `result` message reports. */
export function usageOf(message: ResultMessage): AgentUsage {
  const usage = message.usage ?? {};
  return {
    costUsd: message.total_cost_usd ?? 0,
    inputTokens:
      (usage.input_tokens ?? 0) +
      (usage.cache_creation_input_tokens ?? 0) +
      (usage.cache_read_input_tokens ?? 0),
    outputTokens: usage.output_tokens ?? 0,
    cacheReadTokens: usage.cache_read_input_tokens ?? 0,
    cacheCreationTokens: usage.cache_creation_input_tokens ?? 0,
    turns: message.num_turns,
  };
}

/** Reads a stream line by line; keeps the last `result` message and counts the others. */
export interface StreamReader {
  push(line: string): void;
  readonly result: ResultMessage | undefined;
  readonly counts: { assistant: number; toolUses: number; unparsed: number };
  /** The model id the `system`/`init` message named. */
  readonly model: string | undefined;
}

export function createStreamReader(): StreamReader {
  let result: ResultMessage | undefined;
  let model: string | undefined;
  const counts = { assistant: 0, toolUses: 0, unparsed: 0 };
  return {
    push(line) {
      const text = line.trim();
      if (!text) return;
      let message: unknown;
      try {
        message = JSON.parse(text);
      } catch {
        counts.unparsed += 1;
        return;
      }
      if (typeof message !== 'object' || message === null) return;
      const typed = message as { type?: unknown; subtype?: unknown; model?: unknown; message?: unknown };
      if (typed.type === 'result') {
        const parsed = ResultMessageSchema.safeParse(message);
        if (parsed.success) result = parsed.data;
        else counts.unparsed += 1;
      } else if (typed.type === 'system' && typed.subtype === 'init' && typeof typed.model === 'string') {
        model = typed.model;
      } else if (typed.type === 'assistant') {
        counts.assistant += 1;
        const content = (typed.message as { content?: unknown } | undefined)?.content;
        if (Array.isArray(content)) {
          counts.toolUses += content.filter(
            (block) => (block as { type?: unknown } | null)?.type === 'tool_use',
          ).length;
        }
      }
    },
    get result() {
      return result;
    },
    get model() {
      return model;
    },
    counts,
  };
}
