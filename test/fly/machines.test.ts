import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IntegrationError } from '../../src/domain/errors.ts';
import { createFlyClient } from '../../src/fly/fly-client.ts';
import {
  createFlyMachinesClient,
  type CreateMachineInput,
  type FlyMachinesClient,
} from '../../src/fly/machines.ts';
import { startFakeFly, type FakeFly } from '../fakes/fly/fake-fly-server.ts';

const APP = 'ai-sessions';

function input(metadata: Record<string, string> = {}): CreateMachineInput {
  return {
    name: 'run-1',
    region: 'fra',
    config: {
      image: 'ghcr.io/acme/runner:1',
      env: { AI_IMPLEMENT_PAYLOAD: '{}' },
      guest: { cpus: 2, memory_mb: 4096, cpu_kind: 'shared' },
      metadata,
      auto_destroy: true,
      restart: { policy: 'no' },
    },
  };
}

describe('Fly Machines client against the fake Fly', () => {
  let fly: FakeFly;
  let machines: FlyMachinesClient;

  beforeEach(async () => {
    fly = await startFakeFly();
    fly.addApp(APP);
    machines = createFlyMachinesClient(createFlyClient({ apiUrl: fly.url, token: fly.token }), {
      minDelayMs: 1,
    });
  });
  afterEach(async () => {
    expect(fly.violations).toEqual([]);
    await fly.close();
  });

  it('creates a Machine, which then runs, and reads it back', async () => {
    const created = await machines.createMachine(APP, input({ ai_implement_dispatch_id: 'd-1' }));
    expect(created).toMatchObject({ state: 'created', region: 'fra', image: 'ghcr.io/acme/runner:1' });
    expect(created.guest).toEqual({ cpus: 2, memoryMb: 4096 });
    const read = await machines.getMachine(APP, created.id);
    expect(read?.state).toBe('started');
    expect(read?.metadata).toEqual({ ai_implement_dispatch_id: 'd-1' });
    expect(await machines.waitForState(APP, created.id, 'started', 1)).toBe(true);
  });

  it('lists by metadata and leaves destroyed Machines out', async () => {
    const a = await machines.createMachine(APP, input({ ai_implement_dispatch_id: 'd-a' }));
    await machines.createMachine(APP, input({ ai_implement_dispatch_id: 'd-b' }));
    const found = await machines.listMachines(APP, { metadata: { ai_implement_dispatch_id: 'd-a' } });
    expect(found.map((m) => m.id)).toEqual([a.id]);
    expect(await machines.destroyMachine(APP, a.id)).toBe(true);
    expect(await machines.listMachines(APP, { metadata: { ai_implement_dispatch_id: 'd-a' } })).toEqual([]);
    expect((await machines.listMachines(APP)).length).toBe(1);
    expect(fly.requests).toContain(`DELETE /v1/apps/${APP}/machines/${a.id}`);
  });

  it('treats destroying a Machine that is already gone as done', async () => {
    const a = await machines.createMachine(APP, input());
    expect(await machines.destroyMachine(APP, a.id)).toBe(true);
    expect(await machines.destroyMachine(APP, a.id)).toBe(false);
    expect(await machines.stopMachine(APP, a.id)).toBe(false);
    expect(await machines.getMachine(APP, 'nope')).toBeUndefined();
  });

  it('stops a Machine with auto_destroy: it is destroyed, and wait sees it', async () => {
    const a = await machines.createMachine(APP, input());
    await machines.getMachine(APP, a.id);
    const waiting = machines.waitForState(APP, a.id, 'destroyed', 5);
    expect(await machines.stopMachine(APP, a.id)).toBe(true);
    expect(await waiting).toBe(true);
    expect(fly.machines.get(a.id)?.state).toBe('destroyed');
  });

  it('answers false when wait times out (408)', async () => {
    fly.machines.autoStart = false;
    const a = await machines.createMachine(APP, input());
    expect(await machines.waitForState(APP, a.id, 'started', 1)).toBe(false);
  });

  it('retries a capacity refusal and leaves the region to Fly on the last attempt', async () => {
    fly.machines.failCreateWithCapacity(3);
    const created = await machines.createMachine(APP, input());
    const creates = fly.bodies.filter((_, i) => fly.requests[i] === `POST /v1/apps/${APP}/machines`);
    expect(creates).toHaveLength(4);
    expect(JSON.parse(creates[0]!).region).toBe('fra');
    expect(JSON.parse(creates[3]!).region).toBeUndefined();
    expect(created.region).toBe('iad');
  });

  it('turns capacity refusals on every attempt into a rate limit: the next poll asks again', async () => {
    fly.machines.failCreateWithCapacity(4);
    await expect(machines.createMachine(APP, input())).rejects.toMatchObject({
      category: 'rate_limited',
      message: expect.stringMatching(/no capacity/),
    });
    expect(fly.machines.all(APP)).toEqual([]);
  });

  it('does not repeat a create whose answer was a 5xx: it may have created the Machine', async () => {
    fly.failNext(502);
    await expect(machines.createMachine(APP, input())).rejects.toMatchObject({ category: 'transient' });
    expect(fly.requests.filter((r) => r.startsWith('POST'))).toHaveLength(1);
  });

  it('retries a transient failure of a read', async () => {
    fly.failNext(503);
    expect(await machines.listMachines(APP)).toEqual([]);
    expect(fly.requests).toHaveLength(2);
  });

  it('classifies an unknown app and a bad token', async () => {
    await expect(machines.listMachines('nope')).rejects.toMatchObject({ category: 'not_found' });
    const bad = createFlyMachinesClient(createFlyClient({ apiUrl: fly.url, token: 'wrong' }), {
      minDelayMs: 1,
    });
    const error = await bad.listMachines(APP).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrationError);
    expect((error as IntegrationError).category).toBe('auth');
  });

  it('refuses to delete a running Machine without force, as Fly does', async () => {
    const a = await machines.createMachine(APP, input());
    const client = createFlyClient({ apiUrl: fly.url, token: fly.token });
    await machines.getMachine(APP, a.id);
    await expect(
      client.request({ method: 'DELETE', path: `/apps/${APP}/machines/${a.id}` }, { action: 'delete' }),
    ).rejects.toMatchObject({ category: 'invalid' });
  });
});
