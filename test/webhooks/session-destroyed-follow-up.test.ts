import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDestroyedRun, SESSION_DESTROYED } from '../../src/orchestrator/sessions/sessions.ts';
import { getDispatch } from '../../src/store/dispatches.ts';
import { listFeedbackOfPullRequest } from '../../src/store/pull-request-feedback.ts';
import { findPullRequest } from '../../src/store/pull-requests.ts';
import { startLoopTestBed, type LoopTestBed, type OpenedPullRequest } from './loop-test-bed.ts';
import { reviewSubmitted } from './webhook-payloads.ts';

let bed: LoopTestBed;
let opened: OpenedPullRequest;
beforeEach(async () => {
  bed = await startLoopTestBed();
  opened = await bed.openPullRequest();
});
afterEach(() => bed.close());

const feedback = () => listFeedbackOfPullRequest(bed.h.store.db, 'acme/api', opened.pr.number);

describe('a follow-up run whose session is destroyed', () => {
  it('gives its feedback back to the loop, whose next sweep starts a new pass', async () => {
    await bed.deliver(
      'pull_request_review',
      reviewSubmitted(opened.pr, {
        id: 801,
        reviewer: { login: 'alice' },
        state: 'changes_requested',
        body: 'Handle empty lists.',
      }),
    );
    const [first] = bed.dispatches('review-fix');
    const row = (await getDispatch(bed.h.store.db, first!.payload.dispatchId))!;
    expect(await feedback()).toMatchObject([{ status: 'claimed', dispatch_id: row.id }]);

    expect(await closeDestroyedRun(bed.h.ctx, row, SESSION_DESTROYED)).toBe(true);
    await bed.loop.queue.idle();
    expect(await getDispatch(bed.h.store.db, row.id)).toMatchObject({
      status: 'failed',
      close_reason: 'session_destroyed',
    });
    expect(await feedback()).toMatchObject([
      { id: 'review:801', status: 'pending', dispatch_id: null, note: expect.stringMatching(/stopped/) },
    ]);
    expect(await findPullRequest(bed.h.store.db, 'acme/api', opened.pr.number)).toMatchObject({
      status: 'run_stopped',
    });
    // The ticket gets back the marker the pass was asked with, not the failure marker.
    expect(bed.h.linear.getIssue(opened.issue.id)?.labels).not.toContain('AI-Failed');

    await bed.loop.sweep();
    const passes = bed.dispatches('review-fix');
    expect(passes).toHaveLength(2);
    expect(await feedback()).toMatchObject([
      { status: 'claimed', dispatch_id: passes[1]!.payload.dispatchId },
    ]);
  });
});
