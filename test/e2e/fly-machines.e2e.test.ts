import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DispatchPayload } from '../../src/runners/types.ts';
import type { FakeMachine } from '../fakes/fly/fake-machines.ts';
import { startE2eWorld, type E2eWorld } from './e2e-world.ts';
import { eventually } from './orchestrator-process.ts';

const APP = 'ai-sessions';
const IMAGE = 'registry.fly.io/ai-implement-runner:e2e';
const OAUTH = 'sk-ant-oat-e2e-oauth-token';

let w: E2eWorld;

beforeAll(async () => {
  w = await startE2eWorld({
    appId: 5151,
    repos: [{ repo: 'api' }],
    flyApp: APP,
    env: {
      AI_IMPLEMENT_RUNNER_IMAGE: IMAGE,
      FLY_SESSIONS_REGION: 'fra',
      CLAUDE_CODE_OAUTH_TOKEN: OAUTH,
      CLIENT_SLUG: 'acme',
    },
  });
}, 60_000);

afterAll(() => w?.close());

function payloadOf(machine: FakeMachine): DispatchPayload {
  return JSON.parse(machine.config.env!.AI_IMPLEMENT_PAYLOAD!) as DispatchPayload;
}

function result(payload: DispatchPayload, body: unknown) {
  return w.post('/runner/result', body, { authorization: `Bearer ${payload.callback!.resultToken}` });
}

