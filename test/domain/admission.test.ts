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
    expect(blocked).toEqual({ reason: 'dependency', detail: 'blocked by unresolved ENG-9' });
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
