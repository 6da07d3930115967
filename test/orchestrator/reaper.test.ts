import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reaperRuleFor } from '../../src/domain/reaper-rules.ts';
import { createHttpApp } from '../../src/http/app.ts';
import type { Platform } from '../../src/orchestrator/platform/platform.ts';
import { createReaper, type Reaper } from '../../src/orchestrator/reaper/reaper.ts';
import { handleRunResult } from '../../src/orchestrator/run-results.ts';
import { runTick } from '../../src/orchestrator/tick.ts';
import { getDispatch, listRecentDispatches } from '../../src/store/dispatches.ts';
import { FLY_APP, withFly, type FlyWorld } from '../support/fly-harness.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';

let h: Harness;
let f: FlyWorld;
const minutes = (n: number) => n * 60_000;

function reaper(options: { dryRun?: boolean; alertThreshold?: number } = {}): Reaper {
  return createReaper({
    ctx: h.ctx,
    machines: f.machines,
    app: () => FLY_APP,
    dryRun: options.dryRun ?? false,
    alertThreshold: options.alertThreshold ?? 10,
    tenant: 'acme',
  });
}

async function pickUp(title = 'Export') {
  const issue = h.linear.addIssue({ team: 'ENG', title, labels: ['AI-Implement'], state: 'Todo' });
  await runTick(h.ctx);
  const run = (await listRecentDispatches(h.store.db, 50)).find((d) => d.issue_id === issue.id)!;
  return { issue, run, machineId: run.external_id! };
}

beforeEach(async () => {
  h = await createHarness();
  h.linear.addTeam({ key: 'ENG' });
  f = await withFly(h);
  await h.addMapping({ teamKey: 'ENG', executionMode: 'fly-machines', maxJobMinutes: 60 });
});
afterEach(async () => {
  expect(f.fly.violations).toEqual([]);
  await f.close();
  await h.close();
});

describe('the reaper rules', () => {
  it('checks orphan, stale-terminal-job, max-age-exceeded, issue-terminal in that order', () => {
    const run = { resultAtMs: undefined, maxJobMinutes: 60, issueTerminal: false };
    expect(reaperRuleFor({ nowMs: minutes(9), createdAtMs: 0 })).toBeUndefined();
    expect(reaperRuleFor({ nowMs: minutes(11), createdAtMs: 0 })).toBe('orphan');
    expect(
      reaperRuleFor({ nowMs: minutes(80), createdAtMs: 0, run: { ...run, resultAtMs: minutes(69) } }),
    ).toBe('stale-terminal-job');
    expect(reaperRuleFor({ nowMs: minutes(76), createdAtMs: 0, run })).toBe('max-age-exceeded');
    expect(reaperRuleFor({ nowMs: minutes(74), createdAtMs: 0, run })).toBeUndefined();
    expect(reaperRuleFor({ nowMs: minutes(1), createdAtMs: 0, run: { ...run, issueTerminal: true } })).toBe(
      'issue-terminal',
    );
  });
});

