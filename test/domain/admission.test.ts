import { describe, expect, it } from 'vitest';
import { checkAdmission, type AdmissionRequest, type AdmissionState } from '../../src/domain/admission.ts';

const now = new Date('2026-11-21T12:00:00Z');
const hours = (n: number) => new Date(now.getTime() - n * 3_600_000);

function state(overrides: Partial<AdmissionState> = {}): AdmissionState {
  return {
    now,
    dedupWindowMs: 24 * 3_600_000,
    inFlightIssueIds: new Set(),
    inFlightByBucket: new Map(),
    dedupDispatchedAt: new Map(),
    parkedIssueIds: new Set(),
    ...overrides,
  };
}

const pickup: AdmissionRequest = {
  kind: 'pickup',
  issueId: 'i1',
  paused: false,
  bucket: 'linear:ENG',
  capacity: 3,
  dependencies: [],
};

describe('admission gate', () => {
  it('admits a free issue', () => {
    expect(checkAdmission(pickup, state())).toBeUndefined();
  });

  it('refuses for each rule with its reason', () => {
    expect(checkAdmission({ ...pickup, paused: true }, state())?.reason).toBe('paused');
    expect(checkAdmission(pickup, state({ parkedIssueIds: new Set(['i1']) }))?.reason).toBe('breaker');
    const blocked = checkAdmission(
      {
        ...pickup,
        dependencies: [
          { id: 'b', identifier: 'ENG-9', title: 't', url: 'u', stateType: 'started', resolved: false },
          { id: 'c', identifier: 'ENG-8', title: 't', url: 'u', stateType: 'completed', resolved: true },
        ],
      },
      state(),
    );
    expect(blocked).toEqual({
      reason: 'dependency',
      detail: 'blocked by unresolved ENG-9',
      blocking: [{ identifier: 'ENG-9', url: 'u' }],
    });
    expect(checkAdmission(pickup, state({ inFlightIssueIds: new Set(['i1']) }))?.reason).toBe('in_flight');
    expect(checkAdmission(pickup, state({ dedupDispatchedAt: new Map([['i1', hours(23)]]) }))?.reason).toBe(
      'dedup',
    );
    expect(checkAdmission(pickup, state({ inFlightByBucket: new Map([['linear:ENG', 3]]) }))?.detail).toBe(
      '3 of 3 runs in progress for linear:ENG',
    );
    expect(
      checkAdmission({ ...pickup, kind: 'review-fix', pullRequestRuns: { used: 6, budget: 6 } }, state())
        ?.reason,
    ).toBe('pr_budget');
  });

  it('lets the dedup window lapse after 24 hours, and never applies it to follow-ups', () => {
    const window = state({ dedupDispatchedAt: new Map([['i1', hours(25)]]) });
    expect(checkAdmission(pickup, window)).toBeUndefined();
    const recent = state({ dedupDispatchedAt: new Map([['i1', hours(1)]]) });
    expect(checkAdmission({ ...pickup, kind: 'plan-approval' }, recent)).toBeUndefined();
  });

  it('counts capacity per bucket', () => {
    const full = state({ inFlightByBucket: new Map([['linear:OPS', 5]]) });
    expect(checkAdmission(pickup, full)).toBeUndefined();
  });
});

describe('admission gate: budgets and review capacity (issue 16)', () => {
  const spend = {
    teamDay: new Map([['ENG', 4]]),
    teamMonth: new Map([['ENG', 40]]),
    globalMonth: 90,
  };
  const team = { ...pickup, teamKey: 'ENG' };

  it('refuses every kind of run once a budget is spent, naming it, the spend and the reset', () => {
    const refusal = checkAdmission({ ...team, budgets: { dailyBudgetUsd: 4 } }, state({ spend }));
    expect(refusal).toEqual({
      reason: 'budget',
      detail: 'the daily budget of ENG is spent: $4.00 of $4.00; it resets at 2026-11-22T00:00:00.000Z',
    });
    const followUp = { ...team, kind: 'review-fix' as const, budgets: { monthlyBudgetUsd: 40 } };
    expect(checkAdmission(followUp, state({ spend }))?.reason).toBe('budget');
    expect(checkAdmission(team, state({ spend: { ...spend, globalMonthlyBudgetUsd: 100 } }))).toBeUndefined();
    expect(checkAdmission(team, state({ spend: { ...spend, globalMonthlyBudgetUsd: 90 } }))?.detail).toMatch(
      /^the global monthly budget \(GLOBAL_MONTHLY_BUDGET_USD\) is spent: \$90\.00 of \$90\.00; it resets at 2026-12-01T00:00:00\.000Z$/,
    );
  });

  it('holds new pickups at review capacity, never follow-ups', () => {
    const awaitingReviewByTeam = new Map([['ENG', 2]]);
    const capped = { ...team, maxPullRequestsAwaitingReview: 2 };
    expect(checkAdmission(capped, state({ awaitingReviewByTeam }))?.reason).toBe('review_capacity');
    expect(
      checkAdmission({ ...capped, kind: 'review-fix', fromMarker: false }, state({ awaitingReviewByTeam })),
    ).toBeUndefined();
    expect(
      checkAdmission({ ...capped, maxPullRequestsAwaitingReview: 3 }, state({ awaitingReviewByTeam })),
    ).toBeUndefined();
  });
});
