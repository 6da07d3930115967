/**
 * The reaper's rules (CONTRACTS.md §8), pure: checked in this order, the first that matches
 * names the action. Nothing here reads a clock, Fly or the database.
 */

export const REAPER_RULES = ['orphan', 'stale-terminal-job', 'max-age-exceeded', 'issue-terminal'] as const;

export type ReaperRule = (typeof REAPER_RULES)[number];

/** Grace periods of §8, ms: an orphan and a finished run's leftover Machine get ten minutes. */
export const ORPHAN_GRACE_MS = 10 * 60_000;
export const STALE_TERMINAL_GRACE_MS = 10 * 60_000;
/** Added to the mapping's maxJobMinutes before a Machine or run is over age. */
export const MAX_AGE_MARGIN_MS = 15 * 60_000;

/** What the reaper knows about one Machine (or Actions run) at one instant. */
export interface ReaperFacts {
  nowMs: number;
  /** When the Machine or run was created, ms since the epoch. */
  createdAtMs: number;
  /** Its run in the ledger; undefined when it has no dispatch id or the ledger does not know it. */
  run?:
    | {
        /** When the runner's result arrived (`result_received_at`), ms; undefined without one. */
        resultAtMs: number | undefined;
        /** The mapping's maxJobMinutes (default 90). */
        maxJobMinutes: number;
        /** The ticket is done or cancelled (tracker state, or the ledger closed it for that). */
        issueTerminal: boolean;
      }
    | undefined;
}

/** The rule that applies, or undefined when the Machine or run is left alone. */
export function reaperRuleFor(facts: ReaperFacts): ReaperRule | undefined {
  const age = facts.nowMs - facts.createdAtMs;
  const { run } = facts;
  if (!run) return age > ORPHAN_GRACE_MS ? 'orphan' : undefined;
  if (run.resultAtMs !== undefined && facts.nowMs - run.resultAtMs > STALE_TERMINAL_GRACE_MS) {
    return 'stale-terminal-job';
  }
  if (age > run.maxJobMinutes * 60_000 + MAX_AGE_MARGIN_MS) return 'max-age-exceeded';
  if (run.issueTerminal) return 'issue-terminal';
  return undefined;
}

/** What the reaper knows about one unfinished GitHub Actions run, as GitHub lists it. */
export interface ActionsRunFacts {
  nowMs: number;
  /** When GitHub created the run, ms. */
  createdAtMs: number;
  /** The mapping's maxJobMinutes (default 90): a run older than that should have ended. */
  maxJobMinutes: number;
  /** Its run in the ledger, by the dispatch id in its title; undefined when the ledger has none. */
  run?:
    | {
        /** When the ledger's run ended (result, deadline, stop…), ms; undefined while in flight. */
        finishedAtMs: number | undefined;
      }
    | undefined;
}

/**
 * The rule for an Actions run GitHub still runs (queued or in progress), or undefined:
 * `orphan` — the ledger has no run for it and it is past the mapping's `maxJobMinutes`;
 * `stale-terminal-job` — the ledger's run ended more than ten minutes ago. (A run the ledger
 * still has in flight past its age is `max-age-exceeded`, judged from the ledger.)
 */
export function actionsRunRuleFor(facts: ActionsRunFacts): ReaperRule | undefined {
  const { run } = facts;
  if (!run) return facts.nowMs - facts.createdAtMs > facts.maxJobMinutes * 60_000 ? 'orphan' : undefined;
  if (run.finishedAtMs !== undefined && facts.nowMs - run.finishedAtMs > STALE_TERMINAL_GRACE_MS) {
    return 'stale-terminal-job';
  }
  return undefined;
}
