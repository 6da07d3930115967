import { describe, expect, it } from 'vitest';
import { summarizeEvent } from '../../src/notify/event-summary.ts';

const labels = { clientSlug: undefined, flyAppName: undefined };
const run = {
  issue: { identifier: 'ENG-1', title: 'Add export', url: 'https://linear.app/acme/issue/ENG-1' },
  repo: 'acme/api',
  phase: 'implementation' as const,
  dispatchNumber: 1,
  runnerMode: 'github-actions',
};

describe('notifications about spend (issue 16)', () => {
  it('a finished run says what it cost', () => {
    const summary = summarizeEvent(
      { type: 'run_finished', ...run, result: { status: 'success', prUrl: undefined }, costUsd: 0.4213 },
      labels,
    );
    expect(summary.facts).toContainEqual({ label: 'Cost', value: '$0.42' });
  });

  it('a run without reported usage has no cost fact', () => {
    const summary = summarizeEvent(
      { type: 'run_finished', ...run, result: { status: 'failure', error: 'boom' } },
      labels,
    );
    expect(summary.facts.map((fact) => fact.label)).not.toContain('Cost');
  });

  it('a budget alert names the budget, the spend and the reset', () => {
    const full = summarizeEvent(
      {
        type: 'budget_alert',
        period: 'daily',
        teamKey: 'ENG',
        thresholdPercent: 100,
        spentUsd: 10.5,
        budgetUsd: 10,
        resetsAt: '2026-12-07T00:00:00.000Z',
      },
      labels,
    );
    expect(full.tone).toBe('attention');
    expect(full.headline).toBe(
      "Spend reached ENG's daily budget: new runs wait until 2026-12-07T00:00:00.000Z",
    );
    expect(full.facts).toContainEqual({ label: 'Spent', value: '$10.50 of $10.00' });
    const warning = summarizeEvent(
      {
        type: 'budget_alert',
        period: 'monthly',
        thresholdPercent: 80,
        spentUsd: 80,
        budgetUsd: 100,
        resetsAt: '2027-01-01T00:00:00.000Z',
      },
      labels,
    );
    expect(warning.headline).toBe('Spend passed 80 % of the global monthly budget');
    expect(warning.tone).toBe('warning');
  });
});
