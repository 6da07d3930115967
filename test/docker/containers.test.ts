import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminSession } from '../../scripts/demo/admin-api.ts';
import { DEMO_OWNER, DEMO_REPO, DEMO_TEAM } from '../../scripts/demo/demo-repo.ts';
import { DEMO_APP_ID, startDemoWorld, type DemoWorld } from '../../scripts/demo/demo-world.ts';
import { createDockerBackend, LABELS } from '../../src/runners/docker/docker-backend.ts';
import { MappingInputSchema } from '../../src/domain/mapping.ts';
import type { GitHubAppClient } from '../../src/github/github-app.ts';
import { startOrchestrator, type OrchestratorProcess } from '../e2e/orchestrator-process.ts';
import { generateTestAppKeyPair } from '../fakes/github/test-keys.ts';
import { findProgram, run, startDockerEngine, type DockerEngine } from '../support/docker-engine.ts';
import { buildImage, ensureBaseImage, imageSizeMb } from '../support/docker-images.ts';
import { freePort } from '../support/free-port.ts';

/**
 * Both images, built from the real Dockerfiles on a real Docker Engine (ARCHITECTURE.md "Real
 * Docker": dockerd without bridge or iptables, vfs, host networking only, a local base image in
 * place of node:24-bookworm-slim), and run: the orchestrator image as a deployment runs it, the
 * runner image as RUNNER_MODE=local runs it. One engine and one build for the whole file — the
 * builds are most of its time.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const ORCHESTRATOR_IMAGE = 'ai-implement:test';
const RUNNER_IMAGE = 'ai-implement-runner:test';
/** The runner image plus the scripted stand-in for Claude Code (test code never goes in the real one). */
const RUNNER_TEST_IMAGE = 'ai-implement-runner:test-agent';

let engine: DockerEngine;
let baseImage: string;

beforeAll(async () => {
  engine = await startDockerEngine();
  baseImage = await ensureBaseImage(engine);
  await Promise.all([
    buildImage(engine, { dockerfile: 'Dockerfile', tag: ORCHESTRATOR_IMAGE, baseImage }),
    buildImage(engine, { dockerfile: 'docker/runner/Dockerfile', tag: RUNNER_IMAGE, baseImage }).then(() =>
      buildAgentImage(),
    ),
  ]);
  console.log(
    `image sizes: ${ORCHESTRATOR_IMAGE} ${await imageSizeMb(engine, ORCHESTRATOR_IMAGE)} MB, ` +
      `${RUNNER_IMAGE} ${await imageSizeMb(engine, RUNNER_IMAGE)} MB (base ${await imageSizeMb(engine, baseImage)} MB)`,
  );
}, 900_000);

// Stopping the engine and deleting its data (several GB of vfs copies) takes a while.
afterAll(async () => {
  await engine?.stop();
}, 300_000);

/** RUNNER_IMAGE with the demo's stand-in agent (scripts/demo/demo-agent.ts and test/fakes/claude) in /opt. */
async function buildAgentImage(): Promise<void> {
  const context = fs.mkdtempSync(path.join(os.tmpdir(), 'aii-agent-image-'));
  try {
    for (const file of ['scripts/demo/demo-agent.ts', ...listTs('test/fakes/claude')]) {
      fs.mkdirSync(path.join(context, 'agent', path.dirname(file)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, file), path.join(context, 'agent', file));
    }
    fs.writeFileSync(
      path.join(context, 'Dockerfile'),
      `FROM ${RUNNER_IMAGE}\nCOPY agent /opt/ai-implement-test/\n`,
    );
    await buildImage(engine, { dockerfile: 'Dockerfile', tag: RUNNER_TEST_IMAGE, context });
  } finally {
    fs.rmSync(context, { recursive: true, force: true });
  }
}

function listTs(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => path.join(dir, name));
}

