import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startLoopTestBed,
  TRIGGER_SECRET,
  type LoopTestBed,
  type OpenedPullRequest,
} from './loop-test-bed.ts';
import { issueCommentCreated, pullRequestClosed } from './webhook-payloads.ts';

let bed: LoopTestBed;
let opened: OpenedPullRequest;
beforeEach(async () => {
  bed = await startLoopTestBed();
  opened = await bed.openPullRequest();
});
afterEach(() => bed.close());

async function trigger(body: unknown, bearer: string | null = TRIGGER_SECRET, app = bed.app) {
  const response = await app.request('/trigger/gap-fill', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(bearer !== null ? { authorization: `Bearer ${bearer}` } : {}),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('POST /trigger/gap-fill (CONTRACTS.md §6)', () => {
  it('dispatches a gap-fill run on the PR branch for exactly the body comment-trigger.yml sends', async () => {
    const answer = await trigger({
      repository: 'acme/api',
      pullRequest: opened.pr.number,
      commentId: 9001,
      commenter: 'alice',
    });

    expect(answer.status).toBe(202);
    const [run] = bed.dispatches('gap-fill');
    expect(answer.body).toEqual({ dispatchId: run!.payload.dispatchId });
    expect(run!.payload.pullRequest).toEqual({ number: opened.pr.number, branch: opened.pr.headRef });
    expect(bed.repo.comments.at(-1)?.body).toMatch(
      /\*\*gap-fill\*\* pass on this pull request \(asked by @alice\)/,
    );
  });

  it('answers 200 skipped when the gate refuses: a run is already in flight on the PR', async () => {
    expect((await trigger({ repository: 'acme/api', pullRequest: opened.pr.number })).status).toBe(202);
    const second = await trigger({ repository: 'acme/api', pullRequest: opened.pr.number });
    expect(second).toEqual({
      status: 200,
      body: { skipped: 'in_flight', detail: 'a run for this issue is already in flight' },
    });
    expect(bed.dispatches('gap-fill')).toHaveLength(1);
  });

  it('answers 404 for a PR it did not open and 200 skipped for one already merged', async () => {
    expect((await trigger({ repository: 'acme/api', pullRequest: 4040 })).status).toBe(404);
    expect((await trigger({ repository: 'other/repo', pullRequest: opened.pr.number })).status).toBe(404);
    await bed.deliver('pull_request', pullRequestClosed(opened.pr, true));
    expect(await trigger({ repository: 'acme/api', pullRequest: opened.pr.number })).toMatchObject({
      status: 200,
      body: { skipped: 'pr_not_open' },
    });
  });

  it('answers 400 naming each bad field, 401 without the secret, 503 while it is unset', async () => {
    const bad = await trigger({ repository: 'acme', pullRequest: '12', extra: true });
    expect(bad.status).toBe(400);
    expect((bad.body.fields as { field: string }[]).map((f) => f.field).sort()).toEqual([
      '(body)',
      'pullRequest',
      'repository',
    ]);
    expect((await trigger('{"repository":', TRIGGER_SECRET)).status).toBe(400);
    expect((await trigger({ repository: 'acme/api', pullRequest: 1 }, 'wrong')).status).toBe(401);
    expect((await trigger({ repository: 'acme/api', pullRequest: 1 }, null)).status).toBe(401);
    const disabled = await startLoopTestBed({ triggerSecret: null });
    try {
      const answer = await trigger({ repository: 'acme/api', pullRequest: 1 }, TRIGGER_SECRET, disabled.app);
      expect(answer.status).toBe(503);
      expect(answer.body.message).toMatch(/GAP_FILL_TRIGGER_SECRET/);
    } finally {
      await disabled.close();
    }
    expect(bed.dispatches('gap-fill')).toHaveLength(0);
  });
});

describe('/ai-implement in a PR comment, through the webhook', () => {
  const command = (id: number, author = { login: 'alice' }, association?: string) =>
    issueCommentCreated(opened.pr, {
      id,
      author,
      body: '/ai-implement\nAlso cover the CSV export.',
      association,
    });

  it('starts the same gap-fill run as the trigger, once, however the comment arrives', async () => {
    await bed.deliver('issue_comment', command(9101), { deliveryId: 'c-1' });
    expect(bed.dispatches('gap-fill')).toHaveLength(1);
    const { dispatchId } = bed.dispatches('gap-fill')[0]!.payload;

    await bed.deliver('issue_comment', command(9101), { deliveryId: 'c-1-redelivered-with-new-id' });
    const fromWorkflow = await trigger({
      repository: 'acme/api',
      pullRequest: opened.pr.number,
      commentId: 9101,
      commenter: 'alice',
    });

    expect(fromWorkflow).toEqual({ status: 202, body: { dispatchId, duplicate: true } });
    expect(bed.dispatches('gap-fill')).toHaveLength(1);
  });

  it('takes no run from bots or from people without a role in the repository', async () => {
    await bed.deliver('issue_comment', command(9102, { login: 'helper[bot]' }));
    await bed.deliver('issue_comment', command(9103, { login: 'drive-by' }, 'NONE'));
    expect(bed.dispatches('gap-fill')).toHaveLength(0);
    expect(
      await trigger({ repository: 'acme/api', pullRequest: opened.pr.number, commenter: 'helper[bot]' }),
    ).toMatchObject({
      status: 200,
      body: { skipped: 'bot' },
    });
  });
});
