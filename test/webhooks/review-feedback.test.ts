import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDispatch } from '../../src/store/dispatches.ts';
import { listFeedbackOfPullRequest } from '../../src/store/pull-request-feedback.ts';
import { findPullRequest } from '../../src/store/pull-requests.ts';
import { APP_ID } from '../github/github-test-setup.ts';
import { startLoopTestBed, type LoopTestBed, type OpenedPullRequest } from './loop-test-bed.ts';
import {
  issueCommentCreated,
  reviewCommentCreated,
  reviewSubmitted,
  type ReviewFacts,
} from './webhook-payloads.ts';

let bed: LoopTestBed;
let opened: OpenedPullRequest;
beforeEach(async () => {
  bed = await startLoopTestBed();
  opened = await bed.openPullRequest();
});
afterEach(() => bed.close());

const alice = { login: 'alice' };
const reviewBot = { login: 'claude[bot]', type: 'Bot' as const };
const review = (facts: Partial<ReviewFacts> & { id: number }) =>
  bed.deliver(
    'pull_request_review',
    reviewSubmitted(opened.pr, {
      reviewer: alice,
      state: 'changes_requested',
      body: 'Handle empty lists.',
      ...facts,
    }),
  );
const comment = (
  id: number,
  body: string,
  author = alice,
  extra: { association?: string; viaAppId?: number } = {},
) => bed.deliver('issue_comment', issueCommentCreated(opened.pr, { id, author, body, ...extra }));
const feedback = () => listFeedbackOfPullRequest(bed.h.store.db, 'acme/api', opened.pr.number);
const prComments = () =>
  bed.repo.comments.filter((c) => c.issueNumber === opened.pr.number).map((c) => c.body);

