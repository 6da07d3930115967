import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/database.ts';
import { pruneHistory } from '../../src/store/retention.ts';
import type { Database } from '../../src/store/schema.ts';
import { storeDialects } from '../support/store-dialects.ts';

const now = new Date('2026-11-21T10:00:00.000Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000).toISOString();
const cutoff = new Date(daysAgo(90));
const dedupCutoff = new Date(daysAgo(90));

type DispatchInsert = Database['dispatches'];

function dispatch(id: string, job: string, extra: Partial<DispatchInsert> = {}): DispatchInsert {
  return {
    id,
    job_id: job,
    issue_id: `issue-${job}`,
    issue_identifier: 'ENG-1',
    issue_title: 'Add export',
    issue_url: 'https://linear.app/acme/issue/ENG-1',
    ticketing_provider: 'linear',
    team_key: 'ENG',
    bucket: 'linear:ENG',
    repo: 'acme/api',
    phase: 'implementation',
    status: 'succeeded',
    dispatch_number: 1,
    runner_mode: 'github-actions',
    image: null,
    workflow_file: 'claude-implement.yml',
    priority: 2,
    created_at: daysAgo(120),
    dispatched_at: daysAgo(120),
    finished_at: daysAgo(100),
    deadline_at: daysAgo(119),
    error: null,
    external_id: null,
    result_json: '{}',
    result_received_at: daysAgo(100),
    pr_url: null,
    pr_number: null,
    branch: null,
    cost_usd: null,
    usage_json: null,
    pull_request_key: null,
    close_reason: 'result',
    outcome_applied_at: daysAgo(100),
    marker_synced_status: 'succeeded',
    dispatch_attempts: 1,
    last_attempt_at: daysAgo(120),
    ci_failure_json: null,
    input_tokens: null,
    output_tokens: null,
    cache_read_tokens: null,
    cache_creation_tokens: null,
    turns: null,
    model: null,
    ...extra,
  };
}

function step(id: string, dispatchId: string, job: string) {
  return {
    id,
    dispatch_id: dispatchId,
    job_id: job,
    step: 'implement',
    status: 'done',
    elapsed_ms: 1,
    output_json: null,
    received_at: daysAgo(100),
  };
}

function pull(job: string, number: number, state: string, closedAt: string | null) {
  return {
    repo: 'acme/api',
    number,
    url: `https://github.com/acme/api/pull/${number}`,
    branch: `ai/${job}`,
    issue_id: `issue-${job}`,
    issue_identifier: 'ENG-1',
    issue_url: 'https://linear.app/acme/issue/ENG-1',
    team_key: 'ENG',
    job_id: job,
    status: 'pr_open',
    cost_usd: null,
    created_at: daysAgo(100),
    updated_at: daysAgo(100),
    last_dispatch_at: daysAgo(100),
    state,
    head_sha: null,
    head_seen_at: null,
    closed_at: closedAt,
    handed_over_at: null,
  };
}

for (const dialect of storeDialects()) {
  describe(`retention on ${dialect.name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await dialect.open();
    });
    afterEach(async () => {
      await store?.close();
    });
    afterAll(() => dialect.shutdown());

    it('prunes whole finished jobs older than the cutoff and keeps everything still in use', async () => {
      const { db } = store;
      await db
        .insertInto('dispatches')
        .values([
          // old: planning + implementation, both finished, PR merged long ago → pruned
          dispatch('old-plan', 'old', { phase: 'planning', workflow_file: 'claude-plan.yml' }),
          dispatch('old-impl', 'old', { dispatch_number: 2, pr_number: 1 }),
          // recent: finished 10 days ago → kept
          dispatch('recent', 'recent', { finished_at: daysAgo(10) }),
          // in-flight: an old job with a run still pending → kept
          dispatch('stuck-1', 'stuck'),
          dispatch('stuck-2', 'stuck', { status: 'running', finished_at: null, dispatch_number: 2 }),
          // awaiting: a plan that succeeded long ago and waits for approval → kept
          dispatch('awaiting', 'awaiting', { phase: 'planning', workflow_file: 'claude-plan.yml' }),
          // open PR: an old job whose PR is still open → kept
          dispatch('open-pr', 'openpr', { pr_number: 2 }),
          // closed recently: the PR closed 5 days ago → kept
          dispatch('closed-pr', 'closedpr', { pr_number: 3 }),
        ])
        .execute();
      await db
        .insertInto('run_steps')
        .values([
          step('s1', 'old-impl', 'old'),
          step('s2', 'recent', 'recent'),
          step('s3', 'stuck-1', 'stuck'),
        ])
        .execute();
      await db
        .insertInto('plan_approvals')
        .values({ job_id: 'old', issue_id: 'issue-old', approved_by: 'auto', approved_at: daysAgo(110) })
        .execute();
      await db
        .insertInto('pull_requests')
        .values([
          pull('old', 1, 'merged', daysAgo(95)),
          pull('openpr', 2, 'open', null),
          pull('closedpr', 3, 'closed', daysAgo(5)),
        ])
        .execute();
      await db
        .insertInto('pull_request_feedback')
        .values({
          id: 'f1',
          repo: 'acme/api',
          pr_number: 1,
          kind: 'review',
          github_id: 'review:1',
          review_id: null,
          author: 'alice',
          author_kind: 'person',
          review_state: 'changes_requested',
          body: 'fix it',
          url: 'https://github.com/acme/api/pull/1#r1',
          path: null,
          line: null,
          commit_id: null,
          fingerprint: 'x',
          triggers: 1,
          status: 'addressed',
          note: null,
          dispatch_id: 'old-impl',
          created_at: daysAgo(99),
          received_at: daysAgo(99),
          settled_at: daysAgo(98),
        })
        .execute();
      await db
        .insertInto('dedup_window')
        .values([
          {
            issue_id: 'a',
            issue_identifier: 'ENG-1',
            issue_title: 't',
            team_key: 'ENG',
            dispatched_at: daysAgo(100),
          },
          {
            issue_id: 'b',
            issue_identifier: 'ENG-2',
            issue_title: 't',
            team_key: 'ENG',
            dispatched_at: daysAgo(1),
          },
        ])
        .execute();
      await db
        .insertInto('webhook_deliveries')
        .values([
          {
            delivery_id: 'd-old',
            event: 'pull_request',
            action: 'closed',
            repo: 'acme/api',
            received_at: daysAgo(91),
            finished_at: daysAgo(91),
            outcome: 'merged',
          },
          {
            delivery_id: 'd-new',
            event: 'pull_request',
            action: 'closed',
            repo: 'acme/api',
            received_at: daysAgo(1),
            finished_at: daysAgo(1),
            outcome: 'merged',
          },
        ])
        .execute();

      const reaperAction = {
        rule: 'orphan',
        target: 'machine' as const,
        run_id: null,
        dispatch_id: null,
        tenant: null,
        issue_identifier: null,
        age_seconds: 700,
        dry_run: 0,
      };
      await db
        .insertInto('reaper_actions')
        .values([
          { ...reaperAction, id: 'r-old', at: daysAgo(91), machine_id: 'm-old' },
          { ...reaperAction, id: 'r-new', at: daysAgo(1), machine_id: 'm-new' },
        ])
        .execute();
      const shadowRun = {
        primary_dispatch_id: 'recent',
        issue_id: 'i',
        issue_identifier: 'ENG-1',
        team_key: 'ENG',
        phase: 'implementation',
        status: 'succeeded',
        machine_id: null,
        image: null,
        error: null,
        cost_usd: 0.5,
        result_json: null,
        started_at: null,
        finished_at: null,
      };
      await db
        .insertInto('shadow_runs')
        .values([
          { ...shadowRun, id: 'sh-old', created_at: daysAgo(91) },
          { ...shadowRun, id: 'sh-new', created_at: daysAgo(1) },
        ])
        .execute();
      // A kept tracker state goes with its ticket's history; one whose ticket still has some stays.
      const kept = await db
        .selectFrom('dispatches')
        .select('issue_id')
        .where('id', '=', 'recent')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('ticket_states')
        .values([
          { issue_id: 'gone-ticket', state_name: 'Done', state_type: 'completed', read_at: daysAgo(91) },
          { issue_id: kept.issue_id, state_name: 'Todo', state_type: 'unstarted', read_at: daysAgo(91) },
        ])
        .onConflict((oc) => oc.doNothing())
        .execute();

      const counts = await pruneHistory(db, cutoff, dedupCutoff);
      expect(counts).toEqual({
        jobs: 1,
        dispatches: 2,
        runSteps: 1,
        planApprovals: 1,
        pullRequests: 1,
        pullRequestFeedback: 1,
        dedupWindow: 1,
        webhookDeliveries: 1,
        reaperActions: 1,
        shadowRuns: 1,
        ticketStates: 1,
        runQuestions: 0,
      });
      expect((await db.selectFrom('reaper_actions').select('id').execute()).map((r) => r.id)).toEqual([
        'r-new',
      ]);
      const ids = (await db.selectFrom('dispatches').select('id').orderBy('id').execute()).map((r) => r.id);
      expect(ids).toEqual(['awaiting', 'closed-pr', 'open-pr', 'recent', 'stuck-1', 'stuck-2']);
      expect(
        (await db.selectFrom('run_steps').select('id').orderBy('id').execute()).map((r) => r.id),
      ).toEqual(['s2', 's3']);
      expect(
        (await db.selectFrom('pull_requests').select('number').orderBy('number').execute()).map(
          (r) => r.number,
        ),
      ).toEqual([2, 3]);
      expect(
        (await db.selectFrom('dedup_window').select('issue_id').execute()).map((r) => r.issue_id),
      ).toEqual(['b']);
      expect(
        (await db.selectFrom('webhook_deliveries').select('delivery_id').execute()).map((r) => r.delivery_id),
      ).toEqual(['d-new']);

      // A second prune finds nothing more.
      expect(Object.values(await pruneHistory(db, cutoff, dedupCutoff)).every((n) => n === 0)).toBe(true);
    });
  });
}
