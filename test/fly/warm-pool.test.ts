import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createReaper } from '../../src/orchestrator/reaper/reaper.ts';
import { createSessionsService } from '../../src/orchestrator/sessions/sessions.ts';
import { runTick } from '../../src/orchestrator/tick.ts';
import { listRecentDispatches } from '../../src/store/dispatches.ts';
import { createWarmPool, POOL_META } from '../../src/runners/fly/warm-pool.ts';
import { FLY_APP, FLY_IMAGE, withFly, type FlyWorld } from '../support/fly-harness.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';

let h: Harness;
let f: FlyWorld;

beforeEach(async () => {
  h = await createHarness();
  h.linear.addTeam({ key: 'ENG' });
  await h.addMapping({ teamKey: 'ENG', executionMode: 'fly-machines' });
});
afterEach(async () => {
  expect(f.fly.violations).toEqual([]);
  await f.close();
  await h.close();
});

const creates = () => f.fly.requests.filter((r) => r === `POST /v1/apps/${FLY_APP}/machines`).length;
const idle = () =>
  f.fly.machines.live(FLY_APP).filter((m) => m.config.metadata?.[POOL_META] && m.state === 'created');

async function pickUp(title: string) {
  const issue = h.linear.addIssue({ team: 'ENG', title, labels: ['AI-Implement'], state: 'Todo' });
  await runTick(h.ctx);
  await f.warmPool.settled();
  return (await listRecentDispatches(h.store.db, 50)).find((d) => d.issue_id === issue.id)!;
}

describe('the warm pool (FLY_WARM_POOL_SIZE)', () => {
  it('starts a run on a pooled Machine with the run’s config, and fills the pool again', async () => {
    f = await withFly(h, { warmPoolSize: 2 });
    const first = await pickUp('First');
    // Nothing was pooled yet: the run was created, and the pool filled behind it.
    expect(creates()).toBe(3);
    expect(idle()).toHaveLength(2);
    for (const pooled of idle()) {
      expect(pooled.config).toMatchObject({ image: FLY_IMAGE, env: {}, guest: { cpus: 2, memory_mb: 4096 } });
    }
    const waiting = idle().map((m) => m.id);

    const second = await pickUp('Second');
    expect(waiting).toContain(second.external_id);
    const machine = f.fly.machines.get(second.external_id!)!;
    expect(machine.state).toBe('started');
    expect(machine.config.metadata).toMatchObject({ ai_implement_dispatch_id: second.id });
    expect(machine.config.metadata?.[POOL_META]).toBeUndefined();
    expect(machine.config).toMatchObject({
      auto_destroy: true,
      env: { CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat-test' },
    });
    expect(JSON.parse(machine.config.env!.AI_IMPLEMENT_PAYLOAD!).dispatchId).toBe(second.id);
    expect(f.fly.requests).toContain(`POST /v1/apps/${FLY_APP}/machines/${second.external_id}`);
    // The run took one; the refill made one: one create, not the run's.
    expect(creates()).toBe(4);
    expect(idle()).toHaveLength(2);
    expect(first.external_id).not.toBe(second.external_id);
  });

  it('is neither a session nor reaped while the pool is on; left over once it is off, it is an orphan', async () => {
    f = await withFly(h, { warmPoolSize: 1 });
    await pickUp('Fill');
    const [pooled] = idle();
    f.fly.machines.age(pooled!.id, 60 * 60_000);
    const sessions = createSessionsService({ ctx: h.ctx, machines: f.machines, app: () => FLY_APP });
    expect((await sessions.list()).map((s) => s.machineId)).not.toContain(pooled!.id);
    const reaper = (warmPoolSize: number) =>
      createReaper({
        ctx: h.ctx,
        machines: f.machines,
        app: () => FLY_APP,
        dryRun: false,
        alertThreshold: 10,
        tenant: undefined,
        warmPoolSize,
      });
    expect((await reaper(1).sweep()).actions).toEqual([]);
    expect((await reaper(0).sweep()).actions).toEqual([
      expect.objectContaining({ rule: 'orphan', machineId: pooled!.id }),
    ]);
  });

  it('pools per client in a shared sessions app: each takes and tops up only its own', async () => {
    f = await withFly(h);
    const pool = (tenant: string | undefined) =>
      createWarmPool({ machines: f.machines, size: 1, tenant, logger: { info: () => undefined } });
    const shape = { image: FLY_IMAGE, guest: { cpus: 1, memory_mb: 1024 }, region: 'fra' };
    const [acme, globex, unlabelled] = [pool('acme'), pool('globex'), pool(undefined)];
    for (const p of [acme, globex, unlabelled]) {
      p.refill(FLY_APP, shape);
      await p.settled();
    }
    // Each filled its own: one Machine per client, labelled with it.
    expect(
      idle()
        .map((m) => m.config.metadata?.ai_implement_tenant ?? null)
        .sort(),
    ).toEqual(['acme', 'globex', null]);
    const run = {
      config: {
        image: FLY_IMAGE,
        env: {},
        guest: shape.guest,
        metadata: { ai_implement_dispatch_id: 'd-1', ai_implement_tenant: 'acme' },
        auto_destroy: true,
        restart: { policy: 'no' as const },
      },
    };
    const taken = await acme.start(FLY_APP, shape, run);
    expect(taken?.metadata).toMatchObject({ ai_implement_tenant: 'acme', ai_implement_dispatch_id: 'd-1' });
    // Acme's pool is empty now; it does not take globex's or the unlabelled one.
    expect(await acme.start(FLY_APP, shape, run)).toBeUndefined();
    expect(f.fly.machines.get(taken!.id)?.state).toBe('started');
    expect(
      idle()
        .map((m) => m.config.metadata?.ai_implement_tenant ?? null)
        .sort(),
    ).toEqual(['globex', null]);
  });

  it('creates every run when the pool is off (the default)', async () => {
    f = await withFly(h);
    await pickUp('No pool');
    expect(creates()).toBe(1);
    expect(idle()).toEqual([]);
  });
});
