import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertPendingDispatch } from '../../src/store/dispatches.ts';
import { getQuestion, recordQuestion, setQuestionChannel } from '../../src/store/run-questions.ts';
import { getDelivery } from '../../src/store/webhook-deliveries.ts';
import { startLoopTestBed, WEBHOOK_SECRET, type LoopTestBed } from './loop-test-bed.ts';
import { issueCommentCreated, reviewSubmitted, type PullRequestFacts } from './webhook-payloads.ts';
import { pendingDispatch } from '../support/dispatch-fixtures.ts';

let bed: LoopTestBed;
beforeEach(async () => {
  bed = await startLoopTestBed();
});
afterEach(() => bed.close());

const alice = { login: 'alice' };
const changesRequested = (pr: PullRequestFacts, id = 501) =>
  reviewSubmitted(pr, {
    id,
    reviewer: alice,
    state: 'changes_requested',
    body: 'Please handle empty exports.',
  });

describe('POST /api/github/webhook', () => {
  it('accepts a signed delivery with 202 at once and handles it afterwards', async () => {
    const { pr } = await bed.openPullRequest();
    const response = await bed.deliver('pull_request_review', changesRequested(pr), { deliveryId: 'd-1' });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: true, deliveryId: 'd-1' });
    expect(bed.dispatches('review-fix')).toHaveLength(1);
    expect(await getDelivery(bed.h.store.db, 'd-1')).toMatchObject({
      event: 'pull_request_review',
      action: 'submitted',
      repo: 'acme/api',
      outcome: 'queued; dispatched',
    });
  });

  it('ignores a delivery id it has already handled', async () => {
    const { pr } = await bed.openPullRequest();
    await bed.deliver('pull_request_review', changesRequested(pr), { deliveryId: 'd-2' });
    const again = await bed.deliver('pull_request_review', changesRequested(pr), { deliveryId: 'd-2' });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ duplicate: true, deliveryId: 'd-2' });
    expect(bed.dispatches('review-fix')).toHaveLength(1);
  });

  it('answers 401 to an unsigned body and to a wrong signature, and acts on neither', async () => {
    const { pr } = await bed.openPullRequest();
    const unsigned = await bed.deliver('pull_request_review', changesRequested(pr), { sign: false });
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { message: string }).message).toMatch(
      /X-Hub-Signature-256 is missing/,
    );
    const forged = await bed.deliver('pull_request_review', changesRequested(pr), {
      secret: 'not-the-secret',
    });
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { message: string }).message).toMatch(/does not match/);
    expect(bed.dispatches('review-fix')).toHaveLength(0);
  });

  it('answers 400 to a signed body that is not JSON, and to a used event missing a field', async () => {
    const { pr } = await bed.openPullRequest();
    const malformed = await bed.deliver('pull_request_review', changesRequested(pr), {
      rawBody: '{"action": "submitted",',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({
      error: 'invalid_request',
      fields: [{ field: '(body)', message: 'is not valid JSON' }],
    });
    const payload = changesRequested(pr);
    const { review: _review, ...withoutReview } = payload;
    const truncated = await bed.deliver('pull_request_review', payload, {
      rawBody: JSON.stringify(withoutReview),
    });
    expect(truncated.status).toBe(400);
    expect(
      ((await truncated.json()) as { fields: { field: string }[] }).fields.map((f) => f.field),
    ).toContain('review');
    expect(bed.dispatches('review-fix')).toHaveLength(0);
  });

  it('answers 400 naming a missing X-GitHub-Delivery header', async () => {
    const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
    const response = await bed.app.request('/api/github/webhook', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'ping',
        'x-hub-signature-256': `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`,
      },
      body,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ fields: [{ field: 'X-GitHub-Delivery' }] });
  });

  it('handles an event for a PR it did not open by doing nothing', async () => {
    await bed.openPullRequest();
    const foreign: PullRequestFacts = {
      owner: 'acme',
      repo: 'api',
      number: 999,
      headRef: 'x',
      headSha: 'c'.repeat(40),
    };
    const response = await bed.deliver('pull_request_review', changesRequested(foreign), {
      deliveryId: 'd-foreign',
    });
    expect(response.status).toBe(202);
    expect((await getDelivery(bed.h.store.db, 'd-foreign'))?.outcome).toBe('not_ours');
    expect(bed.dispatches('review-fix')).toHaveLength(0);
  });

  it("takes a comment on a GitHub issue as the answer to its run's open agent question (issue 21)", async () => {
    const issue: PullRequestFacts = {
      owner: 'acme',
      repo: 'api',
      number: 42,
      headRef: 'x',
      headSha: 'c'.repeat(40),
    };
    const now = bed.h.ctx.clock().toISOString();
    await insertPendingDispatch(
      bed.h.store.db,
      pendingDispatch({
        id: 'run-gh',
        issue_id: 'acme/api#42',
        issue_identifier: 'acme/api#42',
        issue_url: 'https://github.com/acme/api/issues/42',
        ticketing_provider: 'github',
        team_key: 'acme/api',
        bucket: 'acme/api',
        created_at: now,
        deadline_at: new Date(Date.parse(now) + 3_600_000).toISOString(),
      }),
    );
    const { row } = await recordQuestion(bed.h.store.db, {
      dispatch_id: 'run-gh',
      question_key: 'implement-1',
      issue_id: 'acme/api#42',
      issue_identifier: 'acme/api#42',
      pass: 'implement',
      question: 'CSV or TSV?',
      asked_at: now,
    });
    await setQuestionChannel(bed.h.store.db, row.id, 'comment', null);
    const reply = await bed.deliver(
      'issue_comment',
      issueCommentCreated(issue, { id: 7002, author: alice, body: 'CSV.' }, false),
    );
    expect(reply.status).toBe(200);
    for (let i = 0; i < 100 && !(await getQuestion(bed.h.store.db, row.id))?.answer; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await getQuestion(bed.h.store.db, row.id)).toMatchObject({ answer: 'CSV.', answered_by: 'alice' });
  });

  it('answers 200 ignored to events and comments it has no use for', async () => {
    const { pr } = await bed.openPullRequest();
    const onIssue = await bed.deliver(
      'issue_comment',
      issueCommentCreated(pr, { id: 7001, author: alice, body: 'Please fix this.' }, false),
    );
    expect(onIssue.status).toBe(200);
    expect(await onIssue.json()).toMatchObject({ ignored: 'comment on an issue, not a pull request' });
    const body = JSON.stringify({ zen: 'Design for failure.', hook_id: 1 });
    const ping = await bed.app.request('/api/github/webhook', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'ping',
        'x-github-delivery': 'ping-1',
        'x-hub-signature-256': `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`,
      },
      body,
    });
    expect(ping.status).toBe(200);
    expect(await ping.json()).toMatchObject({ ignored: 'ping' });
  });
});

