import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/database.ts';
import {
  claimFeedback,
  insertFeedback,
  listAddressedFingerprints,
  listPullRequestsWithPendingFeedback,
  settleFeedbackOfDispatch,
  type FeedbackRow,
} from '../../src/store/pull-request-feedback.ts';
import {
  closePullRequest,
  findPullRequest,
  listIssueIdsWithOpenPullRequests,
  markHandedOver,
  noteHeadCommit,
  upsertPullRequest,
} from '../../src/store/pull-requests.ts';
import {
  claimDelivery,
  finishDelivery,
  getDelivery,
  pruneDeliveries,
} from '../../src/store/webhook-deliveries.ts';
import { storeDialects } from '../support/store-dialects.ts';

const t0 = new Date('2026-11-21T10:00:00.000Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

function item(id: string, extra: Partial<FeedbackRow> = {}): FeedbackRow {
  return {
    id,
    repo: 'acme/api',
    pr_number: 7,
    kind: 'comment',
    github_id: id,
    review_id: null,
    author: 'alice',
    author_kind: 'person',
    review_state: null,
    body: `body of ${id}`,
    url: `https://github.com/acme/api/pull/7#issuecomment-${id}`,
    path: null,
    line: null,
    commit_id: null,
    fingerprint: `fp-${id}`,
    triggers: 1,
    status: 'pending',
    note: null,
    dispatch_id: null,
    created_at: at(0).toISOString(),
    received_at: at(0).toISOString(),
    settled_at: null,
    ...extra,
  };
}

for (const dialect of storeDialects()) {
  describe(`pull-request loop tables on ${dialect.name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await dialect.open();
    });
    afterEach(() => store?.close());
    afterAll(() => dialect.shutdown());

    it('claims a delivery id once, again only after a failure or a handling that never finished', async () => {
      const row = {
        delivery_id: 'd1',
        event: 'issue_comment',
        action: 'created',
        repo: 'acme/api',
        received_at: at(0).toISOString(),
      };
      expect(await claimDelivery(store.db, row, at(-10))).toBe(true);
      expect(await claimDelivery(store.db, row, at(-10))).toBe(false);
      expect(await claimDelivery(store.db, { ...row, received_at: at(20).toISOString() }, at(10))).toBe(true);
      await finishDelivery(store.db, 'd1', 'failed: boom', at(21));
      expect(await claimDelivery(store.db, row, at(-10))).toBe(true);
      await finishDelivery(store.db, 'd1', 'queued; dispatched', at(22));
      expect(await claimDelivery(store.db, row, at(100))).toBe(false);
      expect(await getDelivery(store.db, 'd1')).toMatchObject({ outcome: 'queued; dispatched' });
      expect(await pruneDeliveries(store.db, at(60))).toBe(1);
    });

    it('stores feedback once, hands it to a run, and settles what that run took', async () => {
      expect(await insertFeedback(store.db, item('1'))).toBe(true);
      expect(await insertFeedback(store.db, item('1', { body: 'changed' }))).toBe(false);
      await insertFeedback(store.db, item('2', { triggers: 0, received_at: at(5).toISOString() }));
      await insertFeedback(store.db, item('3', { status: 'ignored' }));
      expect(await listPullRequestsWithPendingFeedback(store.db)).toEqual([
        { repo: 'acme/api', pr_number: 7 },
      ]);

      expect(await claimFeedback(store.db, 'acme/api', 7, 'run-1', at(1))).toBe(1);
      expect(await claimFeedback(store.db, 'acme/api', 7, 'run-1')).toBe(1);
      const settled = await settleFeedbackOfDispatch(store.db, 'run-1', 'addressed', at(30));
      expect(settled.map((row) => [row.id, row.status])).toEqual([
        ['1', 'addressed'],
        ['2', 'addressed'],
      ]);
      expect(await listAddressedFingerprints(store.db, 'acme/api', 7)).toEqual(new Set(['fp-1', 'fp-2']));
      expect(await listPullRequestsWithPendingFeedback(store.db)).toEqual([]);
    });

    it('keeps the PR state: head, hand-over and close, matching owner/repo in any case', async () => {
      await upsertPullRequest(store.db, {
        repo: 'Acme/API',
        number: 7,
        url: 'https://github.com/Acme/API/pull/7',
        branch: 'eng-1',
        issue_id: 'issue-1',
        issue_identifier: 'ENG-1',
        issue_url: 'https://linear.app/acme/issue/ENG-1',
        team_key: 'ENG',
        job_id: 'job-1',
        status: 'completed',
        cost_usd: null,
        created_at: at(0).toISOString(),
        updated_at: at(0).toISOString(),
        last_dispatch_at: at(0).toISOString(),
      });
      expect(await findPullRequest(store.db, 'acme/api', 7)).toMatchObject({ state: 'open', head_sha: null });
      expect(await listIssueIdsWithOpenPullRequests(store.db)).toEqual(['issue-1']);
      await noteHeadCommit(store.db, 'Acme/API', 7, 'sha-1', at(1));
      await noteHeadCommit(store.db, 'Acme/API', 7, 'sha-1', at(2));
      expect(await findPullRequest(store.db, 'acme/api', 7)).toMatchObject({
        head_sha: 'sha-1',
        head_seen_at: at(1).toISOString(),
      });
      expect(await markHandedOver(store.db, 'Acme/API', 7, at(3))).toBe(true);
      expect(await markHandedOver(store.db, 'Acme/API', 7, at(4))).toBe(false);
      expect(await closePullRequest(store.db, 'Acme/API', 7, { state: 'merged', at: at(5) })).toBe(true);
      expect(await closePullRequest(store.db, 'Acme/API', 7, { state: 'closed', at: at(6) })).toBe(false);
      expect(await findPullRequest(store.db, 'ACME/api', 7)).toMatchObject({
        state: 'merged',
        closed_at: at(5).toISOString(),
      });
      expect(await listIssueIdsWithOpenPullRequests(store.db)).toEqual([]);
    });
  });
}
