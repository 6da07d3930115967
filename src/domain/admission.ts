import { budgetRefusal, standings, type SpendState } from './budgets.ts';
import type { TicketDependency } from './ticket.ts';

/**
 * The admission gate's rules (ARCHITECTURE.md, The tick, step 3), as a pure function. Every
 * dispatch path — poll, plan approval, gap-fill, review feedback, retry — asks this one gate.
 */

/**
 * Why a dispatch was refused; each becomes a blocker row with this reason. The names are the
 * shared ones (CONTRACTS.md §10: `paused`, `breaker`, `dependency`, `in_flight`, `dedup`,
 * `capacity`, `budget`, `review_capacity`) plus this build's follow-up and closed-ticket reasons.
 */
export type RefusalReason =
  | 'paused'
  | 'dependency'
  | 'in_flight'
  | 'dedup'
  | 'capacity'
  | 'breaker'
  | 'budget'
  | 'review_capacity'
  | 'pr_budget'
  | 'pr_open'
  | 'ticket_closed';

export interface Refusal {
  reason: RefusalReason;
  /** A sentence for the operator: what holds the issue back and, where it helps, until when. */
  detail: string;
  /** For `dependency`: the unresolved tickets it waits for, to link them. */
  blocking?: { identifier: string; url: string }[];
}

/** What is asked: a new pickup from the poll, or a follow-up of work already under way. */
export type AdmissionKind = 'pickup' | 'plan-approval' | 'gap-fill' | 'review-fix' | 'ci-fix';

export interface AdmissionRequest {
  kind: AdmissionKind;
  issueId: string;
  paused: boolean;
  bucket: string;
  capacity: number;
  dependencies: TicketDependency[];
  /** For follow-ups on a PR: runs already spent and the PR's budget. */
  pullRequestRuns?: { used: number; budget: number };
  /**
   * The ask is the ticket's `AI-Implement` marker (a pickup, or a re-label while its PR is
   * open): the 24 h dedup window applies, so re-labelling never starts a run within it.
   */
  fromMarker?: boolean;
  /** The ticket is done or cancelled: it gets no more work, whatever asks. */
  ticketClosed?: boolean;
  /** The mapping's team key: whose budgets and review queue apply. */
  teamKey?: string;
  /** The mapping's spend budgets (`dailyBudgetUsd`, `monthlyBudgetUsd`); unset: none. */
  budgets?: { dailyBudgetUsd?: number; monthlyBudgetUsd?: number };
  /** `maxPullRequestsAwaitingReview`: new pickups wait while that many PRs await review. */
  maxPullRequestsAwaitingReview?: number;
}

/** The state the gate reads; the caller builds it once per tick and updates it as it admits. */
export interface AdmissionState {
  now: Date;
  dedupWindowMs: number;
  inFlightIssueIds: ReadonlySet<string>;
  inFlightByBucket: ReadonlyMap<string, number>;
  /** Issue id → when it was last dispatched, for issues in the dedup window. */
  dedupDispatchedAt: ReadonlyMap<string, Date>;
  parkedIssueIds: ReadonlySet<string>;
  /** Issues with an open pull request of the orchestrator's: never picked up afresh. */
  openPullRequestIssueIds?: ReadonlySet<string>;
  /** Dollars spent this UTC day and month, per team and overall; absent: budgets are not checked. */
  spend?: SpendState;
  /** Team key → its AI pull requests open and not approved; absent: review capacity is not checked. */
  awaitingReviewByTeam?: ReadonlyMap<string, number>;
}

/**
 * The refusals that state no figures: one frozen object each, so the tick can keep what it built
 * for a refused ticket by the refusal's identity (tick-rows.ts).
 */
const FIXED_REFUSALS = {
  ticketClosed: { reason: 'ticket_closed', detail: 'the ticket is done or cancelled; it gets no more runs' },
  paused: { reason: 'paused', detail: 'the project mapping is paused' },
  breaker: {
    reason: 'breaker',
    detail: 'parked after repeated failed runs; an operator must clear it before it runs again',
  },
  inFlight: { reason: 'in_flight', detail: 'a run for this issue is already in flight' },
  prOpen: {
    reason: 'pr_open',
    detail:
      'its pull request is still open; comment /ai-implement on it for another pass, or close it for a fresh run',
  },
} as const satisfies Record<string, Refusal>;
for (const refusal of Object.values(FIXED_REFUSALS)) Object.freeze(refusal);

