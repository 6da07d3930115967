import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.ts';
import type { Platform } from '../../src/orchestrator/platform/platform.ts';
import { createSessionsService, type SessionsService } from '../../src/orchestrator/sessions/sessions.ts';
import { runTick } from '../../src/orchestrator/tick.ts';
import { listDedupWindow } from '../../src/store/dedup-window.ts';
import { getDispatch, listRecentDispatches } from '../../src/store/dispatches.ts';
import { FLY_APP, FLY_IMAGE, withFly, type FlyWorld } from '../support/fly-harness.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';

let h: Harness;
let f: FlyWorld;
let sessions: SessionsService;

beforeEach(async () => {
  h = await createHarness();
  h.linear.addTeam({ key: 'ENG' });
  f = await withFly(h);
  sessions = createSessionsService({ ctx: h.ctx, machines: f.machines, app: () => FLY_APP });
  await h.addMapping({ teamKey: 'ENG', executionMode: 'fly-machines' });
});
afterEach(async () => {
  expect(f.fly.violations).toEqual([]);
  await f.close();
  await h.close();
});

describe('Fly Machine sessions', () => {
  it('lists live Machines with their run, and a destroy resets the ticket for the next poll', async () => {
    const issue = h.linear.addIssue({
      team: 'ENG',
      title: 'Export',
      labels: ['AI-Implement'],
      state: 'Todo',
    });
    await runTick(h.ctx);
    const [run] = await listRecentDispatches(h.store.db, 10);
    // The ledger records the image the backend chose (no override, no repository file: the default).
    expect(run).toMatchObject({ runner_mode: 'fly-machines', status: 'running', image: FLY_IMAGE });
    h.advance(90_000);

    const listed = await sessions.list();
    expect(listed).toEqual([
      expect.objectContaining({
        machineId: run!.external_id,
        state: 'started',
        uptimeSeconds: 90,
        issueId: issue.id,
        issueIdentifier: issue.identifier,
        issueUrl: issue.url,
        teamKey: 'ENG',
        repo: 'acme/api',
        dispatchId: run!.id,
        image: FLY_IMAGE,
      }),
    ]);
    expect(h.linear.getIssue(issue.id)?.labels).toEqual(['AI-Planning']);

    await sessions.destroy(run!.external_id!);
    expect(f.fly.machines.get(run!.external_id!)?.state).toBe('destroyed');
    expect(await getDispatch(h.store.db, run!.id)).toMatchObject({
      status: 'failed',
      error: 'session destroyed',
      close_reason: 'session_destroyed',
    });
    expect(await listDedupWindow(h.store.db, h.ctx.clock())).toEqual([]);
    expect(h.linear.getIssue(issue.id)?.labels).toEqual(['AI-Implement']);
    expect(await sessions.list()).toEqual([]);

    // The next poll picks it up again, on a new Machine.
    await runTick(h.ctx);
    const live = f.fly.machines.live(FLY_APP);
    expect(live).toHaveLength(1);
    expect(live[0]!.id).not.toBe(run!.external_id);
    expect(h.linear.getIssue(issue.id)?.labels).toEqual(['AI-Planning']);
  });

  it('re-runs the implementation of an approved plan whose session was destroyed', async () => {
    const issue = h.linear.addIssue({
      team: 'ENG',
      title: 'Export',
      labels: ['AI-Implement'],
      state: 'Todo',
    });
    await runTick(h.ctx);
    const [planning] = await listRecentDispatches(h.store.db, 10);
    const { handleRunResult } = await import('../../src/orchestrator/run-results.ts');
    await handleRunResult(h.ctx, planning!.id, { status: 'success', summary: 'plan' });
    const implementation = (await listRecentDispatches(h.store.db, 10)).find(
      (d) => d.phase === 'implementation',
    )!;
    await sessions.destroy(implementation.external_id!);
    expect(h.linear.getIssue(issue.id)?.labels).toEqual(['Plan-Complete']);
    await runTick(h.ctx);
    const implementations = (await listRecentDispatches(h.store.db, 10)).filter(
      (d) => d.phase === 'implementation',
    );
    expect(implementations).toHaveLength(2);
    expect(implementations.filter((d) => d.status === 'running')).toHaveLength(1);
  });

  it('answers not found for a Machine the app does not have, or one already destroyed', async () => {
    await expect(sessions.destroy('0000000000')).rejects.toMatchObject({ kind: 'not_found' });
    const planted = f.fly.machines.plant(FLY_APP, { state: 'destroyed' });
    await expect(sessions.destroy(planted.id)).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('with CLIENT_SLUG, shows and destroys only its own client’s Machines of a shared sessions app', async () => {
    const own = f.fly.machines.plant(FLY_APP, { metadata: { ai_implement_tenant: 'acme' } });
    const unlabelled = f.fly.machines.plant(FLY_APP, {});
    const other = f.fly.machines.plant(FLY_APP, { metadata: { ai_implement_tenant: 'globex' } });
    const acme = createSessionsService({
      ctx: { ...h.ctx, tenant: 'acme' },
      machines: f.machines,
      app: () => FLY_APP,
    });
    expect((await acme.list()).map((s) => s.machineId).sort()).toEqual([own.id, unlabelled.id].sort());
    await expect(acme.destroy(other.id)).rejects.toMatchObject({ kind: 'not_found' });
    expect(f.fly.machines.get(other.id)?.state).toBe('started');
    await acme.destroy(own.id);
    expect(f.fly.machines.get(own.id)?.state).toBe('destroyed');
    // Without CLIENT_SLUG, a labelled Machine is some client's: not this orchestrator's.
    expect((await sessions.list()).map((s) => s.machineId)).toEqual([unlabelled.id]);
  });

  it('serves GET and DELETE /api/sessions, with 400, 404 and 503 naming the problem', async () => {
    const platform = { sessions } as unknown as Platform;
    const app = createHttpApp({
      orchestrator: h.ctx,
      adminAccessCode: 'code-for-sessions',
      statusChecks: async () => [],
      platform,
    });
    const auth = await app.request('/api/auth', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'code-for-sessions' }),
    });
    const { token } = (await auth.json()) as { token: string };
    const call = async (method: string, path: string) => {
      const response = await app.request(path, { method, headers: { authorization: `Bearer ${token}` } });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const planted = f.fly.machines.plant(FLY_APP, { metadata: { ai_implement_issue: 'ENG-9' } });
    const listed = await call('GET', '/api/sessions');
    expect(listed.status).toBe(200);
    expect(listed.body.sessions).toEqual([
      expect.objectContaining({ machineId: planted.id, issueIdentifier: 'ENG-9', dispatchId: null }),
    ]);
    expect(await call('DELETE', `/api/sessions/${planted.id}`)).toEqual({
      status: 200,
      body: { destroyed: planted.id },
    });
    expect((await call('DELETE', `/api/sessions/${planted.id}`)).status).toBe(404);
    const bad = await call('DELETE', '/api/sessions/NOT..AN-ID');
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toEqual([
      { field: 'machineId', message: expect.stringMatching(/Fly Machine id/) },
    ]);

    const unconfigured = createSessionsService({ ctx: h.ctx, machines: undefined, app: () => undefined });
    const bare = createHttpApp({
      orchestrator: h.ctx,
      adminAccessCode: 'code-for-sessions',
      statusChecks: async () => [],
      platform: { sessions: unconfigured } as unknown as Platform,
    });
    const response = await bare.request('/api/sessions', { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { message: string }).message).toMatch(/FLY_SESSIONS_TOKEN/);
  });
});