describe('POST /api/github/webhook without its secret or the admin code', () => {
  it('answers 503 while GITHUB_WEBHOOK_SECRET is unset', async () => {
    const disabled = await startLoopTestBed({ webhookSecret: null });
    try {
      const response = await disabled.app.request('/api/github/webhook', { method: 'POST', body: '{}' });
      expect(response.status).toBe(503);
      expect(((await response.json()) as { message: string }).message).toMatch(/GITHUB_WEBHOOK_SECRET/);
    } finally {
      await disabled.close();
    }
  });

  it('works whether or not ADMIN_ACCESS_CODE is set, while the rest of /api stays closed', async () => {
    const withAdmin = await startLoopTestBed({ adminAccessCode: 'admin-code-0123456789' });
    try {
      const { pr } = await withAdmin.openPullRequest();
      expect((await withAdmin.deliver('pull_request_review', changesRequested(pr))).status).toBe(202);
      expect((await withAdmin.app.request('/api/pulls')).status).toBe(401);
    } finally {
      await withAdmin.close();
    }
    const { pr } = await bed.openPullRequest();
    expect((await bed.deliver('pull_request_review', changesRequested(pr, 777))).status).toBe(202);
    expect((await bed.app.request('/api/pulls')).status).toBe(404);
  });
});
