import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Mapping } from '../domain/mapping.ts';
import type { RunProgress, RunResult } from '../domain/run-result.ts';
import type { TicketCandidate, TicketingProviderName } from '../domain/ticket.ts';
import type { Notifier } from '../notify/types.ts';
import type { ExecutionBackend, ExecutionMode } from '../runners/types.ts';
import type { DispatchRow } from '../store/dispatches.ts';
import type { Database } from '../store/schema.ts';
import type { TicketingProvider } from '../ticketing/types.ts';
import type { KeyedLock } from './keyed-lock.ts';
import type { RunMetrics } from './metrics.ts';
import type { RunTokenSigner } from './run-tokens.ts';

/** Global runner-mode override (RUNNER_MODE); `default` lets each mapping's executionMode win. */
export type RunnerModeOverride = 'default' | 'gha' | 'fly' | 'local' | 'shadow';

/** Tunables with their reasons; the defaults are in `DEFAULT_POLICY`. */
export interface OrchestratorPolicy {
  /** Seed 003 step 2: an issue is not re-dispatched within 24 h of its previous dispatch. */
  dedupWindowMs: number;
  /** Consecutive failed runs after which an issue is parked until an operator clears it. */
  breakerThreshold: number;
  /**
   * Added to maxJobMinutes before a silent run is declared failed: GitHub may queue a job for
   * minutes before it starts, and the runner needs time to report after the job's own timeout.
   */
  deadlineMarginMs: number;
  /** How many dispatches the dispatch log keeps in view (seed 002: "last ~500"). */
  logLimit: number;
  /**
   * How long after a backend call a run that the backend cannot find counts as certainly
   * absent, so its intent is dispatched again under the same id: GitHub lists a dispatched run a
   * few seconds after accepting the call. main.ts sets it to one poll, within 2–30 s.
   */
  lostDispatchGraceMs: number;
  /** Backend calls under one dispatch id before a lost intent is left to its deadline. */
  maxDispatchAttempts: number;
  /** GLOBAL_MONTHLY_BUDGET_USD: dollars all runs may spend per UTC month; undefined: no global budget. */
  globalMonthlyBudgetUsd?: number;
  /** CI_CHECKS_GRACE_MS: how long after a push a PR head without checks is still waited for. */
  ciChecksGraceMs: number;
}

export const DEFAULT_POLICY: OrchestratorPolicy = {
  dedupWindowMs: 24 * 60 * 60 * 1000,
  breakerThreshold: 3,
  deadlineMarginMs: 15 * 60 * 1000,
  logLimit: 500,
  lostDispatchGraceMs: 30_000,
  maxDispatchAttempts: 3,
  ciChecksGraceMs: 120_000,
};

/**
 * How run tokens are signed (RUNNER_TOKEN_SECRET) and where runners call back
 * (RUNNER_CALLBACK_BASE_URL). Absent without a secret; without a base URL the payload carries
 * no `callback` (CONTRACTS.md §3) but the callback routes still verify tokens.
 */
export interface CallbackSettings {
  baseUrl: string | undefined;
  signer: RunTokenSigner;
}

/**
 * Everything the orchestrator works with, passed in by the composition root (src/main.ts).
 * `dispatchLock` serializes admission + the ledger write, so the poll tick and a callback that
 * dispatches the next phase cannot both take the last slot of a bucket — across replicas too
 * (src/replicas.ts: an `async-mutex` Mutex alone with SQLite, plus a PostgreSQL advisory lock).
 */
export interface OrchestratorContext {
  db: Kysely<Database>;
  ticketing: ReadonlyMap<TicketingProviderName, TicketingProvider>;
  backends: ReadonlyMap<ExecutionMode, ExecutionBackend>;
  runnerMode: () => Promise<RunnerModeOverride>;
  callback: CallbackSettings | undefined;
  /** Default session image for Fly and local runs (AI_IMPLEMENT_RUNNER_IMAGE). */
  defaultImage: string | undefined;
  notifier: Notifier;
  logger: Logger;
  clock: () => Date;
  policy: OrchestratorPolicy;
  dispatchLock: { runExclusive<T>(work: () => Promise<T>): Promise<T> };
  /** Serializes marker updates per ticket id (see keyed-lock.ts; across replicas: src/replicas.ts). */
  ticketLock: KeyedLock;
  /**
   * Dispatch ids whose backend call is under way in this process: the lost-intent sweep leaves
   * them alone (only a call that failed, or a process that died, leaves an intent to resolve).
   */
  callsInProgress: Set<string>;
  /** The pull-request loop (src/orchestrator/follow-ups/); absent: no follow-up runs. */
  followUps?: FollowUpHooks;
  /** Counters for `GET /metrics` (metrics.ts); absent: nothing is counted. */
  metrics?: RunMetrics;
  /**
   * Told of each progress step a runner reports, after it is stored (the Linear agent shows
   * them as `action` activities). Best effort: must not throw or wait on a tracker.
   */
  onRunProgress?: (row: DispatchRow, progress: RunProgress) => void;
  /**
   * Puts an agent's question as an `elicitation` in the ticket's open Linear agent session and
   * returns the session's id; undefined when the ticket has none (the question then goes to a
   * ticket comment). Absent without the Linear agent.
   */
  askInAgentSession?: (row: DispatchRow, question: string) => Promise<string | undefined>;
  /** How often a waiting question's ticket comments are read for a reply, in ms (default 30 s). */
  questionCommentCheckMs?: number;
  /** CLIENT_SLUG: the client this orchestrator serves (admin UI header); unset: one tenant. */
  tenant?: string;
}

/**
 * Where the lifecycle hands over to the pull-request loop (src/orchestrator/follow-ups/):
 * - `afterRun`: a run finished (result or deadline); the loop settles a follow-up's feedback and
 *   queues what comes next;
 * - `afterRunStopped`: a run's session was destroyed (operator or reaper) before it reported: what
 *   it had taken from its PR waits again for the next pass (docs/decisions/fly-machines.md);
 * - `readsChecks`: the loop looks at a PR head's checks, so a PR waits for them before its ticket
 *   shows `Ready for Review`;
 * - `openPullRequestFor`: a ticket was marked for a run while its PR is still open; the poll then
 *   asks for a gap-fill run on that PR instead of implementing afresh (undefined: no open PR).
 */
export interface FollowUpHooks {
  /** The loop reads PR checks (it has a GitHub client): a run's push awaits them (issue 17). */
  readsChecks: boolean;
  afterRun(
    row: DispatchRow,
    outcome: { ok: true; result: RunResult } | { ok: false; error: string },
  ): Promise<void>;
  afterRunStopped?(row: DispatchRow): Promise<void>;
  openPullRequestFor(
    ticket: TicketCandidate,
    mapping: Mapping,
  ): Promise<{ jobId: string; pullRequest: OpenPullRequestRun } | undefined>;
}

/** The PR a follow-up run works on, as `RunRequest.pullRequest` takes it. */
export interface OpenPullRequestRun {
  /** `owner/repo#12`. */
  key: string;
  number: number;
  branch: string;
  runsUsed: number;
  budget: number;
}
