/** The kinds of run a dispatch can start (CONTRACTS.md §3 `phase`). */
/** `ci-fix` (issue 17): a pass on a PR whose required checks failed, with the failures in its payload. */
export const PHASES = ['planning', 'implementation', 'gap-fill', 'review-fix', 'ci-fix'] as const;
export type Phase = (typeof PHASES)[number];

/**
 * Dispatch status, in the ledger:
 * - `pending`: the intent is written, the external call has not been confirmed yet;
 * - `running`: the execution backend accepted it; waiting for the runner's result;
 * - `succeeded` / `failed`: the runner reported (or, for `failed`, the deadline passed or the
 *   dispatch call itself was refused).
 */
export type DispatchStatus = 'pending' | 'running' | 'succeeded' | 'failed';

export function isInFlight(status: DispatchStatus): boolean {
  return status === 'pending' || status === 'running';
}
