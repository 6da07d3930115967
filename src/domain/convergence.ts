import type { ChecksState } from './ci-checks.ts';
import type { Marker } from './markers.ts';
import type { Phase } from './phases.ts';

/**
 * Convergence rules (docs/decisions/convergence.md), pure: the ledger decides what a ticket
 * should show and what a dispatch of unknown outcome means; src/orchestrator/convergence/
 * applies them. Nothing here reads a clock or a database.
 */

/** Why a run ended, as the ledger stores it in `dispatches.close_reason`. */
export type RunCloseReason =
  /** The runner reported a result. */
  | 'result'
  /** No result by `maxJobMinutes` + margin. */
  | 'deadline'
  /** The ticket went done or cancelled while the run was in flight. */
  | 'ticket_closed'
  /** The backend refused the dispatch for good (missing workflow, bad credentials). */
  | 'refused'
  /** The backend refused for now (rate limit): the ticket keeps its ask, the next poll retries. */
  | 'refused_retry'
  /**
   * An operator (Sessions panel) or the reaper destroyed the run's Fly Machine: like a refusal
   * the next poll retries, the ticket gets its ask back and no failure is counted.
   */
  | 'session_destroyed'
  /**
   * A person stopped the run (a `stop` in its Linear agent session): its backend run is
   * cancelled; the ticket shows the failure marker, but no failure is counted for the breaker.
   */
  | 'stopped';

/** A run as the marker rule sees it: the latest dispatch of the ticket. */
export interface RunForMarker {
  phase: Phase;
  status: 'pending' | 'running' | 'succeeded' | 'failed';
  closeReason: RunCloseReason | null;
  /** The run reported a pull request (implementation and follow-ups). */
  hasPullRequest: boolean;
  /** The run started a job (planning, or implementation without planning): it moves the ticket to started. */
  startsJob: boolean;
  /** What the ledger knows of the checks on the head of the ticket's open PR (issue 17). */
  checks?: ChecksState | null;
}

/** What the tracker should show for a run: one marker set, one cleared, or nothing to enforce. */
export type MarkerTarget =
  | { kind: 'set'; marker: Marker; moveToStarted: boolean }
  | { kind: 'clear'; marker: Marker }
  | { kind: 'none' };

/**
 * The marker a ticket should carry given its latest run (CONTRACTS.md §2, §10):
 * in flight → `AI-Planning` / `AI-Working` / `CI Fixing` (ci-fix); planning succeeded →
 * `Plan-Complete`; any other phase succeeded → `Ready for Review` once the PR's checks passed or
 * the head has none (`AI-Working` while they run, `CI Fixing` while they fail or a ci-fix push is
 * not green yet, `AI-Failed` once the ci-fix budget is spent), or `AI-Working` cleared when no PR
 * was needed; failed (result,
 * deadline or a final refusal) → `AI-Planning-Failed` / `AI-Failed`. A run closed because its
 * ticket went done or cancelled enforces nothing. A refusal the next attempt retries (a rate
 * limit) puts back the marker the ask came from — `AI-Implement` for a pickup, `Plan-Complete`
 * for the implementation of an approved plan, `Ready for Review` for a pass on a PR — since a
 * dispatch of unknown outcome may have shown `AI-Working` meanwhile, and a pickup is only
 * retried while the ticket asks for it.
 */
export function expectedMarker(run: RunForMarker): MarkerTarget {
  if (run.closeReason === 'ticket_closed') return { kind: 'none' };
  if (run.closeReason === 'refused_retry' || run.closeReason === 'session_destroyed') {
    const marker = run.startsJob
      ? 'ready'
      : run.phase === 'implementation'
        ? 'planComplete'
        : 'readyForReview';
    return { kind: 'set', marker, moveToStarted: false };
  }
  if (run.status === 'pending' || run.status === 'running') {
    return {
      kind: 'set',
      marker: run.phase === 'planning' ? 'planning' : run.phase === 'ci-fix' ? 'ciFixing' : 'working',
      moveToStarted: run.startsJob,
    };
  }
  // The ci-fix budget is spent and the head still fails: a person takes over.
  if (run.checks === 'exhausted' && run.phase !== 'planning') {
    return { kind: 'set', marker: 'failed', moveToStarted: false };
  }
  if (run.status === 'failed') {
    return {
      kind: 'set',
      marker: run.phase === 'planning' ? 'planningFailed' : 'failed',
      moveToStarted: false,
    };
  }
  if (run.phase === 'planning') return { kind: 'set', marker: 'planComplete', moveToStarted: false };
  if (run.phase === 'implementation' && !run.hasPullRequest) return { kind: 'clear', marker: 'working' };
  return { kind: 'set', marker: markerForChecks(run), moveToStarted: false };
}

