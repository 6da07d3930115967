import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HANDED_OVER_LABEL } from '../../src/orchestrator/follow-ups/follow-up-policy.ts';
import { listFeedbackOfPullRequest } from '../../src/store/pull-request-feedback.ts';
import { findPullRequest } from '../../src/store/pull-requests.ts';
import { startLoopTestBed, type LoopTestBed } from './loop-test-bed.ts';
import { pullRequestSynchronize, reviewSubmitted } from './webhook-payloads.ts';

let bed: LoopTestBed;
beforeEach(async () => {
  bed = await startLoopTestBed();
});
afterEach(() => bed.close());

const claude = { login: 'claude[bot]', type: 'Bot' as const };

describe('the per-PR budget of follow-up runs', () => {
  it('stops a bot that reviews every push at the budget and hands the PR to a person', async () => {
    // maxIterations 2 × factor 2: a budget of 4 follow-up runs.
    const { pr } = await bed.openPullRequest({ mapping: { maxIterations: 2 } });
    for (let round = 1; round <= 8; round += 1) {
      bed.h.advance(60_000);
      await bed.deliver(
        'pull_request_review',
        reviewSubmitted(pr, {
          id: 1000 + round,
          reviewer: claude,
          state: 'commented',
          body: `Blocking: issue ${round} in export.ts`,
        }),
      );
      const runs = bed.dispatches('review-fix');
      const last = runs.at(-1);
      if (last && runs.length === round) {
        // The run pushes a fix, which the bot reviews again in the next round.
        const before = pr.headSha;
        bed.push(pr);
        await bed.deliver('pull_request', pullRequestSynchronize(pr, before));
        bed.h.advance(60_000);
        await bed.finishRun(last.payload.dispatchId, { status: 'success', summary: `fixed ${round}` });
      }
    }

    expect(bed.dispatches('review-fix')).toHaveLength(4);
    const pull = bed.repo.pulls.find((p) => p.number === pr.number)!;
    expect(bed.repo.labels.get(pull.number)).toEqual([HANDED_OVER_LABEL]);
    const handedOver = bed.repo.comments.filter((c) => c.body.includes('ai-implement:handed-over'));
    expect(handedOver).toHaveLength(1);
    expect(handedOver[0]!.body).toMatch(/used its budget of 4 follow-up runs/);
    expect((await findPullRequest(bed.h.store.db, 'acme/api', pr.number))?.handed_over_at).not.toBeNull();
    expect(await bed.loop.sweep()).toEqual([]);
  });

  it('counts gap-fill and review-fix runs alike, and refuses a person’s request past it', async () => {
    const { pr } = await bed.openPullRequest({ mapping: { maxIterations: 1 } });
    for (const id of [1, 2]) {
      const outcome = await bed.loop.requestGapFill({
        repo: 'acme/api',
        number: pr.number,
        commenter: 'alice',
      });
      expect(outcome.status).toBe('dispatched');
      await bed.finishRun(bed.dispatches('gap-fill').at(-1)!.payload.dispatchId, {
        status: 'success',
        summary: `pass ${id}`,
      });
    }
    expect(
      await bed.loop.requestGapFill({ repo: 'acme/api', number: pr.number, commenter: 'alice' }),
    ).toMatchObject({
      status: 'skipped',
      reason: 'pr_budget',
    });
    expect(bed.dispatches('gap-fill')).toHaveLength(2);
  });
});

describe('reviewProviders in .ai-implement/config.yml', () => {
  const config = 'reviewProviders:\n  - login: claude[bot]\n    timeoutMinutes: 15\n';

  it('waits for the named review bot so its findings and a person’s review go into one pass', async () => {
    bed.repo.writeFile('main', '.ai-implement/config.yml', config, 'Configure AI-Implement');
    const { pr } = await bed.openPullRequest();
    await bed.deliver(
      'pull_request_review',
      reviewSubmitted(pr, {
        id: 2001,
        reviewer: { login: 'alice' },
        state: 'changes_requested',
        body: 'Name it exportUsers.',
      }),
    );
    expect(bed.dispatches('review-fix')).toHaveLength(0);
    bed.h.advance(5 * 60_000);
    expect((await bed.loop.sweep())[0]).toMatch(/waiting for claude\[bot\] until/);

    await bed.deliver(
      'pull_request_review',
      reviewSubmitted(pr, {
        id: 2002,
        reviewer: claude,
        state: 'commented',
        body: 'Blocking: the export is not paginated.',
      }),
    );

    expect(bed.dispatches('review-fix')).toHaveLength(1);
    const { dispatchId } = bed.dispatches('review-fix')[0]!.payload;
    const items = await listFeedbackOfPullRequest(bed.h.store.db, 'acme/api', pr.number);
    expect(items.map((f) => [f.id, f.dispatch_id])).toEqual([
      ['review:2001', dispatchId],
      ['review:2002', dispatchId],
    ]);
  });

  it('starts without a bot that stays silent past its timeout', async () => {
    bed.repo.writeFile('main', '.ai-implement/config.yml', config, 'Configure AI-Implement');
    const { pr } = await bed.openPullRequest();
    await bed.deliver(
      'pull_request_review',
      reviewSubmitted(pr, {
        id: 2003,
        reviewer: { login: 'alice' },
        state: 'changes_requested',
        body: 'Add a test.',
      }),
    );
    bed.h.advance(14 * 60_000);
    await bed.loop.sweep();
    expect(bed.dispatches('review-fix')).toHaveLength(0);
    bed.h.advance(2 * 60_000);
    expect(await bed.loop.sweep()).toEqual([`acme/api#${pr.number}: dispatched`]);
    expect(bed.dispatches('review-fix')).toHaveLength(1);
  });
});
