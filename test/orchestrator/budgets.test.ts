import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/orchestrator/context.ts';
import { handleRunResult } from '../../src/orchestrator/run-results.ts';
import { runTick } from '../../src/orchestrator/tick.ts';
import { listBlockers } from '../../src/store/blockers.ts';
import { insertFeedback } from '../../src/store/pull-request-feedback.ts';
import { closePullRequest } from '../../src/store/pull-requests.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';

/** Budgets and review capacity in the admission gate (issue 16), with the harness's clock. */

let h: Harness;
beforeEach(async () => {
  h = await createHarness(); // the clock starts at 2026-11-21T09:00:00Z
  h.linear.addTeam({ key: 'ENG' });
});
afterEach(() => h.close());

const label = (title: string) =>
  h.linear.addIssue({ team: 'ENG', title, labels: ['AI-Implement'], state: 'Todo' });
const hours = (n: number) => n * 3_600_000;

/** Dispatches `title` and reports its result with `costUsd` and, optionally, a PR. */
async function finishRun(title: string, costUsd: number, prNumber?: number) {
  const issue = label(title);
  const report = await runTick(h.ctx);
  expect(report.dispatched).toContain(issue.identifier);
  const payload = h.backend.dispatched.at(-1)!.payload;
  const result = {
    status: 'success' as const,
    usage: { costUsd },
    ...(prNumber ? { prUrl: `https://github.com/acme/api/pull/${prNumber}`, branch: `ai/${prNumber}` } : {}),
  };
  expect(await handleRunResult(h.ctx, payload.dispatchId, result)).toBe('accepted');
  return issue;
}

async function blockerOf(identifier: string) {
  return (await listBlockers(h.store.db)).find((row) => row.issue_identifier === identifier);
}

describe('team budgets', () => {
  it('holds a team over its daily budget with a budget blocker and dispatches again after the reset', async () => {
    await h.addMapping({ teamKey: 'ENG', planningEnabled: false, dailyBudgetUsd: 2 });
    await finishRun('Expensive', 2.5);
    const next = label('Next');

    expect((await runTick(h.ctx)).refused).toEqual([{ identifier: next.identifier, reason: 'budget' }]);
    expect((await blockerOf(next.identifier))?.detail).toBe(
      'the daily budget of ENG is spent: $2.50 of $2.00; it resets at 2026-11-22T00:00:00.000Z',
    );

    h.advance(hours(14) + 59 * 60_000); // 23:59 UTC: still the same day
    expect((await runTick(h.ctx)).refused).toEqual([{ identifier: next.identifier, reason: 'budget' }]);
    h.advance(60_000); // 00:00 UTC the next day
    expect((await runTick(h.ctx)).dispatched).toEqual([next.identifier]);
    expect(await blockerOf(next.identifier)).toBeUndefined();
  });

  it('counts the month across days and names the monthly budget and its reset', async () => {
    await h.addMapping({ teamKey: 'ENG', planningEnabled: false, monthlyBudgetUsd: 5, dailyBudgetUsd: 4 });
    await finishRun('Day one', 3);
    h.advance(hours(24));
    await finishRun('Day two', 2.25);
    const next = label('Next');
    await runTick(h.ctx);
    expect((await blockerOf(next.identifier))?.detail).toBe(
      'the monthly budget of ENG is spent: $5.25 of $5.00; it resets at 2026-12-01T00:00:00.000Z',
    );
  });

  it('enforces GLOBAL_MONTHLY_BUDGET_USD over every team', async () => {
    h.ctx.policy = { ...DEFAULT_POLICY, globalMonthlyBudgetUsd: 3 };
    h.linear.addTeam({ key: 'OPS' });
    await h.addMapping({ teamKey: 'ENG', planningEnabled: false });
    await h.addMapping({ teamKey: 'OPS', planningEnabled: false, repo: 'ops' });
    await finishRun('Big', 3.5);
    const other = h.linear.addIssue({ team: 'OPS', title: 'Ops', labels: ['AI-Implement'], state: 'Todo' });
    expect((await runTick(h.ctx)).refused).toEqual([{ identifier: other.identifier, reason: 'budget' }]);
    expect((await blockerOf(other.identifier))?.detail).toBe(
      'the global monthly budget (GLOBAL_MONTHLY_BUDGET_USD) is spent: $3.50 of $3.00; it resets at 2026-12-01T00:00:00.000Z',
    );
  });

  it('notifies at 80 % and at 100 % of a budget, once each per period', async () => {
    await h.addMapping({ teamKey: 'ENG', planningEnabled: false, dailyBudgetUsd: 10 });
    await finishRun('Most', 8.5);
    await runTick(h.ctx);
    await runTick(h.ctx);
    const alerts = () => h.notifications.filter((event) => event.type === 'budget_alert');
    expect(alerts()).toEqual([
      {
        type: 'budget_alert',
        period: 'daily',
        teamKey: 'ENG',
        thresholdPercent: 80,
        spentUsd: 8.5,
        budgetUsd: 10,
        resetsAt: '2026-11-22T00:00:00.000Z',
      },
    ]);
    await finishRun('Rest', 2);
    await runTick(h.ctx);
    expect(alerts().map((alert) => alert.type === 'budget_alert' && alert.thresholdPercent)).toEqual([
      80, 100,
    ]);
    // The next day is a new period: nothing is spent, nothing is sent.
    h.advance(hours(15));
    await runTick(h.ctx);
    expect(alerts()).toHaveLength(2);
  });
});

describe('review capacity', () => {
  it('holds new pickups while that many AI PRs await review and releases them on approval or merge', async () => {
    await h.addMapping({ teamKey: 'ENG', planningEnabled: false, maxPullRequestsAwaitingReview: 1 });
    await finishRun('First', 0.5, 7);
    const next = label('Next');
    expect((await runTick(h.ctx)).refused).toEqual([
      { identifier: next.identifier, reason: 'review_capacity' },
    ]);
    expect((await blockerOf(next.identifier))?.detail).toMatch(
      /^1 of ENG's AI pull requests await review \(maxPullRequestsAwaitingReview 1\)/,
    );

    await insertFeedback(h.store.db, approval(7));
    expect((await runTick(h.ctx)).dispatched).toEqual([next.identifier]);
    const payload = h.backend.dispatched.at(-1)!.payload;
    await handleRunResult(h.ctx, payload.dispatchId, {
      status: 'success',
      prUrl: 'https://github.com/acme/api/pull/8',
      branch: 'ai/8',
    });

    const third = label('Third');
    expect((await runTick(h.ctx)).refused).toEqual([
      { identifier: third.identifier, reason: 'review_capacity' },
    ]);
    await closePullRequest(h.store.db, 'acme/api', 8, { state: 'merged', at: h.ctx.clock() });
    expect((await runTick(h.ctx)).dispatched).toEqual([third.identifier]);
  });
});

function approval(prNumber: number) {
  return {
    id: `review:${prNumber}01`,
    repo: 'acme/api',
    pr_number: prNumber,
    kind: 'review',
    github_id: `${prNumber}01`,
    review_id: null,
    author: 'octocat',
    author_kind: 'person',
    review_state: 'approved',
    body: 'Looks good.',
    url: `https://github.com/acme/api/pull/${prNumber}#pullrequestreview-${prNumber}01`,
    path: null,
    line: null,
    commit_id: null,
    fingerprint: 'f',
    triggers: 0,
    status: 'ignored',
    note: 'approval',
    dispatch_id: null,
    created_at: h.ctx.clock().toISOString(),
    received_at: h.ctx.clock().toISOString(),
    settled_at: null,
  };
}
