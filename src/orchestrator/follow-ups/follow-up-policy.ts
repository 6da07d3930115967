import { defaultMaxIterations, type Mapping } from '../../domain/mapping.ts';
import type { DispatchRow } from '../../store/dispatches.ts';

/**
 * The per-PR budget of follow-up runs (gap-fill and review-fix) is the mapping's `maxIterations`
 * times this factor: `maxIterations` bounds the implement/review iterations inside one run, and a
 * PR typically needs one pass for a person's review and one for a review bot's findings on each
 * iteration's push. Defaults: 3 × 2 = 6 runs on Anthropic, 2 × 2 = 4 on Bedrock. After that the PR
 * is labelled for a person: a loop (a bot reviewing every push, a reviewer and Claude disagreeing)
 * ends there instead of spending without limit.
 */
export const FOLLOW_UP_BUDGET_FACTOR = 2;

/** The label a PR gets when its follow-up budget is used up. */
export const HANDED_OVER_LABEL = 'AI-Implement: needs a person';

/** Where a target repository configures the loop (review providers). */
export const REPO_CONFIG_PATH = '.ai-implement/config.yml';

/** How long a repository's config file is reused before it is read again. */
export const REPO_CONFIG_TTL_MS = 5 * 60_000;

/**
 * How long a webhook delivery id is remembered. GitHub lets an operator redeliver a delivery of
 * the past 3 days (https://docs.github.com/webhooks/testing-and-troubleshooting-webhooks/redelivering-webhooks);
 * a week keeps every redelivery recognisable.
 */
export const DELIVERY_RETENTION_MS = 7 * 24 * 60 * 60_000;

/**
 * A delivery whose handling started this long ago and never finished (the process stopped) is
 * handled again when GitHub redelivers it.
 */
export const DELIVERY_STALE_MS = 10 * 60_000;

/** Follow-up runs a PR may have: `maxIterations` (or its provider default) × FOLLOW_UP_BUDGET_FACTOR. */
export function followUpBudget(mapping: Pick<Mapping, 'maxIterations' | 'provider'>): number {
  return (mapping.maxIterations ?? defaultMaxIterations(mapping)) * FOLLOW_UP_BUDGET_FACTOR;
}

/**
 * Follow-up runs a PR has used: its dispatches that the execution backend accepted, or may have
 * (still pending). A dispatch the backend refused never ran and costs nothing.
 */
export function followUpRunsUsed(dispatches: DispatchRow[]): number {
  return dispatches.filter(
    (row) =>
      row.dispatched_at !== null ||
      row.result_received_at !== null ||
      row.status === 'pending' ||
      row.status === 'running',
  ).length;
}
