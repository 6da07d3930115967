import { describe, expect, it } from 'vitest';
import {
  expectedMarker,
  markerShown,
  resolveUnknownDispatch,
  staleInFlightMarker,
  type RunForMarker,
} from '../../src/domain/convergence.ts';

const run = (patch: Partial<RunForMarker>): RunForMarker => ({
  phase: 'implementation',
  status: 'running',
  closeReason: null,
  hasPullRequest: false,
  startsJob: true,
  ...patch,
});

describe('the marker a ticket should carry', () => {
  it('follows the latest run and its state', () => {
    expect(expectedMarker(run({ phase: 'planning', status: 'pending' }))).toEqual({
      kind: 'set',
      marker: 'planning',
      moveToStarted: true,
    });
    expect(expectedMarker(run({ startsJob: false }))).toEqual({
      kind: 'set',
      marker: 'working',
      moveToStarted: false,
    });
    expect(
      expectedMarker(run({ phase: 'planning', status: 'succeeded', closeReason: 'result' })),
    ).toMatchObject({
      marker: 'planComplete',
    });
    expect(expectedMarker(run({ status: 'succeeded', hasPullRequest: true }))).toMatchObject({
      marker: 'readyForReview',
    });
    expect(expectedMarker(run({ status: 'succeeded' }))).toEqual({ kind: 'clear', marker: 'working' });
    expect(expectedMarker(run({ phase: 'gap-fill', status: 'succeeded' }))).toMatchObject({
      marker: 'readyForReview',
    });
    expect(
      expectedMarker(run({ phase: 'planning', status: 'failed', closeReason: 'deadline' })),
    ).toMatchObject({
      marker: 'planningFailed',
    });
    expect(expectedMarker(run({ status: 'failed', closeReason: 'refused' }))).toMatchObject({
      marker: 'failed',
    });
  });

  it('enforces nothing on a closed ticket', () => {
    expect(expectedMarker(run({ status: 'succeeded', closeReason: 'ticket_closed' }))).toEqual({
      kind: 'none',
    });
  });

  it('puts back the ask after a refusal the next attempt retries, so the poll picks the ticket up again', () => {
    const retry = { status: 'failed', closeReason: 'refused_retry' } as const;
    expect(expectedMarker(run(retry))).toMatchObject({ kind: 'set', marker: 'ready' });
    expect(expectedMarker(run({ ...retry, startsJob: false }))).toMatchObject({ marker: 'planComplete' });
    expect(expectedMarker(run({ ...retry, phase: 'gap-fill', startsJob: false }))).toMatchObject({
      marker: 'readyForReview',
    });
  });

  it('reads a person’s Plan-Approved as past Plan-Complete, and a leftover AI-Implement as not shown', () => {
    const planComplete = { kind: 'set', marker: 'planComplete', moveToStarted: false } as const;
    expect(markerShown(planComplete, ['planApproved'])).toBe(true);
    expect(markerShown({ kind: 'set', marker: 'readyForReview', moveToStarted: false }, ['ready'])).toBe(
      false,
    );
    expect(markerShown({ kind: 'clear', marker: 'working' }, ['working'])).toBe(false);
    expect(markerShown({ kind: 'clear', marker: 'working' }, [])).toBe(true);
  });

  it('reads an in-flight marker the run does not call for as a late write, never a person’s', () => {
    const review = { kind: 'set', marker: 'readyForReview', moveToStarted: false } as const;
    const working = { kind: 'set', marker: 'working', moveToStarted: true } as const;
    expect(markerShown(review, ['working', 'readyForReview'])).toBe(false);
    expect(staleInFlightMarker(review, ['working', 'readyForReview'])).toBe(true);
    expect(staleInFlightMarker(working, ['working'])).toBe(false);
    expect(staleInFlightMarker(working, ['planning', 'working'])).toBe(true);
    // A person's own markers (a new ask, an approval) are theirs to keep once the marker was confirmed.
    expect(staleInFlightMarker(review, ['ready', 'readyForReview'])).toBe(false);
    expect(staleInFlightMarker({ kind: 'none' }, ['working'])).toBe(false);
  });
});

describe('a dispatch of unknown outcome', () => {
  const base = { sinceLastCallMs: 60_000, graceMs: 30_000, attempts: 1, maxAttempts: 3 };
  it('is adopted when found, whatever the time', () => {
    expect(
      resolveUnknownDispatch({ ...base, sinceLastCallMs: 0, lookup: { kind: 'found', externalId: '42' } }),
    ).toEqual({ kind: 'adopt', externalId: '42' });
  });
  it('is dispatched again only when certainly absent after the grace period, and a bounded number of times', () => {
    expect(resolveUnknownDispatch({ ...base, lookup: { kind: 'absent' } })).toEqual({ kind: 'redispatch' });
    expect(resolveUnknownDispatch({ ...base, sinceLastCallMs: 29_999, lookup: { kind: 'absent' } })).toEqual({
      kind: 'wait',
    });
    expect(resolveUnknownDispatch({ ...base, attempts: 3, lookup: { kind: 'absent' } })).toEqual({
      kind: 'give_up',
    });
    expect(resolveUnknownDispatch({ ...base, lookup: { kind: 'unknown' } })).toEqual({ kind: 'wait' });
  });
});
