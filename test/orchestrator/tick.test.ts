import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IntegrationError } from '../../src/domain/errors.ts';
import { handleRunResult } from '../../src/orchestrator/run-results.ts';
import { runTick } from '../../src/orchestrator/tick.ts';
import { listBlockers } from '../../src/store/blockers.ts';
import { listDedupWindow, deleteFromDedupWindow } from '../../src/store/dedup-window.ts';
import { getDispatch, listRecentDispatches } from '../../src/store/dispatches.ts';
import { clearBreaker } from '../../src/store/failure-breakers.ts';
import { listPullRequests } from '../../src/store/pull-requests.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
  h.linear.addTeam({ key: 'ENG' });
});
afterEach(() => h.close());

const label = (title: string, extra: { priority?: number; blockedBy?: string[]; labels?: string[] } = {}) =>
  h.linear.addIssue({ team: 'ENG', title, labels: ['AI-Implement'], state: 'Todo', ...extra });
const minutes = (n: number) => n * 60_000;

describe('the poll tick', () => {
  it('dispatches up to the cap in priority order and records every refusal as a blocker', async () => {
    await h.addMapping({ teamKey: 'ENG' });
    const blocker = h.linear.addIssue({ team: 'ENG', title: 'Prerequisite', state: 'In Progress' });
    const low = label('Low', { priority: 4 });
    const urgent = label('Urgent', { priority: 1 });
    const none = label('No priority', { priority: 0 });
    const high = label('High', { priority: 2 });
    const blocked = label('Blocked', { priority: 1, blockedBy: [blocker.id] });

    const report = await runTick(h.ctx);

    expect(report.dispatched).toEqual([urgent.identifier, high.identifier, low.identifier]);
    expect(h.backend.dispatched.map((d) => [d.workflowFile, d.payload.phase])).toEqual([
      ['claude-plan.yml', 'planning'],
      ['claude-plan.yml', 'planning'],
      ['claude-plan.yml', 'planning'],
    ]);
    const blockers = await listBlockers(h.store.db);
    expect(blockers.map((b) => [b.issue_identifier, b.reason]).sort()).toEqual(
      [
        [blocked.identifier, 'dependency'],
        [none.identifier, 'capacity'],
      ].sort(),
    );
    const picked = h.linear.getIssue(urgent.id);
    expect(picked?.labels).toEqual(['AI-Planning']);
    expect(picked?.state.name).toBe('In Progress');
    const payload = h.backend.dispatched[0]!.payload;
    expect(payload.callback?.url).toBe('https://orchestrator.test');
    expect(payload.issue.identifier).toBe(urgent.identifier);
  });

  it('runs planning then implementation, records the PR and frees the slot for the next issue', async () => {
    await h.addMapping({ teamKey: 'ENG', maxInProgressAiIssues: 1 });
    const first = label('First', { priority: 1 });
    const second = label('Second', { priority: 2 });
    await runTick(h.ctx);
    const planning = h.backend.dispatched[0]!.payload;
    expect(
      await handleRunResult(h.ctx, planning.dispatchId, { status: 'success', summary: 'plan posted' }),
    ).toBe('accepted');

    // Auto-approval dispatched the implementation run at once, in the same job and slot.
    const implementation = h.backend.dispatched[1]!.payload;
    expect(implementation.phase).toBe('implementation');
    expect(h.linear.getIssue(first.id)?.labels.sort()).toEqual(['AI-Working']);
    const planningRow = await getDispatch(h.store.db, planning.dispatchId);
    expect((await getDispatch(h.store.db, implementation.dispatchId))?.job_id).toBe(planningRow?.job_id);
    expect((await runTick(h.ctx)).refused).toEqual([{ identifier: second.identifier, reason: 'capacity' }]);

    const prUrl = 'https://github.com/acme/api/pull/7';
    const result = {
      status: 'success' as const,
      prUrl,
      branch: 'ai/eng-1',
      usage: { costUsd: 1.25, turns: 9 },
    };
    expect(await handleRunResult(h.ctx, implementation.dispatchId, result)).toBe('accepted');
    expect(h.linear.getIssue(first.id)?.labels).toEqual(['Ready for Review']);
    expect(await listPullRequests(h.store.db)).toMatchObject([
      { repo: 'acme/api', number: 7, cost_usd: 1.25 },
    ]);

    expect((await runTick(h.ctx)).dispatched).toEqual([second.identifier]);
    expect(await handleRunResult(h.ctx, implementation.dispatchId, result)).toBe('duplicate');
    expect(await handleRunResult(h.ctx, implementation.dispatchId, { ...result, prUrl: prUrl + '0' })).toBe(
      'conflict',
    );
  });

  it('waits for a person when plans are not auto-approved, then follows the Plan-Approved label', async () => {
    await h.addMapping({ teamKey: 'ENG', autoApprovePlans: false });
    const issue = label('Needs review');
    await runTick(h.ctx);
    await handleRunResult(h.ctx, h.backend.dispatched[0]!.payload.dispatchId, { status: 'success' });
    expect(h.linear.getIssue(issue.id)?.labels).toEqual(['Plan-Complete']);
    await runTick(h.ctx);
    expect(h.backend.dispatched).toHaveLength(1);

    h.linear.updateIssue(issue.id, { labels: ['Plan-Complete', 'Plan-Approved'] });
    expect((await runTick(h.ctx)).dispatched).toEqual([issue.identifier]);
    expect(h.backend.dispatched[1]!.payload.phase).toBe('implementation');
    expect(h.linear.getIssue(issue.id)?.labels).toEqual(['AI-Working']);
  });

  it('fails a silent run at its deadline and parks the issue after three failures', async () => {
    await h.addMapping({ teamKey: 'ENG', planningEnabled: false, maxJobMinutes: 30 });
    const issue = label('Flaky');
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await runTick(h.ctx);
      expect(h.backend.dispatched).toHaveLength(attempt);
      h.advance(minutes(44));
      expect((await runTick(h.ctx)).timedOut).toBe(0);
      h.advance(minutes(2));
      expect((await runTick(h.ctx)).timedOut).toBe(1);
      expect(h.linear.getIssue(issue.id)?.labels).toEqual(['AI-Failed']);
      // A person asks again; the dedup window still holds it for a day unless cleared.
      h.linear.updateIssue(issue.id, { labels: ['AI-Implement'] });
      await deleteFromDedupWindow(h.store.db, issue.id);
    }
    expect((await runTick(h.ctx)).refused).toEqual([{ identifier: issue.identifier, reason: 'breaker' }]);
    await clearBreaker(h.store.db, issue.id);
    expect((await runTick(h.ctx)).dispatched).toEqual([issue.identifier]);
  });

  it('holds a re-marked issue in the dedup window for 24 hours', async () => {
    await h.addMapping({ teamKey: 'ENG', planningEnabled: false });
    const issue = label('Again');
    await runTick(h.ctx);
    await handleRunResult(h.ctx, h.backend.dispatched[0]!.payload.dispatchId, {
      status: 'failure',
      error: 'tests fail',
    });
    h.linear.updateIssue(issue.id, { labels: ['AI-Implement'] });
    expect((await runTick(h.ctx)).refused).toEqual([{ identifier: issue.identifier, reason: 'dedup' }]);
    h.advance(24 * 60 * minutes(1) + 1);
    expect((await runTick(h.ctx)).dispatched).toEqual([issue.identifier]);
  });

  it('marks a missing workflow as the operator error it is, and retries a rate-limited dispatch', async () => {
    await h.addMapping({ teamKey: 'ENG', planningEnabled: false });
    const issue = label('No workflow');
    const message = 'workflow file not found in acme/api — run Sync workflows first';
    h.backend.failNext(new IntegrationError('github', 'not_found', message));
    expect((await runTick(h.ctx)).failed).toEqual([issue.identifier]);
    const snapshot = h.linear.getIssue(issue.id);
    expect(snapshot?.labels).toEqual(['AI-Failed']);
    expect(snapshot?.comments.at(-1)).toContain(message);
    expect(await listDedupWindow(h.store.db, new Date(0))).toHaveLength(0);

    const other = label('Rate limited');
    h.backend.failNext(new IntegrationError('github', 'rate_limited', 'slow down', { retryAfterMs: 1000 }));
    expect((await runTick(h.ctx)).failed).toEqual([other.identifier]);
    expect(h.linear.getIssue(other.id)?.labels).toEqual(['AI-Implement']);
    expect((await runTick(h.ctx)).dispatched).toEqual([other.identifier]);
  });

  it('never re-dispatches a run whose dispatch outcome is unknown', async () => {
    await h.addMapping({ teamKey: 'ENG', planningEnabled: false });
    const issue = label('Timeout');
    h.backend.failNext(new IntegrationError('github', 'transient', 'socket hang up'));
    await runTick(h.ctx);
    h.linear.updateIssue(issue.id, { labels: ['AI-Implement'] });
    await deleteFromDedupWindow(h.store.db, issue.id);
    // Even with the dedup window cleared, the unknown dispatch is in flight until its deadline.
    expect((await runTick(h.ctx)).refused).toEqual([{ identifier: issue.identifier, reason: 'in_flight' }]);
    const [row] = await listRecentDispatches(h.store.db, 10);
    expect(row).toMatchObject({ status: 'pending', error: 'dispatch outcome unknown: socket hang up' });
    // If the run did start, its result still settles it.
    expect(await handleRunResult(h.ctx, row!.id, { status: 'failure', error: 'agent crashed' })).toBe(
      'accepted',
    );
    expect(h.backend.dispatched).toHaveLength(0);
  });

  it('skips dispatching for a provider whose fetch fails, and paused mappings', async () => {
    await h.addMapping({ teamKey: 'ENG' });
    label('Waiting');
    h.linear.failNext(new IntegrationError('linear', 'transient', 'Linear is down'));
    const report = await runTick(h.ctx);
    expect(report.fetchErrors).toEqual([{ provider: 'linear', error: 'Linear is down' }]);
    expect(h.backend.dispatched).toHaveLength(0);

    await h.addMapping({ teamKey: 'ENG', paused: true });
    expect((await runTick(h.ctx)).dispatched).toEqual([]);
  });
});
