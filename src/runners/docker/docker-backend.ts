import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { IntegrationError } from '../../domain/errors.ts';
import type { GitHubAppClient } from '../../github/github-app.ts';
import type {
  DispatchReceipt,
  DispatchRequest,
  ExecutionBackend,
  FoundRun,
  RunLookupQuery,
} from '../types.ts';
import { containerEnvironment, type RunCredentialOptions } from './container-env.ts';
import { installationTokenFor } from '../local/local-backend.ts';

/**
 * Execution mode `local` as the seed has it (000 `RUNNER_MODE`, CONTRACTS.md §1
 * `LOCAL_RUNNER_IMAGE`): each run is one container of the runner image on this machine's Docker
 * Engine, through the Engine API (https://docs.docker.com/reference/api/engine/version/v1.41/,
 * via dockerode). The container gets the payload and the run's credentials in its environment
 * (see container-env.ts), the host's network — so the runner reaches the orchestrator at
 * `http://127.0.0.1:$PORT` (docs/decisions/docker.md) — the mapping's CPU and memory, and labels
 * naming the dispatch id, issue and team, by which `findRun` and `cancel` find it again after a
 * restart. Its output goes to the orchestrator's log, line by line, and its last lines into the
 * job's steps; the container is removed when the run ends.
 */
export interface DockerBackendOptions extends RunCredentialOptions {
  /**
   * Makes the Engine API client (DOCKER_HOST, or /var/run/docker.sock): called once, at the first
   * use, so an orchestrator that never starts a local run never loads dockerode.
   */
  docker: () => Docker;
  /** LOCAL_RUNNER_IMAGE; a mapping's `runnerImage` wins. */
  image: string;
  /**
   * LOCAL_RUNNER_ORCHESTRATOR_URL: the base URL the runner calls back to from inside the
   * container, in place of the payload's RUNNER_CALLBACK_BASE_URL (default http://127.0.0.1:$PORT).
   */
  orchestratorUrl: string;
  /** Mints the run's installation token (one repository, the phase's permissions). */
  github: Pick<GitHubAppClient, 'repoOctokit'>;
  /**
   * Where the run's last output lines go when it ends (main.ts: a `container-output` step of the
   * job, shown with its progress). Failures here are logged, never the run's.
   */
  recordOutput?(dispatchId: string, output: { exitCode: number | null; lines: string[] }): Promise<void>;
  logger: {
    info(fields: object, message: string): void;
    warn(fields: object, message: string): void;
  };
}

export interface DockerBackend extends ExecutionBackend {
  findRun(query: RunLookupQuery): Promise<FoundRun>;
  cancel(run: { mapping: DispatchRequest['mapping']; externalId: string }): Promise<void>;
  /** Resolves once every run started by this process has ended and its container is gone (tests, shutdown). */
  idle(): Promise<void>;
}

/** Label keys on every run container (`docker ps --filter label=ai-implement.dispatch-id=…`). */
export const LABELS = {
  dispatchId: 'ai-implement.dispatch-id',
  issue: 'ai-implement.issue',
  team: 'ai-implement.team',
  phase: 'ai-implement.phase',
} as const;

/** How many of a run's last output lines the job's steps keep. */
const KEPT_LINES = 200;

/**
 * What the runner needs to switch to the agent user (src/runner/agent/sandbox.ts: chown of the
 * checkout, setuid/setgid of the agent's processes, reading back what the agent wrote) and no
 * more: the container's root holds these alone, with no-new-privileges.
 */
const RUNNER_CAPABILITIES = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETUID', 'SETGID', 'KILL'];

/** The Engine API failed: `transient` when it did not answer, otherwise by its status code. */
export function toDockerError(error: unknown, action: string): IntegrationError {
  const status = (error as { statusCode?: number }).statusCode;
  const detail = (error as { json?: { message?: string } }).json?.message ?? (error as Error).message;
  const category =
    status === undefined || status >= 500 ? 'transient' : status === 404 ? 'not_found' : 'invalid';
  return new IntegrationError('docker', category, `Docker could not ${action}: ${detail}`, { cause: error });
}

