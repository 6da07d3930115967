import { describe, expect, it } from 'vitest';
import { checksVerdict, failureAction, workflowRunIdOf, type HeadCheck } from '../../src/domain/ci-checks.ts';
import { fitCiFailure, tail } from '../../src/domain/ci-failure.ts';
import { expectedMarker, type RunForMarker } from '../../src/domain/convergence.ts';

const check = (name: string, conclusion: string | null, extra: Partial<HeadCheck> = {}): HeadCheck => ({
  name,
  source: 'check_run',
  completed: conclusion !== null,
  conclusion,
  ...extra,
});

describe('checksVerdict', () => {
  it('waits for running checks and for required checks that have not reported', () => {
    expect(checksVerdict([check('test', null)], undefined, [])).toEqual({
      kind: 'pending',
      waitingFor: ['test'],
    });
    expect(checksVerdict([check('lint', 'success')], ['lint', 'test'], [])).toEqual({
      kind: 'pending',
      waitingFor: ['test'],
    });
  });

  it('counts required checks only when given, else all but the ignored ones', () => {
    const checks = [check('build', 'success'), check('coverage', 'failure')];
    expect(checksVerdict(checks, ['build'], []).kind).toBe('passed');
    expect(checksVerdict(checks, undefined, ['Coverage']).kind).toBe('passed');
    expect(checksVerdict(checks, undefined, []).kind).toBe('failed');
    expect(checksVerdict([], undefined, [])).toEqual({ kind: 'none' });
  });

  it('tells infrastructural failures by conclusion or annotation', () => {
    expect(checksVerdict([check('test', 'timed_out')], undefined, [])).toMatchObject({
      infrastructural: true,
    });
    expect(
      checksVerdict(
        [check('test', 'failure', { annotations: ['The job was not acquired by Runner of type hosted'] })],
        undefined,
        [],
      ),
    ).toMatchObject({ infrastructural: true });
    expect(checksVerdict([check('test', 'failure'), check('e2e', 'cancelled')], undefined, [])).toMatchObject(
      { infrastructural: false },
    );
  });
});

describe('failureAction', () => {
  const base = {
    failed: [check('test', 'cancelled', { workflowRunId: 7 })],
    infrastructural: true,
    rerunHeadSha: null,
    ciFixHeadSha: null,
    headSha: 'abc',
    attemptsUsed: 0,
    maxAttempts: 2,
  };
  it('re-runs once per head, then fixes, then hands over', () => {
    expect(failureAction(base)).toEqual({ kind: 'rerun', workflowRunIds: [7] });
    expect(failureAction({ ...base, rerunHeadSha: 'abc' })).toEqual({ kind: 'ci-fix', attempt: 1 });
    expect(failureAction({ ...base, infrastructural: false, ciFixHeadSha: 'abc' }).kind).toBe(
      'already-handled',
    );
    expect(failureAction({ ...base, infrastructural: false, attemptsUsed: 2 })).toEqual({
      kind: 'hand-over',
      attempts: 2,
    });
  });
  it('parses the workflow run id of an Actions job', () => {
    expect(workflowRunIdOf('https://github.com/a/b/actions/runs/123/job/456')).toBe(123);
    expect(workflowRunIdOf('https://ci.example.com/x')).toBeUndefined();
  });
});

describe('ci failure payload', () => {
  it('keeps the end of a long log behind a marker and fits the limit', () => {
    const log = `${'x'.repeat(50_000)}\nError: boom`;
    expect(tail(log, 1000)).toMatch(
      /^\[… \d+ earlier characters of the log cut by AI-Implement\]\n[\s\S]*Error: boom$/,
    );
    const fitted = fitCiFailure({
      headSha: 'abc',
      checks: [{ name: 'test', conclusion: 'failure', annotations: [], logTail: log }],
    });
    expect(JSON.stringify(fitted).length).toBeLessThanOrEqual(24_000);
    expect(fitted.checks[0]!.logTail).toMatch(/Error: boom$/);
  });
});

describe('markers with CI (CONTRACTS.md §10)', () => {
  const run = (extra: Partial<RunForMarker>): RunForMarker => ({
    phase: 'implementation',
    status: 'succeeded',
    closeReason: 'result',
    hasPullRequest: true,
    startsJob: true,
    ...extra,
  });
  it('shows CI Fixing while a ci-fix runs or the checks fail, AI-Failed once the budget is spent', () => {
    expect(expectedMarker(run({ phase: 'ci-fix', status: 'running', closeReason: null }))).toMatchObject({
      marker: 'ciFixing',
    });
    expect(expectedMarker(run({ checks: 'failing' }))).toMatchObject({ marker: 'ciFixing' });
    expect(expectedMarker(run({ phase: 'ci-fix', checks: 'pending' }))).toMatchObject({ marker: 'ciFixing' });
    expect(expectedMarker(run({ phase: 'ci-fix', checks: 'passed' }))).toMatchObject({
      marker: 'readyForReview',
    });
    expect(expectedMarker(run({ checks: 'exhausted' }))).toMatchObject({ marker: 'failed' });
    expect(expectedMarker(run({ checks: null }))).toMatchObject({ marker: 'readyForReview' });
  });

  it('shows Ready for Review only once the checks passed or the head has none; AI-Working while they run', () => {
    expect(expectedMarker(run({ checks: 'pending' }))).toMatchObject({
      marker: 'working',
      moveToStarted: false,
    });
    expect(expectedMarker(run({ phase: 'review-fix', checks: 'pending' }))).toMatchObject({
      marker: 'working',
    });
    expect(expectedMarker(run({ checks: 'passed' }))).toMatchObject({ marker: 'readyForReview' });
    expect(expectedMarker(run({ checks: 'none' }))).toMatchObject({ marker: 'readyForReview' });
    expect(expectedMarker(run({ phase: 'ci-fix', checks: 'none' }))).toMatchObject({
      marker: 'readyForReview',
    });
  });
});
