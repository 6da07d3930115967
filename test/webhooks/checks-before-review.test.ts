import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findPullRequest } from '../../src/store/pull-requests.ts';
import { checkSuiteCompleted } from './check-payloads.ts';
import { startLoopTestBed, type LoopTestBed, type OpenedPullRequest } from './loop-test-bed.ts';

/**
 * Issue 17: a ticket shows `Ready for Review` once its PR's checks pass, or once a head pushed
 * `ciChecksGraceMs` ago still has none — not the moment the PR opens. Until then it stays
 * `AI-Working`.
 */
const GRACE_MS = 120_000;

let bed: LoopTestBed;
let opened: OpenedPullRequest;

beforeEach(async () => {
  bed = await startLoopTestBed();
  bed.h.ctx.policy = { ...bed.h.ctx.policy, ciChecksGraceMs: GRACE_MS };
  opened = await bed.openPullRequest();
});
afterEach(() => bed.close());

const labels = () => bed.h.linear.getIssue(opened.issue.id)?.labels;
const pr = () => findPullRequest(bed.h.store.db, 'acme/api', opened.pr.number);

describe('Ready for Review waits for the checks', () => {
  it('keeps AI-Working while the checks run and moves to Ready for Review when they pass', async () => {
    expect(labels()).toEqual(['AI-Working']);
    expect(await pr()).toMatchObject({ checks_state: 'pending' });

    const test = bed.github.fake.addCheckRun({
      owner: 'acme',
      repo: 'api',
      sha: opened.pr.headSha,
      name: 'test',
      status: 'in_progress',
      conclusion: null,
      workflowRunId: 9300,
    });
    expect(await bed.loop.sweep()).toContainEqual(expect.stringMatching(/checks: pending: test/));
    expect(labels()).toEqual(['AI-Working']);

    test.status = 'completed';
    test.conclusion = 'success';
    await bed.deliver(
      'check_suite',
      checkSuiteCompleted(opened.pr, { sha: opened.pr.headSha, conclusion: 'success' }),
    );
    expect(await pr()).toMatchObject({ checks_state: 'passed', checks_summary: '1 check passed' });
    expect(labels()).toEqual(['Ready for Review']);
    expect(bed.dispatches('ci-fix')).toHaveLength(0);
  });

  it('counts a head with no checks after the grace as having none, then shows Ready for Review', async () => {
    expect(labels()).toEqual(['AI-Working']);
    expect(await pr()).toMatchObject({ checks_summary: 'waiting for checks to be reported' });

    bed.h.advance(GRACE_MS - 1_000);
    await bed.loop.sweep();
    expect(labels()).toEqual(['AI-Working']);

    bed.h.advance(2_000);
    expect(await bed.loop.sweep()).toContainEqual(expect.stringMatching(/checks: none$/));
    expect(await pr()).toMatchObject({ checks_state: 'none', checks_summary: 'no checks' });
    expect(labels()).toEqual(['Ready for Review']);
  });

  it('treats checks the App may not read as none rather than keep the ticket waiting', async () => {
    // GitHub answers 403 "Resource not accessible by integration" without Checks: read.
    bed.github.fake.failNext(1, 403, {
      operationId: 'checks/list-for-ref',
      message: 'Resource not accessible by integration',
    });
    expect(await bed.loop.sweep()).toContainEqual(
      expect.stringMatching(/checks_unreadable: counted as none/),
    );
    expect(await pr()).toMatchObject({ checks_state: 'none' });
    expect(labels()).toEqual(['Ready for Review']);
  });
});
