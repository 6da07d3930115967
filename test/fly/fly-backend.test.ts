import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTick } from '../../src/orchestrator/tick.ts';
import { getDispatch, listRecentDispatches } from '../../src/store/dispatches.ts';
import { MappingInputSchema } from '../../src/domain/mapping.ts';
import { cpuKindFor, machineName } from '../../src/runners/fly/machine-config.ts';
import type { DispatchRequest } from '../../src/runners/types.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';
import { FLY_APP, FLY_IMAGE, withFly, type FlyWorld } from '../support/fly-harness.ts';

let h: Harness;
let f: FlyWorld;

const mapping = MappingInputSchema.parse({
  teamKey: 'ENG',
  owner: 'acme',
  repo: 'api',
  defaultBranch: 'main',
  executionMode: 'fly-machines',
  extraEnv: { AI_IMPLEMENT_PAYLOAD: 'must not win', FLAG: 'on' },
});

function request(dispatchId: string, image?: string): DispatchRequest {
  return {
    mapping,
    phase: 'implementation',
    workflowFile: 'claude-implement.yml',
    payload: {
      version: 1,
      dispatchId,
      phase: 'implementation',
      issue: { id: 'i-1', identifier: 'ENG-1', title: 't', description: '', url: 'u', provider: 'linear' },
      provider: { name: 'anthropic' },
      ...(image ? { image } : {}),
    },
  };
}

beforeEach(async () => {
  h = await createHarness();
  f = await withFly(h);
});
afterEach(async () => {
  expect(f.fly.violations).toEqual([]);
  await f.close();
  await h.close();
});

describe('the Fly Machines backend', () => {
  it('creates one Machine per run and names it in the receipt', async () => {
    const receipt = await f.backend.dispatch(request('d-1'));
    const machine = f.fly.machines.get(receipt.externalId!)!;
    expect(machine.config.image).toBe(FLY_IMAGE);
    expect(machine.config.env).toMatchObject({ FLAG: 'on', CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat-test' });
    expect(JSON.parse(machine.config.env!.AI_IMPLEMENT_PAYLOAD!).dispatchId).toBe('d-1');
    expect(machine.config.guest).toEqual({ cpus: 2, memory_mb: 4096, cpu_kind: 'shared' });
    expect(machine.name).toBe(machineName(request('d-1')));
  });

  it('uses the payload image over the default', async () => {
    const receipt = await f.backend.dispatch(request('d-2', 'ghcr.io/acme/custom:2'));
    expect(f.fly.machines.get(receipt.externalId!)!.config.image).toBe('ghcr.io/acme/custom:2');
  });

  it('finds the Machine of a dispatch whose create answer was lost, even once destroyed', async () => {
    const since = h.ctx.clock();
    expect(await f.backend.findRun!({ mapping, workflowFile: 'x', dispatchId: 'd-3', since })).toEqual({
      kind: 'absent',
    });
    const receipt = await f.backend.dispatch(request('d-3'));
    f.fly.machines.exit(receipt.externalId!);
    expect(await f.backend.findRun!({ mapping, workflowFile: 'x', dispatchId: 'd-3', since })).toEqual({
      kind: 'found',
      externalId: receipt.externalId,
    });
  });

  it('cancels by destroying the Machine; one already gone is fine', async () => {
    const receipt = await f.backend.dispatch(request('d-4'));
    await f.backend.cancel!({ mapping, externalId: receipt.externalId! });
    expect(f.fly.machines.get(receipt.externalId!)!.state).toBe('destroyed');
    await f.backend.cancel!({ mapping, externalId: receipt.externalId! });
  });

  it('refuses clearly without a sessions app', async () => {
    await f.close();
    f = await withFly(h, { app: undefined });
    await expect(f.backend.dispatch(request('d-5'))).rejects.toMatchObject({
      category: 'invalid',
      message: expect.stringMatching(/FLY_SESSIONS_APP or the flySessionsApp setting/),
    });
    expect(f.fly.machines.all(FLY_APP)).toEqual([]);
  });

  it('picks performance vCPUs when shared ones cannot hold the memory', () => {
    expect(cpuKindFor(2, 4096)).toBe('shared');
    expect(cpuKindFor(2, 8192)).toBe('performance');
  });
});

describe('a Fly dispatch of unknown outcome (exactly once)', () => {
  beforeEach(async () => {
    h.linear.addTeam({ key: 'ENG' });
    await h.addMapping({ teamKey: 'ENG', executionMode: 'fly-machines', planningEnabled: false });
    h.linear.addIssue({ team: 'ENG', title: 'Lost answer', labels: ['AI-Implement'], state: 'Todo' });
  });

  it('adopts the Machine whose create answer was lost, found by its dispatch-id metadata', async () => {
    f.fly.loseNextAnswer(502);
    await runTick(h.ctx);
    const [row] = await listRecentDispatches(h.store.db, 10);
    expect(row?.status).toBe('pending');
    const [machine] = f.fly.machines.all(FLY_APP);
    expect(machine?.config.metadata?.ai_implement_dispatch_id).toBe(row!.id);

    await runTick(h.ctx);
    expect(await getDispatch(h.store.db, row!.id)).toMatchObject({
      status: 'running',
      external_id: machine!.id,
    });
    expect(f.fly.machines.all(FLY_APP)).toHaveLength(1);
  });

  it('creates the Machine again under the same id when Fly certainly has none', async () => {
    f.fly.failNext(503);
    await runTick(h.ctx);
    const [row] = await listRecentDispatches(h.store.db, 10);
    expect(row?.status).toBe('pending');
    expect(f.fly.machines.all(FLY_APP)).toEqual([]);

    h.advance(h.ctx.policy.lostDispatchGraceMs * 2);
    await runTick(h.ctx);
    const machines = f.fly.machines.all(FLY_APP);
    expect(machines).toHaveLength(1);
    expect(machines[0]!.config.metadata?.ai_implement_dispatch_id).toBe(row!.id);
    expect(await getDispatch(h.store.db, row!.id)).toMatchObject({
      status: 'running',
      external_id: machines[0]!.id,
    });
  });
});