/**
 * The marker of a succeeded run's PR by its head's checks (issue 17): `CI Fixing` while they
 * failed and a re-run or a ci-fix run is on its way, or a ci-fix run pushed and the checks of its
 * push have not passed yet; `AI-Working` while they run (or have not been looked at yet — the
 * head may have none: `none` comes once a grace after the push saw nothing,
 * docs/decisions/ci-fix.md); `Ready for Review` once they passed or the head has none. No open
 * PR known (`null`) holds nothing back.
 */
function markerForChecks(run: RunForMarker): Marker {
  if (run.checks === 'failing') return 'ciFixing';
  if (run.phase === 'ci-fix')
    return run.checks === 'passed' || run.checks === 'none' ? 'readyForReview' : 'ciFixing';
  return run.checks === 'pending' ? 'working' : 'readyForReview';
}

/**
 * Whether a ticket carrying `markers` already shows `target` (read back in the batched poll, so
 * a write that was applied upstream but answered with an error is not repeated). A person's
 * `Plan-Approved` on a ticket expected at `Plan-Complete` counts as shown: the person moved on.
 * A ticket that also shows an in-flight marker the run does not call for does not show it (see
 * `staleInFlightMarker`).
 */
export function markerShown(target: MarkerTarget, markers: readonly Marker[]): boolean {
  if (target.kind === 'none') return true;
  if (staleInFlightMarker(target, markers)) return false;
  if (target.kind === 'clear') return !markers.includes(target.marker);
  if (markers.includes(target.marker)) return true;
  return target.marker === 'planComplete' && markers.includes('planApproved');
}

/** The markers only the product writes, for a run in flight: a person never sets them. */
const IN_FLIGHT_MARKERS: readonly Marker[] = ['planning', 'working', 'ciFixing'];

/**
 * Whether the ticket shows an in-flight marker (`AI-Planning`, `AI-Working`) its latest run does
 * not call for. Only the product writes those, so one that is there anyway is a write that
 * landed late — sent by a process killed while the request was on its way, or held up by a
 * proxy — on top of the newer marker (Linear adds labels, it does not replace the set). Unlike
 * any other difference, it is safe to correct after the marker was confirmed: it cannot be a
 * person's choice.
 */
export function staleInFlightMarker(target: MarkerTarget, markers: readonly Marker[]): boolean {
  if (target.kind === 'none') return false;
  const wanted = target.kind === 'set' ? target.marker : undefined;
  return markers.some((marker) => IN_FLIGHT_MARKERS.includes(marker) && marker !== wanted);
}

/**
 * How long after a run's latest change its ticket is still read back for a late in-flight
 * marker, ms. A write cannot reach the tracker much later than the request timeout of the
 * process that sent it; ten minutes is far beyond any of them, and the read-back is batched.
 */
export const LATE_MARKER_WATCH_MS = 10 * 60_000;

/** What one look-up of a dispatch of unknown outcome found. */
export type RunLookup =
  | { kind: 'found'; externalId: string }
  | { kind: 'absent' }
  /** The backend could not answer (error, or it cannot look runs up). */
  | { kind: 'unknown' };

/** What to do with a dispatch whose outcome is unknown. */
export type UnknownDispatchAction =
  | { kind: 'adopt'; externalId: string }
  | { kind: 'redispatch' }
  | { kind: 'wait' }
  /** Too many calls already: leave it to the deadline rather than risk a loop. */
  | { kind: 'give_up' };

/**
 * Resolves a dispatch whose backend call failed without an answer, or whose process died
 * between writing the intent and hearing back. Found → adopt the run. Absent → dispatch again
 * under the same dispatch id, but only once `graceMs` passed since the last call (GitHub lists
 * a dispatched run a few seconds after accepting it) and while fewer than `maxAttempts` calls
 * were made. A failed look-up says nothing: wait.
 */
export function resolveUnknownDispatch(input: {
  lookup: RunLookup;
  /** Milliseconds since the last backend call under this id (or since the intent). */
  sinceLastCallMs: number;
  graceMs: number;
  attempts: number;
  maxAttempts: number;
}): UnknownDispatchAction {
  if (input.lookup.kind === 'found') return { kind: 'adopt', externalId: input.lookup.externalId };
  if (input.lookup.kind === 'unknown') return { kind: 'wait' };
  if (input.sinceLastCallMs < input.graceMs) return { kind: 'wait' };
  if (input.attempts >= input.maxAttempts) return { kind: 'give_up' };
  return { kind: 'redispatch' };
}
