import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
