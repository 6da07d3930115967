import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eWorld, type E2eWorld } from './e2e-world.ts';
import { eventually } from './orchestrator-process.ts';

let w: E2eWorld;

beforeAll(async () => {
  w = await startE2eWorld({ appId: 4909, repos: [{ repo: 'api' }] });
}, 60_000);

afterAll(() => w?.close());

describe('a ticket moved to Done while its planning run is in flight (npm start, fake GitHub)', () => {
  it('gets its GitHub run cancelled and no implementation run, even when the plan reports late', async () => {
    await w.api('POST', '/api/mappings', {
      teamKey: 'ENG',
      owner: 'acme',
      repo: 'api',
      defaultBranch: 'main',
    });
    const issue = w.linear.addIssue({
      team: 'ENG',
      title: 'Export users',
      state: 'Todo',
      labels: ['AI-Implement'],
    });
    await eventually('the planning dispatch', async () =>
      w.github.dispatches.length === 1 ? true : undefined,
    );
    const planning = w.payloads()[0]!;
    // The run is named after its dispatch (run-name), and GitHub named it at dispatch.
    expect(w.github.workflowRuns[0]?.displayTitle).toContain(planning.dispatchId);
    const dispatches = await w.api<{ dispatches: { dispatchId: string; externalId?: string | null }[] }>(
      'GET',
      '/api/log',
    );
    expect(JSON.stringify(dispatches.body)).toContain(planning.dispatchId);

    // After the pickup moved it to In Progress (or that write would move it back).
    await eventually('the planning marker', async () =>
      w.linear.getIssue(issue.id)?.labels.join() === 'AI-Planning' ? true : undefined,
    );
    w.linear.updateIssue(issue.id, { state: 'Done' });
    await eventually(
      'the run cancelled',
      async () => (w.github.workflowRuns[0]?.conclusion === 'cancelled' ? true : undefined),
      45_000,
    ).catch((error: unknown) => {
      // On a loaded machine this says why: the orchestrator's own account of its ticks.
      throw new Error(`${String(error)}\n${w.orchestrator.output().slice(-4000)}`);
    });

    const late = await w.post(
      '/runner/result',
      { status: 'success', summary: 'plan posted' },
      { authorization: `Bearer ${planning.callback!.resultToken}` },
    );
    expect(late.status).toBe(200);
    await w.orchestrator.afterTicks(2);
    expect(w.github.dispatches).toHaveLength(1);
    expect(w.linear.getIssue(issue.id)?.labels).toEqual(['AI-Planning']);
  }, 90_000);
});