describe('review feedback on a PR the orchestrator opened', () => {
  it('sends a Request changes review to exactly one review-fix run on the same branch and job', async () => {
    await review({ id: 601 });

    const [run] = bed.dispatches('review-fix');
    expect(bed.dispatches('review-fix')).toHaveLength(1);
    expect(run!.payload).toMatchObject({
      phase: 'review-fix',
      issue: { id: opened.issue.id },
      pullRequest: { number: opened.pr.number, branch: opened.pr.headRef },
    });
    expect((await getDispatch(bed.h.store.db, run!.payload.dispatchId))?.job_id).toBe(opened.jobId);
    expect(bed.h.linear.getIssue(opened.issue.id)?.labels).toEqual(['AI-Working']);
    expect(await feedback()).toMatchObject([
      { id: 'review:601', status: 'claimed', dispatch_id: run!.payload.dispatchId },
    ]);
    expect(prComments().at(-1)).toMatch(
      /started a \*\*review-fix\*\* pass .* follow-up run 1 of 6[\s\S]*Handle empty lists/,
    );
  });

  it('folds the inline comments of that review into the running pass, then settles them all', async () => {
    await review({ id: 602 });
    for (const [id, line] of [
      [7101, 10],
      [7102, 20],
    ] as const) {
      await bed.deliver(
        'pull_request_review_comment',
        reviewCommentCreated(opened.pr, {
          id,
          reviewId: 602,
          author: alice,
          body: `Off by one here (${line}).`,
          path: 'src/export.ts',
          line,
        }),
      );
    }
    expect(bed.dispatches('review-fix')).toHaveLength(1);
    const dispatchId = bed.dispatches('review-fix')[0]!.payload.dispatchId;

    await bed.finishRun(dispatchId, {
      status: 'success',
      summary: 'Handled empty lists and the off-by-one.',
    });

    expect((await feedback()).map((f) => [f.id, f.status])).toEqual([
      ['review:602', 'addressed'],
      ['review_comment:7101', 'addressed'],
      ['review_comment:7102', 'addressed'],
    ]);
    const gap = bed.repo.comments.find((c) => c.body.includes('ai-implement:gap-analysis'))!.body;
    expect(gap).toMatch(/## Gap analysis[\s\S]*### Review feedback addressed/);
    expect(gap).toMatch(/review-fix pass 2\*\* .*Handled empty lists and the off-by-one/);
    expect(gap).toMatch(/comment on src\/export.ts by @alice.*Off by one here \(20\)/);
    expect(bed.dispatches('review-fix')).toHaveLength(1);
    expect((await findPullRequest(bed.h.store.db, 'acme/api', opened.pr.number))?.status).toBe('completed');
    expect(bed.h.linear.getIssue(opened.issue.id)?.labels).toEqual(['Ready for Review']);
  });

  it('queues feedback that arrives while a run is in flight for one next pass after it', async () => {
    await review({ id: 603 });
    await comment(7201, 'Please also rename `exportAll` to `exportUsers`.');
    await comment(7202, 'And the CSV header must be quoted.');
    expect(bed.dispatches('review-fix')).toHaveLength(1);

    await bed.finishRun(bed.dispatches('review-fix')[0]!.payload.dispatchId, { status: 'success' });

    expect(bed.dispatches('review-fix')).toHaveLength(2);
    const second = bed.dispatches('review-fix')[1]!.payload.dispatchId;
    expect((await feedback()).filter((f) => f.dispatch_id === second).map((f) => f.id)).toEqual([
      'comment:7201',
      'comment:7202',
    ]);
  });

  it('takes no run for approvals, praise, nits, or feedback equal to what a pass addressed', async () => {
    await review({ id: 604, state: 'approved', body: 'Looks good, must ship.' });
    await comment(7301, 'Thanks, great work!');
    await bed.deliver(
      'pull_request_review_comment',
      reviewCommentCreated(opened.pr, {
        id: 7302,
        reviewId: 605,
        author: alice,
        body: 'nit: spacing',
        path: 'a.ts',
        line: 1,
      }),
    );
    expect(bed.dispatches('review-fix')).toHaveLength(0);

    await comment(7303, 'Please handle the empty export.');
    await bed.finishRun(bed.dispatches('review-fix')[0]!.payload.dispatchId, { status: 'success' });
    await comment(7304, 'Please   handle the EMPTY export.');

    expect(bed.dispatches('review-fix')).toHaveLength(1);
    expect((await feedback()).map((f) => [f.id, f.status]).sort()).toEqual([
      ['comment:7301', 'ignored'],
      ['comment:7303', 'addressed'],
      ['comment:7304', 'duplicate'],
      ['review:604', 'ignored'],
      ['review_comment:7302', 'ignored'],
    ]);
  });

  it('treats a reply in a review thread as conversation unless it asks for a change', async () => {
    const reply = (id: number, body: string) =>
      bed.deliver(
        'pull_request_review_comment',
        reviewCommentCreated(opened.pr, {
          id,
          reviewId: 610,
          inReplyTo: 7000,
          author: alice,
          body,
          path: 'a.ts',
          line: 4,
        }),
      );
    await reply(7601, 'Done, looks right now.');
    expect(bed.dispatches('review-fix')).toHaveLength(0);
    await reply(7602, 'Still broken: the null case must return 404.');
    expect(bed.dispatches('review-fix')).toHaveLength(1);
  });

  it('never runs on its own comments or those of its App, nor on bot comments', async () => {
    await comment(7401, 'Please fix the build.', { login: 'ai-implement[bot]' }, { viaAppId: APP_ID });
    await comment(7402, '<!-- ai-implement:follow-up -->\nPlease fix', alice);
    await comment(7403, 'Please fix the lint errors.', { login: 'lint-bot[bot]' });
    expect(bed.dispatches('review-fix')).toHaveLength(0);
    expect((await feedback()).map((f) => [f.id, f.status, f.triggers])).toEqual([
      ['comment:7403', 'pending', 0],
    ]);
  });

  it('runs for a bot review of the current head only, and not again for a head a run already read', async () => {
    await review({
      id: 606,
      reviewer: reviewBot,
      state: 'commented',
      body: '🔴 Blocking: SQL injection',
      commitId: 'd'.repeat(40),
    });
    expect(bed.dispatches('review-fix')).toHaveLength(0);

    await review({
      id: 607,
      reviewer: reviewBot,
      state: 'commented',
      body: 'Blocking: SQL injection in export.ts',
    });
    expect(bed.dispatches('review-fix')).toHaveLength(1);
    expect((await feedback()).map((f) => [f.id, f.status])).toEqual([
      ['review:606', 'stale'],
      ['review:607', 'claimed'],
    ]);
  });

  it('lets feedback by people without a role ride along, never start a run', async () => {
    await comment(7501, 'You must fix this!', { login: 'drive-by' }, { association: 'NONE' });
    expect(bed.dispatches('review-fix')).toHaveLength(0);
    await review({ id: 608 });
    const dispatchId = bed.dispatches('review-fix')[0]!.payload.dispatchId;
    expect((await feedback()).map((f) => [f.id, f.dispatch_id])).toEqual([
      ['comment:7501', dispatchId],
      ['review:608', dispatchId],
    ]);
  });

  it('marks the PR review_failed when the pass fails, and does not start another by itself', async () => {
    await review({ id: 609 });
    await bed.finishRun(bed.dispatches('review-fix')[0]!.payload.dispatchId, {
      status: 'failure',
      error: 'tests failed',
    });
    expect((await findPullRequest(bed.h.store.db, 'acme/api', opened.pr.number))?.status).toBe(
      'review_failed',
    );
    expect((await feedback()).map((f) => f.status)).toEqual(['failed']);
    expect(bed.dispatches('review-fix')).toHaveLength(1);
    expect(await bed.loop.sweep()).toEqual([]);
  });
});