describe('the reaper sweep', () => {
  it('destroys an orphan older than ten minutes, and leaves a young one and a known run alone', async () => {
    const { machineId } = await pickUp();
    const orphan = f.fly.machines.plant(FLY_APP, { ageMs: minutes(11) });
    const unknownRun = f.fly.machines.plant(FLY_APP, {
      ageMs: minutes(12),
      metadata: { ai_implement_dispatch_id: 'not-in-the-ledger', ai_implement_issue: 'ENG-77' },
    });
    h.advance(minutes(11));
    const young = f.fly.machines.plant(FLY_APP, { ageMs: minutes(9) });

    const report = await reaper().sweep();
    expect(report.actions.map((a) => [a.rule, a.machineId]).sort()).toEqual(
      [
        ['orphan', orphan.id],
        ['orphan', unknownRun.id],
      ].sort(),
    );
    expect(f.fly.machines.get(orphan.id)?.state).toBe('destroyed');
    expect(f.fly.machines.get(young.id)?.state).toBe('started');
    expect(f.fly.machines.get(machineId)?.state).toBe('started');
    const recent = await reaper().recent(10);
    expect(recent.find((a) => a.machineId === unknownRun.id)).toMatchObject({
      rule: 'orphan',
      tenant: 'acme',
      issueIdentifier: 'ENG-77',
      ageSeconds: 23 * 60,
      dryRun: false,
    });
  });

  it('acts only on its own client’s Machines: another client’s in a shared sessions app is left alone', async () => {
    const tenant = (name: string | undefined) =>
      f.fly.machines.plant(FLY_APP, {
        ageMs: minutes(30),
        metadata: name ? { ai_implement_tenant: name } : {},
      });
    const own = tenant('acme');
    const unlabelled = tenant(undefined);
    const other = tenant('globex');

    const report = await reaper().sweep();
    expect(report.actions.map((a) => a.machineId).sort()).toEqual([own.id, unlabelled.id].sort());
    expect(f.fly.machines.get(other.id)?.state).toBe('started');
    const recent = await reaper().recent(10);
    expect(recent.map((a) => [a.machineId, a.tenant]).sort()).toEqual(
      [
        [own.id, 'acme'],
        [unlabelled.id, 'acme'],
      ].sort(),
    );
  });

  it('stale-terminal-job: a Machine still there ten minutes after its run reported', async () => {
    const { run, machineId } = await pickUp();
    await handleRunResult(h.ctx, run.id, { status: 'success', summary: 'plan' });
    expect(f.fly.machines.get(machineId)?.state).toBe('destroyed');
    // A leftover of the same run (its destroy failed): found by its dispatch id.
    const leftover = f.fly.machines.plant(FLY_APP, { metadata: { ai_implement_dispatch_id: run.id } });
    h.advance(minutes(9));
    expect((await reaper().sweep()).actions).toEqual([]);
    h.advance(minutes(2));
    const report = await reaper().sweep();
    expect(report.actions.filter((a) => a.machineId === leftover.id)).toEqual([
      { rule: 'stale-terminal-job', machineId: leftover.id, dryRun: false },
    ]);
  });

  it('max-age-exceeded: destroys the Machine and asks the ticket again, as a session destroy', async () => {
    const { issue, run, machineId } = await pickUp();
    h.advance(minutes(76));
    const report = await reaper().sweep();
    expect(report.actions).toEqual([{ rule: 'max-age-exceeded', machineId, dryRun: false }]);
    expect(f.fly.machines.get(machineId)?.state).toBe('destroyed');
    expect(await getDispatch(h.store.db, run.id)).toMatchObject({
      status: 'failed',
      close_reason: 'session_destroyed',
      error: 'session destroyed by the reaper (max-age-exceeded)',
    });
    expect(h.linear.getIssue(issue.id)?.labels).toEqual(['AI-Implement']);
  });

  it('issue-terminal: the ticket went done while its Machine runs', async () => {
    const { issue, machineId } = await pickUp();
    h.linear.updateIssue(issue.id, { state: 'Done' });
    const report = await reaper().sweep();
    expect(report.actions).toEqual([{ rule: 'issue-terminal', machineId, dryRun: false }]);
    expect(f.fly.machines.get(machineId)?.state).toBe('destroyed');
  });

  it('cancels a GitHub Actions run past maxJobMinutes + 15 min, once', async () => {
    await h.addMapping({ teamKey: 'OPS', repo: 'ops', maxJobMinutes: 30 });
    h.linear.addTeam({ key: 'OPS' });
    h.linear.addIssue({ team: 'OPS', title: 'Ops', labels: ['AI-Implement'], state: 'Todo' });
    await runTick(h.ctx);
    const run = (await listRecentDispatches(h.store.db, 50)).find((d) => d.runner_mode === 'github-actions')!;
    h.advance(minutes(44));
    expect((await reaper().sweep()).actions.filter((a) => a.runId)).toEqual([]);
    h.advance(minutes(2));
    expect((await reaper().sweep()).actions.filter((a) => a.runId)).toEqual([
      { rule: 'max-age-exceeded', runId: run.external_id, dryRun: false },
    ]);
    expect(h.backend.cancelled).toEqual([run.external_id]);
    await reaper().sweep();
    expect(h.backend.cancelled).toEqual([run.external_id]);
  });

  it('in dry-run records what it would do, once, and destroys nothing', async () => {
    const { machineId } = await pickUp();
    const orphan = f.fly.machines.plant(FLY_APP, { ageMs: minutes(11) });
    h.advance(minutes(76));
    const dry = reaper({ dryRun: true });
    const report = await dry.sweep();
    expect(report.actions.map((a) => [a.rule, a.dryRun]).sort()).toEqual(
      [
        ['max-age-exceeded', true],
        ['orphan', true],
      ].sort(),
    );
    expect(f.fly.machines.get(orphan.id)?.state).toBe('started');
    expect(f.fly.machines.get(machineId)?.state).toBe('started');
    expect((await listRecentDispatches(h.store.db, 5))[0]?.status).toBe('running');
    expect((await dry.sweep()).actions).toEqual([]);
    expect(await dry.summary()).toMatchObject({ total: 2, dryRun: true });
  });

  it('alerts once per crossing of REAPER_ALERT_THRESHOLD', async () => {
    const r = reaper({ alertThreshold: 1 });
    f.fly.machines.plant(FLY_APP, { ageMs: minutes(11) });
    expect((await r.sweep()).alerted).toBe(false);
    f.fly.machines.plant(FLY_APP, { ageMs: minutes(11) });
    expect((await r.sweep()).alerted).toBe(true);
    f.fly.machines.plant(FLY_APP, { ageMs: minutes(11) });
    expect((await r.sweep()).alerted).toBe(false);
    expect(h.notifications.filter((n) => n.type === 'reaper_alert')).toEqual([
      { type: 'reaper_alert', destroyedCount: 2, threshold: 1, windowHours: 24, dryRun: false },
    ]);
    // A day later the window is empty again: the next crossing alerts again.
    h.advance(minutes(25 * 60));
    expect((await r.sweep()).alerted).toBe(false);
    f.fly.machines.plant(FLY_APP, { ageMs: minutes(11) });
    f.fly.machines.plant(FLY_APP, { ageMs: minutes(11) });
    expect((await r.sweep()).alerted).toBe(true);
    expect(h.notifications.filter((n) => n.type === 'reaper_alert')).toHaveLength(2);
  });

  it('serves the 24 h summary by rule and the recent actions', async () => {
    const r = reaper();
    f.fly.machines.plant(FLY_APP, { ageMs: minutes(11) });
    await r.sweep();
    const app = createHttpApp({
      orchestrator: h.ctx,
      adminAccessCode: 'code-for-the-reaper',
      statusChecks: async () => [],
      platform: { reaper: r } as unknown as Platform,
    });
    const auth = await app.request('/api/auth', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'code-for-the-reaper' }),
    });
    const { token } = (await auth.json()) as { token: string };
    const get = async (path: string) => {
      const response = await app.request(path, { headers: { authorization: `Bearer ${token}` } });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    expect((await get('/api/reaper/summary')).body).toEqual({
      windowHours: 24,
      total: 1,
      byRule: { orphan: 1, 'stale-terminal-job': 0, 'max-age-exceeded': 0, 'issue-terminal': 0 },
      lastSweepAt: h.ctx.clock().toISOString(),
      dryRun: false,
    });
    const recent = await get('/api/reaper/recent?limit=5');
    expect(recent.body.actions).toEqual([
      expect.objectContaining({ rule: 'orphan', runId: null, dryRun: false, ageSeconds: 660 }),
    ]);
    const bad = await get('/api/reaper/recent?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toEqual([{ field: 'limit', message: 'must be a whole number from 1 to 500' }]);
  });
});