/** Polls `check` until it returns a value; throws `what` with the last error after `timeoutMs`. */
async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('the orchestrator image', () => {
  it('runs as a non-root user, answers /healthz, keeps SQLite on its /data volume across a restart and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const keys = generateTestAppKeyPair();
    const name = `ai-implement-orchestrator-${port}`;
    const volume = `ai-implement-data-${port}`;
    const url = `http://127.0.0.1:${port}`;
    const env = {
      GITHUB_APP_ID: '4242',
      GITHUB_APP_PRIVATE_KEY: keys.privateKey.trim().replace(/\n/g, '\\n'),
      // Nothing is mapped, so no tick calls GitHub; a closed local port if one did.
      GITHUB_API_URL: 'http://127.0.0.1:9/api/v3',
      ADMIN_ACCESS_CODE: 'docker-test-access-code',
      PORT: String(port),
      POLL_INTERVAL_MS: '1000',
    };
    const image = await engine.api.getImage(ORCHESTRATOR_IMAGE).inspect();
    expect(image.Config.User).toBe('app');
    expect(image.Config.Healthcheck?.Test?.join(' ')).toContain('/healthz');
    expect(Object.keys(image.Config.Volumes ?? {})).toEqual(['/data']);

    await engine.docker(['volume', 'create', volume]);
    await engine.docker([
      'run',
      '--detach',
      '--name',
      name,
      '--network',
      'host',
      '--volume',
      `${volume}:/data`,
      // The image's HEALTHCHECK command, checked every second instead of every 30.
      '--health-interval',
      '1s',
      ...Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]),
      ORCHESTRATOR_IMAGE,
    ]);
    const logs = () => engine.docker(['logs', name]).catch((error: Error) => error.message);
    try {
      await eventually(
        '/healthz',
        async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined),
        60_000,
      ).catch(async (error: Error) => {
        throw new Error(`${error.message}\n${await logs()}`);
      });
      const health = await eventually(
        'the HEALTHCHECK to report healthy',
        async () => {
          const state = (await engine.api.getContainer(name).inspect()).State;
          return state.Health?.Status === 'healthy' ? state.Health : undefined;
        },
        60_000,
      );
      expect(health.Status).toBe('healthy');
      expect((await engine.docker(['exec', name, 'id', '-un'])).trim()).toBe('app');
      // NODE_ENV=production: the SQLite file is on the volume without DEDUP_DB_PATH.
      expect(await engine.docker(['exec', name, 'ls', '/data'])).toContain('dedup.sqlite');

      // An admin session lives in SQLite: it still opens the API after a restart.
      const api = await adminSession(url, env.ADMIN_ACCESS_CODE);
      await api('POST', '/api/mappings', {
        teamKey: 'DOCK',
        owner: 'acme',
        repo: 'kept',
        defaultBranch: 'main',
        ticketingProvider: 'github',
      }).catch(() => undefined);
      const before = await api<unknown>('GET', '/api/mappings');

      await engine.docker(['restart', '--time', '20', name]);
      await eventually(
        '/healthz after the restart',
        async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined),
        60_000,
      );
      expect(await api<unknown>('GET', '/api/mappings')).toEqual(before);

      // docker stop sends SIGTERM: the orchestrator finishes its tick, closes the store, exits 0.
      await engine.docker(['stop', '--time', '20', name]);
      const state = (await engine.api.getContainer(name).inspect()).State;
      expect(state.ExitCode, await logs()).toBe(0);
      expect(await logs()).toContain('shutting down');
    } finally {
      // Not removed: removal is another slow walk of the image on vfs, and the engine's data goes at the end.
      await engine.docker(['stop', '--time', '1', name]).catch(() => undefined);
    }
  }, 900_000);
});