/** A container name from the issue and dispatch id: `ai-implement-eng-12-1a2b3c4d`. */
export function containerName(identifier: string, dispatchId: string): string {
  const issue = identifier.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-');
  return `ai-implement-${issue}-${dispatchId.replace(/-/g, '').slice(0, 12)}`;
}

/** The `HostConfig` of a run container: host network, the mapping's CPUs and memory, few capabilities. */
export function hostConfig(mapping: { machineCpus: number; machineMemoryMb: number }): Docker.HostConfig {
  return {
    NetworkMode: 'host',
    NanoCpus: mapping.machineCpus * 1_000_000_000,
    Memory: mapping.machineMemoryMb * 1024 * 1024,
    // The agent's tools start processes; an init reaps them and forwards `docker stop`'s SIGTERM.
    Init: true,
    CapDrop: ['ALL'],
    CapAdd: RUNNER_CAPABILITIES,
    SecurityOpt: ['no-new-privileges'],
  };
}

export function createDockerBackend(options: DockerBackendOptions): DockerBackend {
  const { logger } = options;
  let client: Docker | undefined;
  const docker = () => (client ??= options.docker());
  const running = new Set<Promise<void>>();

  async function dispatch(request: DispatchRequest): Promise<DispatchReceipt> {
    const { mapping, payload } = request;
    const token = await installationTokenFor(options.github, mapping.owner, mapping.repo, payload.phase);
    const callback = payload.callback && { ...payload.callback, url: options.orchestratorUrl };
    const env = containerEnvironment(options, { ...request, payload: { ...payload, callback } }, token);
    const image = mapping.runnerImage ?? options.image;
    const log = { issue: payload.issue.identifier, dispatchId: payload.dispatchId, image };
    let container: Docker.Container;
    try {
      container = await docker().createContainer({
        name: containerName(payload.issue.identifier, payload.dispatchId),
        Image: image,
        Env: Object.entries(env).map(([name, value]) => `${name}=${value}`),
        Labels: {
          [LABELS.dispatchId]: payload.dispatchId,
          [LABELS.issue]: payload.issue.identifier,
          [LABELS.team]: mapping.teamKey,
          [LABELS.phase]: payload.phase,
        },
        // Root inside the container, with only RUNNER_CAPABILITIES: the runner starts the agent
        // as the image's unprivileged `ai-agent` (docs/decisions/docker.md).
        User: '0:0',
        HostConfig: hostConfig(mapping),
      });
    } catch (error) {
      const failure = toDockerError(error, `create a container of ${image}`);
      if (failure.category === 'not_found') {
        throw new IntegrationError(
          'docker',
          'not_found',
          `the runner image ${image} is not on this Docker Engine: build it with npm run build:runner:local ` +
            '(or set LOCAL_RUNNER_IMAGE / the mapping’s runnerImage to one that is)',
          { cause: error },
        );
      }
      throw failure;
    }
    // Attach before start, so not one line of output is missed.
    const stream = await container
      .attach({ stream: true, stdout: true, stderr: true, logs: true })
      .catch((error: unknown) => {
        void container.remove({ force: true }).catch(() => undefined);
        throw toDockerError(error, 'attach to the run container');
      });
    try {
      await container.start();
    } catch (error) {
      await container.remove({ force: true }).catch(() => undefined);
      throw toDockerError(error, `start the run container of ${image}`);
    }
    logger.info({ ...log, container: container.id }, 'local run started in a container');
    const tracked = follow(container, stream, log).finally(() => running.delete(tracked));
    running.add(tracked);
    return { externalId: `docker:${container.id}`, image };
  }

  /** Streams the run's output into the log until it exits, records its tail, removes the container. */
  async function follow(
    container: Docker.Container,
    stream: NodeJS.ReadableStream,
    log: { issue: string; dispatchId: string },
  ): Promise<void> {
    const tail: string[] = [];
    const output = new PassThrough();
    docker().modem.demuxStream(stream, output, output);
    let partial = '';
    output.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        logger.info({ ...log, runner: line }, 'runner output');
        tail.push(line);
      }
      if (tail.length > KEPT_LINES) tail.splice(0, tail.length - KEPT_LINES);
    });
    let exitCode: number | null = null;
    try {
      exitCode = ((await container.wait()) as { StatusCode: number }).StatusCode;
    } catch (error) {
      logger.warn({ ...log, err: (error as Error).message }, 'lost track of the run container');
    }
    stream.removeAllListeners();
    if (partial) tail.push(partial);
    if (exitCode === 0) logger.info({ ...log, exitCode }, 'local run finished');
    else logger.warn({ ...log, exitCode, lastLines: tail.slice(-20) }, 'local run failed');
    await options
      .recordOutput?.(log.dispatchId, { exitCode, lines: tail })
      .catch((error: unknown) =>
        logger.warn({ ...log, err: (error as Error).message }, 'could not record the run output'),
      );
    await container
      .remove({ force: true })
      .catch((error: unknown) =>
        logger.warn({ ...log, err: (error as Error).message }, 'could not remove the run container'),
      );
  }

  /** Run containers (any state) labelled with this dispatch id. */
  async function containersOf(dispatchId: string) {
    try {
      return await docker().listContainers({
        all: true,
        filters: { label: [`${LABELS.dispatchId}=${dispatchId}`] },
      });
    } catch (error) {
      throw toDockerError(error, 'list run containers');
    }
  }

  return {
    mode: 'local',
    dispatch,
    /** The container labelled with the dispatch id, whichever process started it. */
    async findRun(query: RunLookupQuery): Promise<FoundRun> {
      const [found] = await containersOf(query.dispatchId);
      return found ? { kind: 'found', externalId: `docker:${found.Id}` } : { kind: 'absent' };
    },
    /** Stops (SIGTERM, then SIGKILL after 10 s) and removes the container; one already gone is fine. */
    async cancel(run) {
      if (!run.externalId.startsWith('docker:')) return;
      const container = docker().getContainer(run.externalId.slice('docker:'.length));
      try {
        await container.stop({ t: 10 });
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode;
        // 304: already stopped; 404: already removed.
        if (status !== 304 && status !== 404) throw toDockerError(error, 'stop the run container');
      }
      await container.remove({ force: true }).catch(async (error: unknown) => {
        const status = (error as { statusCode?: number }).statusCode;
        if (status === 404) return;
        // 409: its removal is already under way (the run's own clean-up): wait until it is gone.
        if (status === 409) {
          await container.wait({ condition: 'removed' }).catch(() => undefined);
          return;
        }
        throw toDockerError(error, 'remove the run container');
      });
    },
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}

/**
 * Checks at start-up that a Docker Engine answers, and says how to get one when none does.
 * Throws an Error whose message names DOCKER_HOST.
 */
export async function checkDockerEngine(docker: Docker, dockerHost: string | undefined): Promise<void> {
  try {
    await docker.ping();
  } catch (error) {
    const where = dockerHost ? `DOCKER_HOST=${dockerHost}` : 'the default socket /var/run/docker.sock';
    throw new Error(
      `RUNNER_MODE=local runs each session in a Docker container, but no Docker Engine answers at ${where} ` +
        `(${(error as Error).message}). Start one (Debian: apt-get install -y docker.io && systemctl start docker), ` +
        'or point DOCKER_HOST at a running engine (e.g. unix:///run/user/1000/docker.sock), then build the ' +
        'runner image with npm run build:runner:local',
      { cause: error },
    );
  }
}
