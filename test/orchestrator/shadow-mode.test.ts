import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.ts';
import { createReaper } from '../../src/orchestrator/reaper/reaper.ts';
import { handleRunProgress, handleRunResult } from '../../src/orchestrator/run-results.ts';
import { listShadowRuns } from '../../src/orchestrator/shadow/shadow-comparison.ts';
import { runTick } from '../../src/orchestrator/tick.ts';
import { listRecentDispatches } from '../../src/store/dispatches.ts';
import { getShadowRun } from '../../src/store/shadow-runs.ts';
import { FLY_APP, FLY_IMAGE, withFly, type FlyWorld } from '../support/fly-harness.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';

let h: Harness;
let f: FlyWorld;

beforeEach(async () => {
  h = await createHarness();
  h.ctx.runnerMode = async () => 'shadow';
  h.linear.addTeam({ key: 'ENG' });
  f = await withFly(h);
  await h.addMapping({ teamKey: 'ENG', planningEnabled: false, sessionMode: 'hybrid' });
});
afterEach(async () => {
  expect(f.fly.violations).toEqual([]);
  await f.close();
  await h.close();
});

async function pickUp() {
  const issue = h.linear.addIssue({ team: 'ENG', title: 'Export', labels: ['AI-Implement'], state: 'Todo' });
  await runTick(h.ctx);
  const [primary] = await listRecentDispatches(h.store.db, 10);
  const [machine] = f.fly.machines.all(FLY_APP);
  const payload = JSON.parse(machine!.config.env!.AI_IMPLEMENT_PAYLOAD!) as Record<string, unknown>;
  return { issue, primary: primary!, machine: machine!, shadowId: payload.dispatchId as string, payload };
}

