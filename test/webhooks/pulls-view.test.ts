import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLoopTestBed, type LoopTestBed } from './loop-test-bed.ts';
import { pullRequestClosed, reviewSubmitted } from './webhook-payloads.ts';

const CODE = 'admin-code-for-pulls-view';
let bed: LoopTestBed;
beforeEach(async () => {
  bed = await startLoopTestBed({ adminAccessCode: CODE });
});
afterEach(() => bed.close());

async function pulls(): Promise<Record<string, unknown>[]> {
  const auth = await bed.app.request('/api/auth', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: CODE }),
  });
  const { token } = (await auth.json()) as { token: string };
  const response = await bed.app.request('/api/pulls', { headers: { authorization: `Bearer ${token}` } });
  return ((await response.json()) as { pulls: Record<string, unknown>[] }).pulls;
}

describe('GET /api/pulls', () => {
  it('shows per PR its issue, repo, job status, runs, time since the last dispatch and links', async () => {
    const { pr, issue } = await bed.openPullRequest();
    bed.h.advance(30 * 60_000);
    expect(await pulls()).toMatchObject([
      {
        repo: 'acme/api',
        number: pr.number,
        issue: { identifier: issue.identifier },
        status: 'completed',
        state: 'open',
        iteration: 1,
        followUpRuns: { used: 0, budget: 6 },
        secondsSinceLastDispatch: 1800,
        links: {
          pullRequest: `https://github.com/acme/api/pull/${pr.number}`,
          issue: issue.url,
          branch: `https://github.com/acme/api/tree/${pr.headRef}`,
        },
      },
    ]);

    await bed.deliver(
      'pull_request_review',
      reviewSubmitted(pr, {
        id: 3001,
        reviewer: { login: 'alice' },
        state: 'changes_requested',
        body: 'Fix the header.',
      }),
    );
    bed.h.advance(60_000);
    expect(await pulls()).toMatchObject([
      { status: 'running', iteration: 2, followUpRuns: { used: 1, budget: 6 }, secondsSinceLastDispatch: 60 },
    ]);

    await bed.finishRun(bed.dispatches('review-fix')[0]!.payload.dispatchId, {
      status: 'failure',
      error: 'lint failed',
    });
    expect(await pulls()).toMatchObject([{ status: 'review_failed', state: 'open' }]);

    await bed.deliver('pull_request', pullRequestClosed(pr, true));
    expect(await pulls()).toMatchObject([{ state: 'merged' }]);
  });
});
