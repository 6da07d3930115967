import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../support/free-port.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

/** The orchestrator started as a user starts it: `npm start` in the repository, with env. */
export interface OrchestratorProcess {
  url: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /**
   * Resolves once `count` more ticks have completed (`ticks` in `GET /healthz`). Proves
   * "nothing happened" without sleeping: a tick already running when this is called may have
   * started before the event under test, so wait for at least 2.
   */
  afterTicks(count: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<number | null>;
  /** SIGKILL to the whole process group (npm, sh, node): a crash, no shutdown code runs. */
  kill(): Promise<number | null>;
}

/** The completed-tick count the orchestrator at `url` reports in `GET /healthz`. */
export async function completedTicks(url: string): Promise<number> {
  const body = (await (await fetch(`${url}/healthz`)).json()) as { ticks?: unknown };
  if (typeof body.ticks !== 'number') throw new Error(`/healthz has no tick count: ${JSON.stringify(body)}`);
  return body.ticks;
}

/**
 * Starts the orchestrator with `npm start` (the bundle), or with `from: 'src'` as the image runs
 * it: `node src/main.ts` (type stripping, one module per source file).
 */
export async function startOrchestrator(
  env: Record<string, string>,
  port?: number,
  from: 'npm start' | 'src' = 'npm start',
): Promise<OrchestratorProcess> {
  const listenPort = port ?? (await freePort());
  const [command, args] =
    from === 'src' ? [process.execPath, ['src/main.ts']] : ['npm', ['start', '--silent']];
  const child: ChildProcess = spawn(command, args, {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      // The fake repositories' heads have no checks unless a test plants some: they count as none
      // at once rather than after the production grace (test/e2e/ci-fix.e2e.test.ts sets its own).
      CI_CHECKS_GRACE_MS: '0',
      ...env,
      PORT: String(listenPort),
    },
    // Its own process group, so stop() reaches node through npm and sh.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const url = `http://127.0.0.1:${listenPort}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`orchestrator exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`orchestrator did not become healthy:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    output: () => output,
    async afterTicks(count, timeoutMs = 15_000) {
      const target = (await completedTicks(url)) + count;
      await eventually(
        `${count} more completed ticks`,
        async () => ((await completedTicks(url)) >= target ? true : undefined),
        timeoutMs,
      );
    },
    async stop() {
      if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      return exited;
    },
  };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 15_000,
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
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
