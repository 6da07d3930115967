import { createFlyClient } from '../../src/fly/fly-client.ts';
import { createFlyMachinesClient, type FlyMachinesClient } from '../../src/fly/machines.ts';
import { createFlyBackend, type FlyBackend } from '../../src/runners/fly/fly-backend.ts';
import type { RepoImageReader } from '../../src/runners/fly/repo-image.ts';
import { createWarmPool, type WarmPool } from '../../src/runners/fly/warm-pool.ts';
import { startFakeFly, type FakeFly } from '../fakes/fly/fake-fly-server.ts';
import type { Harness } from './orchestrator-harness.ts';

export const FLY_APP = 'ai-sessions';
export const FLY_IMAGE = 'registry.fly.io/ai-implement-runner:test';

/** A fake Fly on the harness's clock, and the Fly backend registered for `fly-machines`. */
export interface FlyWorld {
  fly: FakeFly;
  machines: FlyMachinesClient;
  backend: FlyBackend;
  /** FLY_WARM_POOL_SIZE as `withFly` was given it (default 0: off). */
  warmPool: WarmPool;
  close(): Promise<void>;
}

/** Installation tokens without GitHub: the Fly backend only passes them on. */
const github = {
  repoOctokit: async () => ({ auth: async () => ({ token: 'ghs_test_installation_token' }) }),
} as unknown as Parameters<typeof createFlyBackend>[0]['github'];

export async function withFly(
  h: Harness,
  options: { app?: string | undefined; repoImage?: RepoImageReader; warmPoolSize?: number } = {},
): Promise<FlyWorld> {
  const fly = await startFakeFly({ clock: h.ctx.clock });
  fly.addApp(FLY_APP);
  const machines = createFlyMachinesClient(createFlyClient({ apiUrl: fly.url, token: fly.token }), {
    minDelayMs: 1,
  });
  const app = 'app' in options ? options.app : FLY_APP;
  const warmPool = createWarmPool({
    machines,
    size: options.warmPoolSize ?? 0,
    logger: { info: () => undefined },
  });
  const backend = createFlyBackend({
    machines,
    app: () => app,
    region: () => 'fra',
    defaultImage: FLY_IMAGE,
    repoImage: options.repoImage,
    warmPool,
    github,
    githubApiUrl: 'https://api.github.com',
    claude: { oauthToken: 'sk-ant-oat-test' },
    logger: { info: () => undefined },
  });
  (h.ctx.backends as Map<string, unknown>).set('fly-machines', backend);
  return {
    fly,
    machines,
    backend,
    warmPool,
    close: async () => {
      await warmPool.settled();
      await fly.close();
    },
  };
}