/** `undefined` admits; otherwise the first rule that refuses, in a fixed order. */
export function checkAdmission(request: AdmissionRequest, state: AdmissionState): Refusal | undefined {
  if (request.ticketClosed) {
    return FIXED_REFUSALS.ticketClosed;
  }
  if (request.paused) return FIXED_REFUSALS.paused;
  if (state.parkedIssueIds.has(request.issueId)) return FIXED_REFUSALS.breaker;
  // `some` first: most tickets have no dependency, and the gate runs for every waiting ticket.
  const open = request.dependencies.some((dependency) => !dependency.resolved)
    ? request.dependencies.filter((dependency) => !dependency.resolved)
    : [];
  if (open.length > 0) {
    return {
      reason: 'dependency',
      detail: `blocked by unresolved ${open.map((dependency) => dependency.identifier).join(', ')}`,
      blocking: open.map((dependency) => ({ identifier: dependency.identifier, url: dependency.url })),
    };
  }
  if (state.inFlightIssueIds.has(request.issueId)) return FIXED_REFUSALS.inFlight;
  if (request.kind === 'pickup' || request.fromMarker) {
    const last = state.dedupDispatchedAt.get(request.issueId);
    if (last && state.now.getTime() - last.getTime() < state.dedupWindowMs) {
      const until = new Date(last.getTime() + state.dedupWindowMs);
      return {
        reason: 'dedup',
        detail:
          `dispatched at ${last.toISOString()}; eligible again after ${until.toISOString()} ` +
          '(deleting its dedup entry lets it run now)',
      };
    }
  }
  if (request.kind === 'pickup' && state.openPullRequestIssueIds?.has(request.issueId)) {
    return FIXED_REFUSALS.prOpen;
  }
  if (request.pullRequestRuns && request.pullRequestRuns.used >= request.pullRequestRuns.budget) {
    return {
      reason: 'pr_budget',
      detail: `the pull request used its budget of ${request.pullRequestRuns.budget} follow-up runs`,
    };
  }
  if (state.spend && request.teamKey !== undefined) {
    const refusal = budgetRefusal(standings(request.teamKey, request.budgets ?? {}, state.spend), state.now);
    if (refusal) return refusal;
  }
  const reviewCap = request.maxPullRequestsAwaitingReview;
  if (request.kind === 'pickup' && reviewCap !== undefined && request.teamKey !== undefined) {
    const waiting = state.awaitingReviewByTeam?.get(request.teamKey) ?? 0;
    if (waiting >= reviewCap) {
      return {
        reason: 'review_capacity',
        detail: `${waiting} of ${request.teamKey}'s AI pull requests await review (maxPullRequestsAwaitingReview ${reviewCap}); new pickups wait until one is approved, merged or closed`,
      };
    }
  }
  const running = state.inFlightByBucket.get(request.bucket) ?? 0;
  if (running >= request.capacity) return capacityRefusal(request.bucket, running, request.capacity);
  return undefined;
}

/** Per bucket: the last capacity refusal, with the figures it states. */
const capacityRefusals = new Map<string, { running: number; capacity: number; refusal: Refusal }>();

/** Buckets remembered; beyond this many (mappings come and go) the memory starts afresh. */
const REMEMBERED_BUCKETS = 10_000;

/**
 * One refusal object per full bucket while its figures stay, not one per waiting ticket (a full
 * team with thousands waiting asks the same question thousands of times) nor one per tick (the
 * tick's blocker rows and report keep refusals by identity: tick-rows.ts). Never mutated.
 */
function capacityRefusal(bucket: string, running: number, capacity: number): Refusal {
  const known = capacityRefusals.get(bucket);
  if (known?.running === running && known.capacity === capacity) return known.refusal;
  const refusal: Refusal = {
    reason: 'capacity',
    detail: `${running} of ${capacity} runs in progress for ${bucket}`,
  };
  if (capacityRefusals.size >= REMEMBERED_BUCKETS) capacityRefusals.clear();
  capacityRefusals.set(bucket, { running, capacity, refusal });
  return refusal;
}
