import { handleRunProgress, handleRunResult } from '../../src/orchestrator/run-results.ts';
import { runTick } from '../../src/orchestrator/tick.ts';
import type { Harness } from '../support/orchestrator-harness.ts';

const HOUR_MS = 3_600_000;

/**
 * A believable day of work on the harness, through the real tick and result paths: three
 * projects (one Bedrock, one paused), tickets labelled over ~11 hours, plans and
 * implementations that succeed (with PRs) or fail, two runs still in flight with step progress,
 * and tickets held back by the cap. The clock ends near the real time, so the page script's
 * live durations (which use the browser's clock) read sensibly.
 */
export async function seedWorkload(h: Harness): Promise<void> {
  h.advance(Date.now() - 12 * HOUR_MS - h.ctx.clock().getTime());
  h.linear.addTeam({ key: 'WEB' });
  h.linear.addTeam({ key: 'OPS' });
  await h.addMapping({ teamKey: 'ENG', maxInProgressAiIssues: 2, maxTurns: 60 });
  await h.addMapping({
    teamKey: 'WEB',
    repo: 'web',
    provider: 'bedrock',
    awsRegion: 'us-west-2',
    maxInProgressAiIssues: 1,
  });
  await h.addMapping({ teamKey: 'OPS', repo: 'infra', paused: true, planningEnabled: false });

  const titles = [
    ['ENG', 'Export users as CSV'],
    ['WEB', 'Dark mode for the settings page'],
    ['ENG', 'Rate-limit the login endpoint'],
    ['ENG', 'Fix the flaky checkout test'],
    ['WEB', 'Translate the onboarding emails'],
    ['ENG', 'Add an audit trail for role changes'],
    ['ENG', 'Paginate the invoices API'],
    ['WEB', 'Keyboard shortcuts for the editor'],
    ['ENG', 'Retry webhook deliveries with backoff'],
  ] as const;
  const handled = new Set<string>();
  let pr = 40;
  for (const [index, [team, title]] of titles.entries()) {
    h.linear.addIssue({ team, title, labels: ['AI-Implement'], priority: (index % 4) + 1 });
    await runTick(h.ctx);
    h.advance(10 * 60_000);
    // Everything dispatched so far reports, except the newest runs (left in flight).
    const pending = h.backend.dispatched.filter((d) => !handled.has(d.payload.dispatchId));
    for (const request of index >= titles.length - 2 ? [] : pending) {
      const { dispatchId, phase } = request.payload;
      handled.add(dispatchId);
      await handleRunProgress(h.ctx, dispatchId, { step: 'checkout', status: 'succeeded', elapsedMs: 4_000 });
      if (phase === 'planning') {
        await handleRunResult(h.ctx, dispatchId, { status: 'success', summary: 'plan posted' });
      } else if (request.payload.issue.title.startsWith('Fix the flaky')) {
        await handleRunResult(h.ctx, dispatchId, {
          status: 'failure',
          error: 'tests still fail after 3 iterations',
        });
      } else {
        pr += 1;
        await handleRunResult(h.ctx, dispatchId, {
          status: 'success',
          prUrl: `https://github.com/acme/${request.mapping.repo}/pull/${pr}`,
          branch: `ai/${request.payload.issue.identifier.toLowerCase()}`,
          usage: { costUsd: 0.35 + pr / 100, inputTokens: 120_000, outputTokens: 9_000, turns: 31 },
        });
      }
    }
    // Under a run's deadline (maxJobMinutes 90 + 15), so the newest runs stay in flight.
    h.advance(65 * 60_000);
  }
  await runTick(h.ctx);
  for (const request of h.backend.dispatched.filter((d) => !handled.has(d.payload.dispatchId))) {
    await handleRunProgress(h.ctx, request.payload.dispatchId, {
      step: 'implement',
      status: 'started',
      elapsedMs: 0,
    });
  }
}
