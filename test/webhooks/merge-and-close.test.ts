import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listBlockers } from '../../src/store/blockers.ts';
import { deleteFromDedupWindow } from '../../src/store/dedup-window.ts';
import { runTick } from '../../src/orchestrator/tick.ts';
import { listFeedbackOfPullRequest } from '../../src/store/pull-request-feedback.ts';
import { findPullRequest } from '../../src/store/pull-requests.ts';
import { getDelivery } from '../../src/store/webhook-deliveries.ts';
import { startLoopTestBed, type LoopTestBed, type OpenedPullRequest } from './loop-test-bed.ts';
import { pullRequestClosed, reviewSubmitted } from './webhook-payloads.ts';

let bed: LoopTestBed;
let opened: OpenedPullRequest;
beforeEach(async () => {
  bed = await startLoopTestBed();
  opened = await bed.openPullRequest();
});
afterEach(() => bed.close());

const pr = () => findPullRequest(bed.h.store.db, 'acme/api', opened.pr.number);
const requestChanges = (id: number) =>
  bed.deliver(
    'pull_request_review',
    reviewSubmitted(opened.pr, {
      id,
      reviewer: { login: 'alice' },
      state: 'changes_requested',
      body: `Fix ${id}.`,
    }),
  );

describe('a PR the orchestrator opened is closed on GitHub', () => {
  it('merged: moves the ticket to done, clears its markers and closes the job', async () => {
    expect(bed.h.linear.getIssue(opened.issue.id)).toMatchObject({
      labels: ['Ready for Review'],
      state: { type: 'started' },
    });

    const merged = await bed.deliver('pull_request', pullRequestClosed(opened.pr, true), {
      deliveryId: 'merge-1',
    });

    expect(merged.status).toBe(202);
    expect(bed.h.linear.getIssue(opened.issue.id)).toMatchObject({
      labels: [],
      state: { name: 'Done', type: 'completed' },
    });
    expect(await pr()).toMatchObject({ state: 'merged' });
    expect((await getDelivery(bed.h.store.db, 'merge-1'))?.outcome).toBe('merged; ticket done');

    await requestChanges(801);
    expect(bed.dispatches('review-fix')).toHaveLength(0);
    const again = await bed.deliver('pull_request', pullRequestClosed(opened.pr, true), {
      deliveryId: 'merge-2',
    });
    expect(again.status).toBe(202);
    expect((await getDelivery(bed.h.store.db, 'merge-2'))?.outcome).toBe('already_closed');
  });

  it('closed without merge: closes the job, drops waiting feedback, leaves the ticket to a person', async () => {
    await requestChanges(802);
    await requestChanges(803);
    expect(bed.dispatches('review-fix')).toHaveLength(1);

    await bed.deliver('pull_request', pullRequestClosed(opened.pr, false));

    expect(await pr()).toMatchObject({ state: 'closed' });
    const ticket = bed.h.linear.getIssue(opened.issue.id);
    expect(ticket).toMatchObject({ labels: ['AI-Working'], state: { type: 'started' } });
    expect(ticket?.comments.at(-1)).toMatch(/was closed without merging.*add the AI-Implement marker again/);
    const statuses = (await listFeedbackOfPullRequest(bed.h.store.db, 'acme/api', opened.pr.number)).map(
      (f) => f.status,
    );
    expect(statuses.sort()).toEqual(['claimed', 'closed']);

    await bed.finishRun(bed.dispatches('review-fix')[0]!.payload.dispatchId, { status: 'success' });
    expect(bed.dispatches('review-fix')).toHaveLength(1);
  });

  it('catches a close it missed when GitHub says so at dispatch, and then lets the ticket run afresh', async () => {
    bed.repo.pulls.find((p) => p.number === opened.pr.number)!.state = 'closed';
    await requestChanges(804);
    expect(bed.dispatches('review-fix')).toHaveLength(0);
    expect(await pr()).toMatchObject({ state: 'closed' });

    bed.h.linear.updateIssue(opened.issue.id, { labels: ['AI-Implement'] });
    bed.h.advance(25 * 3_600_000);
    await runTick(bed.h.ctx);
    expect(bed.dispatches().at(-1)?.payload).toMatchObject({
      phase: 'implementation',
      issue: { id: opened.issue.id },
    });
  });
});

describe('a ticket marked again while its PR is open', () => {
  it('within 24 h of its last dispatch starts nothing: a dedup blocker says until when', async () => {
    bed.h.linear.updateIssue(opened.issue.id, { labels: ['AI-Implement'] });
    bed.h.advance(3_600_000);

    const report = await runTick(bed.h.ctx);

    expect(report.dispatched).toEqual([]);
    expect(report.refused).toEqual([{ identifier: opened.issue.identifier, reason: 'dedup' }]);
    expect(bed.dispatches('gap-fill')).toHaveLength(0);
    const blockers = await listBlockers(bed.h.store.db);
    expect(blockers.map((b) => [b.issue_identifier, b.reason])).toEqual([[opened.issue.identifier, 'dedup']]);
    expect(blockers[0]?.detail).toMatch(/eligible again after .*deleting its dedup entry lets it run now/);

    // Deleting the dedup row lets it run now: a pass on the open PR.
    await deleteFromDedupWindow(bed.h.store.db, opened.issue.id);
    expect((await runTick(bed.h.ctx)).dispatched).toEqual([opened.issue.identifier]);
    expect(bed.dispatches('gap-fill')).toHaveLength(1);
  });

  it('gets a gap-fill run on that PR instead of a fresh implementation', async () => {
    bed.h.linear.updateIssue(opened.issue.id, { labels: ['AI-Implement'] });
    bed.h.advance(25 * 3_600_000);

    const report = await runTick(bed.h.ctx);

    expect(report.dispatched).toEqual([opened.issue.identifier]);
    expect(bed.dispatches('implementation')).toHaveLength(1);
    expect(bed.dispatches('gap-fill').map((d) => d.payload.pullRequest)).toEqual([
      { number: opened.pr.number, branch: opened.pr.headRef },
    ]);
    expect(bed.h.linear.getIssue(opened.issue.id)?.labels).toEqual(['AI-Working']);
  });
});