describe('RUNNER_MODE=shadow', () => {
  it('runs on GitHub Actions and, beside it, on Fly with a shadow payload in its own ledger', async () => {
    const { issue, primary, machine, shadowId, payload } = await pickUp();
    // The primary: the ordinary ledger, on GitHub Actions, driving the ticket.
    expect(primary).toMatchObject({ runner_mode: 'github-actions', status: 'running' });
    expect(h.backend.dispatched).toHaveLength(1);
    expect(await listRecentDispatches(h.store.db, 10)).toHaveLength(1);
    expect(h.linear.getIssue(issue.id)?.labels).toEqual(['AI-Working']);
    // The shadow: its own dispatch id, tokens and row; no questions, told it is a shadow.
    expect(shadowId).not.toBe(primary.id);
    expect(payload).toMatchObject({ shadow: true, phase: 'implementation', callback: expect.any(Object) });
    expect(payload.sessionMode).toBeUndefined();
    expect(machine.config.image).toBe(FLY_IMAGE);
    expect(await getShadowRun(h.store.db, shadowId)).toMatchObject({
      primary_dispatch_id: primary.id,
      status: 'running',
      machine_id: machine.id,
      image: FLY_IMAGE,
    });
  });

  it('records the shadow’s result without touching the ticket; only the primary moves it', async () => {
    const { issue, primary, machine, shadowId } = await pickUp();
    h.advance(60_000);
    expect(await handleRunProgress(h.ctx, shadowId, { step: 'implement', status: 'started' })).toBe(true);
    const shadowResult = {
      status: 'failure' as const,
      error: 'verify failed',
      usage: { costUsd: 1.25 },
    };
    expect(await handleRunResult(h.ctx, shadowId, shadowResult)).toBe('accepted');
    expect(await handleRunResult(h.ctx, shadowId, shadowResult)).toBe('duplicate');
    expect(await handleRunResult(h.ctx, shadowId, { status: 'success' })).toBe('conflict');
    expect(f.fly.machines.get(machine.id)?.state).toBe('destroyed');
    // The failed shadow changed nothing: no marker, no breaker, still one run in flight.
    expect(h.linear.getIssue(issue.id)?.labels).toEqual(['AI-Working']);
    expect((await listRecentDispatches(h.store.db, 10)).map((d) => d.status)).toEqual(['running']);

    h.advance(30_000);
    await handleRunResult(h.ctx, primary.id, {
      status: 'success',
      prUrl: 'https://github.com/acme/api/pull/7',
      branch: 'eng-1-export',
      usage: { costUsd: 0.75 },
    });
    expect(h.linear.getIssue(issue.id)?.labels).toEqual(['Ready for Review']);
    expect(await listShadowRuns(h.store.db, 10)).toEqual([
      expect.objectContaining({
        shadowId,
        dispatchId: primary.id,
        issueIdentifier: issue.identifier,
        machineId: machine.id,
        primary: { status: 'succeeded', durationSeconds: 90, costUsd: 0.75, error: null },
        shadow: { status: 'failed', durationSeconds: 60, costUsd: 1.25, error: 'verify failed' },
      }),
    ]);
  });

  it('serves the comparison at GET /api/shadow-runs', async () => {
    const { shadowId } = await pickUp();
    const app = createHttpApp({
      orchestrator: h.ctx,
      adminAccessCode: 'code-for-shadow',
      statusChecks: async () => [],
    });
    const auth = await app.request('/api/auth', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'code-for-shadow' }),
    });
    const { token } = (await auth.json()) as { token: string };
    const get = (path: string) => app.request(path, { headers: { authorization: `Bearer ${token}` } });
    const ok = await get('/api/shadow-runs?limit=5');
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { runs: { shadowId: string }[] }).runs.map((r) => r.shadowId)).toEqual([
      shadowId,
    ]);
    const bad = await get('/api/shadow-runs?limit=0');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ fields: [{ field: 'limit' }] });

    // The Pipelines panel shows the comparison under the shadow badge.
    const signIn = await app.request('/admin/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ code: 'code-for-shadow' }).toString(),
    });
    const cookie = signIn.headers.get('set-cookie')?.split(';')[0] ?? '';
    const page = await (await app.request('/admin/jobs', { headers: { cookie } })).text();
    const table = page.slice(page.indexOf('id="h-shadow-runs"'));
    expect(table).toContain(`data-shadow-id="${shadowId}"`);
    expect(table).toMatch(/<span class="badge badge-neutral">shadow<\/span>/);
    expect(table).toMatch(/badge-info">running<\/span>[\s\S]*badge-info">running<\/span>/);
  });

  it('records a shadow that cannot start as failed, and the primary runs as usual', async () => {
    (h.ctx.backends as Map<string, unknown>).delete('fly-machines');
    const { issue } = await (async () => {
      const issue = h.linear.addIssue({
        team: 'ENG',
        title: 'No Fly',
        labels: ['AI-Implement'],
        state: 'Todo',
      });
      await runTick(h.ctx);
      return { issue };
    })();
    expect(h.linear.getIssue(issue.id)?.labels).toEqual(['AI-Working']);
    expect(await listShadowRuns(h.store.db, 10)).toEqual([
      expect.objectContaining({
        shadow: expect.objectContaining({
          status: 'failed',
          error: expect.stringMatching(/FLY_SESSIONS_TOKEN/),
        }),
      }),
    ]);
  });

  it('is no orphan to the reaper; once reported and left behind, it is stale', async () => {
    const { machine, shadowId } = await pickUp();
    const reaper = createReaper({
      ctx: h.ctx,
      machines: f.machines,
      app: () => FLY_APP,
      dryRun: false,
      alertThreshold: 10,
      tenant: undefined,
    });
    h.advance(20 * 60_000);
    expect((await reaper.sweep()).actions.filter((a) => a.machineId)).toEqual([]);
    await h.store.db
      .updateTable('shadow_runs')
      .set({ finished_at: h.ctx.clock().toISOString(), status: 'succeeded' })
      .where('id', '=', shadowId)
      .execute();
    h.advance(11 * 60_000);
    expect((await reaper.sweep()).actions.filter((a) => a.machineId)).toEqual([
      expect.objectContaining({ rule: 'stale-terminal-job', machineId: machine.id }),
    ]);
  });
});