describe('a ticket on Fly Machines (npm start, fake Fly, GitHub and Linear)', () => {
  it('runs planning and implementation each on its own Machine, which is gone once the run reports', async () => {
    const fly = w.fly!;
    const mapping = await w.api('POST', '/api/mappings', {
      teamKey: 'ENG',
      owner: 'acme',
      repo: 'api',
      defaultBranch: 'main',
      executionMode: 'fly-machines',
      machineCpus: 4,
      machineMemoryMb: 8192,
      extraEnv: { FEATURE_FLAGS: 'beta' },
    });
    expect(mapping.status).toBe(201);
    const issue = w.linear.addIssue({
      team: 'ENG',
      title: 'Export users',
      state: 'Todo',
      labels: ['AI-Implement'],
    });

    const planning = await eventually('the planning Machine', async () => fly.machines.all(APP)[0]);
    expect(w.github.dispatches).toHaveLength(0);
    expect(planning.config).toMatchObject({
      image: IMAGE,
      guest: { cpus: 4, memory_mb: 8192 },
      auto_destroy: true,
      restart: { policy: 'no' },
      metadata: {
        ai_implement_issue_id: issue.id,
        ai_implement_issue: issue.identifier,
        ai_implement_team: 'ENG',
        ai_implement_phase: 'planning',
        ai_implement_repo: 'acme/api',
        ai_implement_tenant: 'acme',
      },
    });
    expect(planning.region).toBe('fra');
    const env = planning.config.env!;
    expect(env).toMatchObject({
      FEATURE_FLAGS: 'beta',
      CLAUDE_CODE_OAUTH_TOKEN: OAUTH,
      GITHUB_REPOSITORY: 'acme/api',
      LINEAR_API_KEY: w.env.LINEAR_API_KEY,
    });
    expect(env.ANTHROPIC_API_KEY).toBeUndefined();
    expect(env.GITHUB_TOKEN).toBeTruthy();
    const planPayload = payloadOf(planning);
    expect(planPayload).toMatchObject({ phase: 'planning', image: IMAGE, issue: { id: issue.id } });
    expect(planning.config.metadata!.ai_implement_dispatch_id).toBe(planPayload.dispatchId);

    await eventually('the planning marker', async () =>
      w.linear.getIssue(issue.id)?.labels.join() === 'AI-Planning' ? true : undefined,
    );
    expect((await result(planPayload, { status: 'success', summary: 'plan' })).status).toBe(200);
    // The result destroys the Machine that is still there.
    expect(fly.machines.get(planning.id)?.state).toBe('destroyed');

    const implementation = await eventually('the implementation Machine', async () =>
      fly.machines.all(APP).find((m) => m.config.metadata?.ai_implement_phase === 'implementation'),
    );
    const implPayload = payloadOf(implementation);
    expect(implPayload.phase).toBe('implementation');
    expect(implementation.config).toMatchObject({ image: IMAGE, guest: { cpus: 4, memory_mb: 8192 } });
    // The runner exits on its own before reporting: auto_destroy removed the Machine already.
    fly.machines.exit(implementation.id);
    const done = await result(implPayload, {
      status: 'success',
      prUrl: 'https://github.com/acme/api/pull/7',
      branch: 'ai-implement/eng-1',
      summary: 'Added export',
    });
    expect(done.status).toBe(200);
    // Once the loop has looked at the new head's checks (it has none).
    await eventually('Ready for Review', async () =>
      w.linear.getIssue(issue.id)?.labels?.join() === 'Ready for Review' ? true : undefined,
    );
    expect(w.linear.getIssue(issue.id)?.labels).toEqual(['Ready for Review']);
    expect(fly.machines.live(APP)).toEqual([]);
    const status = await w.api<{ checks: { name: string; label: string; ok: boolean; detail: string }[] }>(
      'GET',
      '/api/admin/config-status',
    );
    expect(status.body.checks.find((c) => c.name === 'fly-sessions')).toEqual({
      name: 'fly-sessions',
      label: 'Fly Machines sessions app',
      ok: true,
      detail: `app ${APP}: 0 live sessions`,
    });
    expect((await w.api('GET', '/api/reaper/summary')).body).toMatchObject({ total: 0, dryRun: false });
    expect(fly.violations).toEqual([]);
    // CLIENT_SLUG labels every log line once the configuration is read.
    const lines = w.orchestrator
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; client?: string });
    const after = lines.slice(lines.findIndex((line) => line.msg === 'configuration') + 1);
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((line) => line.client !== 'acme')).toEqual([]);
    // Credentials went to Fly only: never into the orchestrator's log.
    expect(w.orchestrator.output()).not.toContain(OAUTH);
    expect(w.orchestrator.output()).not.toContain(String(env.GITHUB_TOKEN));
  }, 90_000);

  it('in shadow mode runs on GitHub Actions, with a Fly shadow whose result only the comparison shows', async () => {
    const fly = w.fly!;
    expect((await w.api('POST', '/api/runner-mode', { mode: 'shadow' })).status).toBe(200);
    const issue = w.linear.addIssue({
      team: 'ENG',
      title: 'Shadowed',
      state: 'Todo',
      labels: ['AI-Implement'],
    });
    const primary = await eventually('the GitHub Actions dispatch', async () => w.github.dispatches[0]);
    const primaryPayload = JSON.parse(String(primary.inputs.payload)) as DispatchPayload;
    expect(primaryPayload).toMatchObject({ phase: 'planning', issue: { id: issue.id } });
    expect(primaryPayload.shadow).toBeUndefined();
    const shadow = await eventually('the shadow Machine', async () =>
      fly.machines.live(APP).find((m) => m.config.metadata?.ai_implement_issue_id === issue.id),
    );
    const shadowPayload = payloadOf(shadow);
    expect(shadowPayload).toMatchObject({ phase: 'planning', shadow: true });
    expect(shadowPayload.dispatchId).not.toBe(primaryPayload.dispatchId);

    // The shadow fails: recorded, nothing moves on the ticket.
    expect((await result(shadowPayload, { status: 'failure', error: 'verify failed' })).status).toBe(200);
    expect(fly.machines.get(shadow.id)?.state).toBe('destroyed');
    expect(w.linear.getIssue(issue.id)?.labels).toEqual(['AI-Planning']);
    // The primary succeeds: the ticket moves as it always does.
    expect((await result(primaryPayload, { status: 'success', summary: 'plan' })).status).toBe(200);
    await eventually('the implementation dispatch', async () => w.github.dispatches[1]);
    const comparison = await w.api<{ runs: { dispatchId: string; primary: unknown; shadow: unknown }[] }>(
      'GET',
      '/api/shadow-runs',
    );
    expect(comparison.body.runs.find((r) => r.dispatchId === primaryPayload.dispatchId)).toMatchObject({
      primary: { status: 'succeeded' },
      shadow: { status: 'failed', error: 'verify failed' },
    });
    expect(fly.violations).toEqual([]);
  }, 60_000);
});
