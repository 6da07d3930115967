import { createHash, randomBytes } from 'node:crypto';
import { Mutex } from 'async-mutex';
import { describeError } from '../../domain/errors.ts';
import type { CreateMachineInput, FlyMachine, FlyMachinesClient } from '../../fly/machines.ts';
import { belongsToTenant, META } from './machine-config.ts';

/**
 * The warm pool (issue 12 "Machine reuse", FLY_WARM_POOL_SIZE, CONTRACTS.md §10): up to N
 * Machines per image, guest size and region, created but not started (`skip_launch`), so a run
 * starts with a config update of one of them — Fly starts it with the run's config, no image
 * pull — instead of a create (5–40 s against about 2.5 s, measured in the issue). A pooled
 * Machine carries no env and no credentials: only the image, the guest and the
 * `ai_implement_pool` metadata that names its pool. Taking one replaces the whole config (the
 * run's env, metadata, `auto_destroy`), so after the run it destroys itself like any run's
 * Machine; the pool is refilled in the background after each dispatch of its kind.
 */

/** Metadata key of a pooled Machine: the pool it belongs to (poolKey). */
export const POOL_META = 'ai_implement_pool';

/** What makes two runs' Machines interchangeable. */
export interface PoolShape {
  image: string;
  guest: CreateMachineInput['config']['guest'];
  region: string | undefined;
}

/** A short stable name of a shape (12 hex of its SHA-256). */
export function poolKey(shape: PoolShape): string {
  const { image, guest, region } = shape;
  const canonical = JSON.stringify([image, guest.cpus, guest.memory_mb, guest.cpu_kind ?? '', region ?? '']);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 12);
}

/** A pooled Machine waiting for a run: pool metadata, no dispatch id, not started. */
export function isIdlePoolMachine(machine: Pick<FlyMachine, 'metadata' | 'state'>): boolean {
  return (
    machine.metadata[POOL_META] !== undefined &&
    machine.metadata[META.dispatchId] === undefined &&
    (machine.state === 'created' || machine.state === 'stopped')
  );
}

export interface WarmPool {
  readonly size: number;
  /**
   * Starts a run on an idle Machine of the shape: replaces its config with `run`'s and lets Fly
   * start it. Undefined when the pool has none (or each one it tried was gone): the caller
   * creates. Throws what the update throws (a lost answer: the caller's look-up by dispatch id
   * finds the run, as after a lost create).
   */
  start(app: string, shape: PoolShape, run: CreateMachineInput): Promise<FlyMachine | undefined>;
  /** Tops the shape's pool up to `size` (and trims it to `size`) in the background. */
  refill(app: string, shape: PoolShape): void;
  /** Resolves once no refill is running (tests, shutdown). */
  settled(): Promise<void>;
}

export function createWarmPool(options: {
  machines: FlyMachinesClient;
  size: number;
  /**
   * CLIENT_SLUG: pooled Machines carry it as `ai_implement_tenant`, and only this client's are
   * taken, so clients sharing a sessions app neither take nor reap each other's pool.
   */
  tenant?: string | undefined;
  logger: { info(fields: object, message: string): void; warn?(fields: object, message: string): void };
}): WarmPool {
  const { machines, size, tenant } = options;
  const label: Record<string, string> = tenant ? { [META.tenant]: tenant } : {};
  // One taker or refiller per pool at a time in this process, so two dispatches never update
  // the same Machine and two refills never overfill.
  const mutexes = new Map<string, Mutex>();
  const lock = {
    run<T>(key: string, work: () => Promise<T>): Promise<T> {
      const mutex = mutexes.get(key) ?? new Mutex();
      mutexes.set(key, mutex); // one per pool shape in use: few, kept
      return mutex.runExclusive(work);
    },
  };
  const running = new Set<Promise<void>>();

  const idle = async (app: string, key: string) =>
    (await machines.listMachines(app, { metadata: { [POOL_META]: key, ...label } })).filter(
      (m) => isIdlePoolMachine(m) && belongsToTenant(m.metadata, tenant),
    );

  async function topUp(app: string, shape: PoolShape): Promise<void> {
    const key = poolKey(shape);
    await lock.run(`${app}/${key}`, async () => {
      const waiting = await idle(app, key);
      for (const extra of waiting.slice(size)) await machines.destroyMachine(app, extra.id);
      for (let n = waiting.length; n < size; n += 1) {
        await machines.createMachine(app, {
          name: `ai-pool-${key}-${randomBytes(3).toString('hex')}`,
          skip_launch: true,
          ...(shape.region ? { region: shape.region } : {}),
          config: {
            image: shape.image,
            env: {},
            guest: shape.guest,
            metadata: { [POOL_META]: key, ...label },
            auto_destroy: true,
            restart: { policy: 'no' },
          },
        });
      }
    });
  }

  return {
    size,
    async start(app, shape, run) {
      if (size <= 0) return undefined;
      const key = poolKey(shape);
      return lock.run(`${app}/${key}`, async () => {
        for (const candidate of await idle(app, key)) {
          const started = await machines.updateMachine(app, candidate.id, {
            ...(run.name ? { name: run.name } : {}),
            config: run.config,
          });
          if (started) return started;
        }
        return undefined;
      });
    },
    refill(app, shape) {
      if (size <= 0) return;
      const work: Promise<void> = topUp(app, shape)
        .catch((error: unknown) =>
          (options.logger.warn ?? options.logger.info)(
            { app, pool: poolKey(shape), err: describeError(error) },
            'warm pool: could not refill; the next dispatch tries again',
          ),
        )
        .finally(() => running.delete(work));
      running.add(work);
    },
    async settled() {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}
