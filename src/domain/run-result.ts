import { z } from 'zod';

/**
 * What a run (or one of its agent passes) used: dollars as Claude Code reports them, tokens
 * (`inputTokens` counts all input; the cache fields say how much of it was read from or written
 * to the prompt cache), conversation turns.
 */
const UsageFields = {
  costUsd: z.number().nonnegative().optional(),
  inputTokens: z.number().int().nonnegative().optional(),
  outputTokens: z.number().int().nonnegative().optional(),
  cacheReadTokens: z.number().int().nonnegative().optional(),
  cacheCreationTokens: z.number().int().nonnegative().optional(),
  turns: z.number().int().nonnegative().optional(),
};

/** More passes than any pipeline makes (iterations × units + review + gap analysis), with room. */
const MAX_PASSES = 200;

/**
 * The body of `POST /runner/result` (CONTRACTS.md §4). Unknown members are refused so a typo
 * in a runner is caught, not silently dropped.
 */
export const RunResultSchema = z
  .object({
    status: z.enum(['success', 'failure']),
    prUrl: z.url({ message: 'must be a URL' }).optional(),
    branch: z.string().min(1).max(255).optional(),
    summary: z.string().max(20_000).optional(),
    error: z.string().max(20_000).optional(),
    usage: z
      .object({
        ...UsageFields,
        /** The model that cost the most in this run. */
        model: z.string().min(1).max(200).optional(),
        /** Each agent pass, in order (issue 16). */
        passes: z
          .array(
            z
              .object({
                ...UsageFields,
                label: z.string().min(1).max(200),
                model: z.string().min(1).max(200),
                subtype: z.string().min(1).max(100),
              })
              .strict(),
          )
          .max(MAX_PASSES)
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type RunResult = z.output<typeof RunResultSchema>;

/** The body of `POST /runner/progress` (CONTRACTS.md §4). */
export const RunProgressSchema = z
  .object({
    step: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9_.:-]+$/, 'step names use letters, digits and . _ : -'),
    status: z.enum(['started', 'succeeded', 'failed', 'skipped']),
    elapsedMs: z.number().int().nonnegative().optional(),
    output: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type RunProgress = z.output<typeof RunProgressSchema>;

/** JSON with object keys sorted, so two equal bodies compare equal as text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}

/** The PR number in a GitHub pull request URL (`…/pull/12`), if it is one. */
export function pullRequestNumber(url: string): number | undefined {
  const match = /\/pull\/(\d+)(?:[/?#]|$)/.exec(url);
  return match ? Number(match[1]) : undefined;
}
