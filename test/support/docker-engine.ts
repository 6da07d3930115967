import { spawn, execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';

/**
 * The Docker tests always run: a machine without the engine or debootstrap fails them with this
 * message instead of skipping them (a skipped image is an untested image).
 */
export const DOCKER_MISSING =
  'The Docker tests need a real Docker Engine and debootstrap, as root: apt-get install -y docker.io debootstrap ' +
  '(.ci/run installs both). Missing: ';

/** A Docker Engine this test process started, and stops. */
export interface DockerEngine {
  /** `unix://<socket>`, for DOCKER_HOST. */
  host: string;
  /** An Engine API client on it. */
  api: Docker;
  /** Runs the docker CLI against this engine; resolves with its stdout, rejects with its output. */
  docker(args: string[], options?: { env?: Record<string, string>; input?: string }): Promise<string>;
  /** Stops the engine by its pid file and removes its data. */
  stop(): Promise<void>;
}

/** Mount points at or below `dir`, deepest first (from /proc/self/mounts). */
function mountsUnder(dir: string): string[] {
  return fs
    .readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((mountPoint) => mountPoint === dir || mountPoint.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

/** `name` on PATH or in the sbin directories (dockerd and debootstrap live in /usr/sbin). */
export function findProgram(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Throws DOCKER_MISSING naming what is missing: dockerd, docker, debootstrap, root. */
export function requireDockerTools(): { dockerd: string; docker: string; debootstrap: string } {
  const dockerd = findProgram('dockerd');
  const docker = findProgram('docker');
  const debootstrap = findProgram('debootstrap');
  const missing = [
    ...(dockerd ? [] : ['dockerd']),
    ...(docker ? [] : ['docker']),
    ...(debootstrap ? [] : ['debootstrap']),
    ...(process.getuid?.() === 0 ? [] : ['root (dockerd and debootstrap need it)']),
  ];
  if (missing.length > 0 || !dockerd || !docker || !debootstrap) {
    throw new Error(DOCKER_MISSING + missing.join(', '));
  }
  return { dockerd, docker, debootstrap };
}

/** Runs a program; resolves with stdout, rejects with an Error holding its combined output. */
export function run(
  file: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { env: options.env, cwd: options.cwd, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const output = `${stdout}\n${stderr}`.trim().split('\n').slice(-40).join('\n');
          reject(new Error(`${path.basename(file)} ${args.slice(0, 3).join(' ')} failed: ${output}`));
        } else resolve(stdout);
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/**
 * Starts `dockerd` as ARCHITECTURE.md "Real Docker" says: no bridge, no iptables, the vfs storage
 * driver, its own socket, data and exec roots and pid file under a fresh temp dir — containers
 * must use the host network (`NetworkMode: host`), and traffic goes to 127.0.0.1 only.
 * Resolves once the Engine API answers; throws with the engine's log when it exits first.
 */
export async function startDockerEngine(): Promise<DockerEngine> {
  const tools = requireDockerTools();
  // Development only: an engine started the same way and kept running, so its build cache
  // makes the next run of the container tests fast. Never stopped here.
  const kept = process.env.AI_IMPLEMENT_TEST_DOCKER_HOST;
  if (kept) return engineAt(kept, tools.docker, async () => undefined);
  // Short: the socket path must fit in a sockaddr_un (108 bytes).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aii-docker-'));
  const socket = path.join(dir, 'docker.sock');
  const pidFile = path.join(dir, 'dockerd.pid');
  const logFile = path.join(dir, 'dockerd.log');
  const log = fs.openSync(logFile, 'a');
  const daemon = spawn(
    tools.dockerd,
    [
      '--bridge=none',
      '--iptables=false',
      '--ip6tables=false',
      '--storage-driver=vfs',
      '--host',
      `unix://${socket}`,
      '--data-root',
      path.join(dir, 'data'),
      '--exec-root',
      path.join(dir, 'exec'),
      '--pidfile',
      pidFile,
    ],
    { stdio: ['ignore', log, log], detached: true },
  );
  fs.closeSync(log);
  daemon.unref();
  const exited = new Promise<number | null>((resolve) => daemon.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const api = new Docker({ socketPath: socket });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (gone) {
      throw new Error(`dockerd exited at start-up:\n${fs.readFileSync(logFile, 'utf8').slice(-3000)}`);
    }
    if (
      await api.ping().then(
        () => true,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) {
      process.kill(daemon.pid!, 'SIGKILL');
      throw new Error(
        `dockerd did not answer within 60 s:\n${fs.readFileSync(logFile, 'utf8').slice(-3000)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return engineAt(`unix://${socket}`, tools.docker, async () => {
    const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').trim()) : daemon.pid;
    if (!gone && pid) {
      process.kill(pid, 'SIGTERM');
      const killed = setTimeout(() => !gone && process.kill(pid, 'SIGKILL'), 30_000);
      await exited;
      clearTimeout(killed);
    }
    // dockerd leaves its network namespace mounted (exec/netns/default) when it exits.
    for (const mountPoint of mountsUnder(dir))
      await run('umount', ['--lazy', mountPoint]).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  });
}

function engineAt(host: string, dockerCli: string, stop: () => Promise<void>): DockerEngine {
  return {
    host,
    api: new Docker({ socketPath: host.replace(/^unix:\/\//, '') }),
    docker: (args, options = {}) =>
      run(dockerCli, args, {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env, DOCKER_HOST: host },
        input: options.input,
      }),
    stop,
  };
}