describe('RUNNER_MODE=local with the runner image', () => {
  let world: DemoWorld;
  let orchestrator: OrchestratorProcess | undefined;

  afterAll(async () => {
    await orchestrator?.stop();
    await world?.close();
  });

  it('takes a ticket to Ready for Review in a runner container, and the container is gone afterwards', async () => {
    const image = await engine.api.getImage(RUNNER_IMAGE).inspect();
    expect(image.Config.User).toBe('runner');
    // The agent user of src/runner/agent/sandbox.ts exists in the image, and Claude Code is
    // installed. (No --rm: creating and removing a container copies the image twice on vfs; the
    // engine's data goes at the end anyway.)
    expect(
      await engine.docker([
        'run',
        '--network',
        'host',
        '--entrypoint',
        'sh',
        RUNNER_IMAGE,
        '-c',
        'id -un ai-agent && claude --version',
      ]),
    ).toMatch(/^ai-agent\n.*Claude Code/);

    world = await startDemoWorld();
    const port = await freePort();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aii-e2e-'));
    orchestrator = await startOrchestrator(
      {
        GITHUB_APP_ID: String(DEMO_APP_ID),
        GITHUB_APP_PRIVATE_KEY: world.appPrivateKey.trim().replace(/\n/g, '\\n'),
        GITHUB_API_URL: world.github.url,
        GITHUB_SERVER_URL: world.git.url,
        LINEAR_API_KEY: world.linear.apiKey,
        LINEAR_API_URL: world.linear.url,
        ADMIN_ACCESS_CODE: 'docker-e2e',
        POLL_INTERVAL_MS: '1000',
        RUNNER_MODE: 'local',
        DOCKER_HOST: engine.host,
        LOCAL_RUNNER_IMAGE: RUNNER_TEST_IMAGE,
        RUNNER_TOKEN_SECRET: randomBytes(32).toString('hex'),
        RUNNER_CALLBACK_BASE_URL: `http://127.0.0.1:${port}`,
        DEDUP_DB_PATH: path.join(tmp, 'dedup.sqlite'),
        CLAUDE_CODE_PATH: '/opt/ai-implement-test/scripts/demo/demo-agent.ts',
        // The stand-in answers only when it sees a credential, like the real CLI; this one is fake.
        ANTHROPIC_API_KEY: 'sk-ant-docker-e2e-stand-in-not-a-real-key',
      },
      port,
    );
    const api = await adminSession(orchestrator.url, 'docker-e2e');
    await api('POST', '/api/mappings', {
      teamKey: DEMO_TEAM,
      owner: DEMO_OWNER,
      repo: DEMO_REPO,
      defaultBranch: 'main',
      machineCpus: 1,
      machineMemoryMb: 1024,
      // One run, straight to implementation: each container costs two copies of the image on
      // vfs. Planning runs the same way (test/e2e/demo.e2e.test.ts covers both phases).
      planningEnabled: false,
    });
    world.linear.updateIssue(world.issue.id, { labels: ['AI-Implement'] });

    // A run container exists while the ticket is worked on, labelled and limited as the mapping says.
    const running = await eventually(
      'a run container',
      async () => {
        const [found] = await engine.api.listContainers({
          all: true,
          filters: { label: [LABELS.dispatchId] },
        });
        return found;
      },
      300_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${orchestrator!.output().slice(-6000)}`);
    });
    expect(running.Labels[LABELS.issue]).toBe(world.linear.getIssue(world.issue.id)!.identifier);
    expect(running.Labels[LABELS.team]).toBe(DEMO_TEAM);
    expect(running.HostConfig.NetworkMode).toBe('host');

    const outcome = await eventually(
      'Ready for Review',
      async () => {
        const labels = world.linear.getIssue(world.issue.id)!.labels;
        if (labels.includes('AI-Failed') || labels.includes('AI-Planning-Failed')) return labels.join(', ');
        return labels.includes('Ready for Review') ? 'ready' : undefined;
      },
      400_000,
    ).catch((error: Error) => error.message);
    expect(outcome, orchestrator.output().slice(-8000)).toBe('ready');
    const pull = world.repo.pulls.find((p) => p.head.startsWith('ai-implement/'));
    expect(pull).toBeDefined();

    // Every run's container is removed once it ends.
    await eventually(
      'the run containers to be removed',
      async () =>
        (await engine.api.listContainers({ all: true, filters: { label: [LABELS.dispatchId] } })).length === 0
          ? true
          : undefined,
      180_000,
    );
    // The runner's output reached the job's steps.
    const log = await api<{ jobs: { jobId: string }[] }>('GET', '/api/log');
    const steps = await api<{
      dispatches: { dispatchId: string; phase: string; dispatchedAt: string | null }[];
      steps: {
        dispatchId: string;
        step: string;
        status: string;
        receivedAt: string;
        output: { lines?: string[] } | null;
      }[];
    }>('GET', `/api/jobs/${log.jobs[0]!.jobId}/steps`);
    // For bench/README.md: dispatch → the runner's first progress callback, per run (not asserted).
    for (const dispatch of steps.dispatches) {
      const first = steps.steps.find((s) => s.dispatchId === dispatch.dispatchId);
      if (first && dispatch.dispatchedAt) {
        const ms = Date.parse(first.receivedAt) - Date.parse(dispatch.dispatchedAt);
        console.log(`${dispatch.phase}: dispatch → first progress callback ${ms} ms (${first.step})`);
      }
    }
    const output = steps.steps.filter((s) => s.step === 'container-output');
    expect(output.map((s) => s.status)).toEqual(['succeeded']);
    expect(output[0]!.output?.lines?.length).toBeGreaterThan(0);
    fs.rmSync(tmp, { recursive: true, force: true });
  }, 900_000);
});

/**
 * Imports `tag`: an image whose command waits — the host's `sleep` and the libraries `ldd` names,
 * a few MB. On vfs each container copies its image whole, so one from the 265 MB base costs
 * seconds of copying per container and per commit.
 */
async function importSleeperImage(tag: string): Promise<void> {
  const sleep = fs.realpathSync(findProgram('sleep') ?? '/usr/bin/sleep');
  const libraries = [...(await run('ldd', [sleep])).matchAll(/(\/\S+) \(0x/g)].map((match) => match[1]!);
  const tarball = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aii-sleeper-')), 'rootfs.tar');
  try {
    // -h stores what the usrmerge symlinks (/lib, /lib64) point to under the names ldd gives.
    await run('tar', ['-chf', tarball, '-C', '/', ...[sleep, ...libraries].map((file) => file.slice(1))]);
    await engine.docker(['import', '--change', `CMD ["${sleep}","infinity"]`, tarball, tag]);
  } finally {
    fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
  }
}

describe('the Docker backend', () => {
  it('finds a run by its dispatch-id label, and cancels it: stopped and removed', async () => {
    const sleeper = 'ai-implement-test-sleeper:1';
    await importSleeperImage(sleeper);
    const mapping = MappingInputSchema.parse({
      teamKey: 'ENG',
      owner: 'acme',
      repo: 'app',
      defaultBranch: 'main',
    });
    const github = {
      repoOctokit: async () => ({ auth: async () => ({ token: 'installation-token' }) }),
    } as unknown as Pick<GitHubAppClient, 'repoOctokit'>;
    const logs: string[] = [];
    const backend = createDockerBackend({
      docker: () => engine.api,
      image: sleeper,
      orchestratorUrl: 'http://127.0.0.1:9',
      github,
      githubApiUrl: 'http://127.0.0.1:9',
      claude: {},
      baseEnv: {},
      logger: { info: (_, message) => logs.push(message), warn: (_, message) => logs.push(message) },
    });
    const dispatchId = randomBytes(8).toString('hex');
    const receipt = await backend.dispatch({
      mapping,
      phase: 'implementation',
      workflowFile: 'claude-implement.yml',
      payload: {
        version: 1,
        dispatchId,
        phase: 'implementation',
        issue: {
          id: 'i',
          identifier: 'ENG-1',
          title: 'T',
          description: '',
          url: 'https://x/ENG-1',
          provider: 'linear',
        },
        provider: { name: 'anthropic' },
      },
    });
    const query = { mapping, workflowFile: 'claude-implement.yml', dispatchId, since: new Date(0) };
    expect(await backend.findRun(query)).toEqual({ kind: 'found', externalId: receipt.externalId });
    expect(await backend.findRun({ ...query, dispatchId: 'another' })).toEqual({ kind: 'absent' });

    await backend.cancel({ mapping, externalId: receipt.externalId! });
    expect(await backend.findRun(query)).toEqual({ kind: 'absent' });
    await backend.idle();
    // A second cancel of a run already gone is not an error.
    await backend.cancel({ mapping, externalId: receipt.externalId! });
  }, 300_000);
});
