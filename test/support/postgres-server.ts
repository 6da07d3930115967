import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.ts';

/** Where Debian puts the PostgreSQL 15 server binaries (ARCHITECTURE.md, the machines). */
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * The PostgreSQL store tests always run: a machine without the server binaries fails them with
 * this message instead of skipping them silently (a skipped dialect is an untested dialect).
 */
export const POSTGRES_MISSING = `PostgreSQL store tests need the server binaries in ${PG_BIN} (Debian: apt-get install -y postgresql; .ci/run installs it; PG_BIN=<dir> points elsewhere)`;

export interface PostgresServer {
  connectionString: string;
  stop(): Promise<void>;
}

/**
 * Starts a throw-away PostgreSQL server: `initdb` into a temp dir, listening on 127.0.0.1 only.
 * As root, runs as the `postgres` user, because PostgreSQL refuses to run as root.
 * Throws {@link POSTGRES_MISSING} when the server binaries are not installed.
 */
export async function startPostgres(): Promise<PostgresServer> {
  if (!fs.existsSync(path.join(PG_BIN, 'initdb'))) throw new Error(POSTGRES_MISSING);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-implement-pg-'));
  const dataDir = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const run = (bin: string, args: string[]) =>
    asRoot
      ? (['runuser', ['-u', 'postgres', '--', path.join(PG_BIN, bin), ...args]] as const)
      : ([path.join(PG_BIN, bin), args] as const);
  if (asRoot) execFileSync('chown', ['postgres', dir]);
  const [initCmd, initArgs] = run('initdb', [
    '-D',
    dataDir,
    '-U',
    'test',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  execFileSync(initCmd, [...initArgs], { stdio: 'ignore' });
  const port = await freePort();
  const [cmd, args] = run('postgres', [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
  ]);
  // Its own process group, so stopping reaches postgres through runuser.
  const child: ChildProcess = spawn(cmd, [...args], { stdio: 'ignore', detached: true });
  const connectionString = `postgres://test@127.0.0.1:${port}/postgres`;
  await waitForPort(port, 20_000);
  return {
    connectionString,
    async stop() {
      if (child.exitCode === null && child.pid !== undefined) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        process.kill(-child.pid, 'SIGINT'); // "fast shutdown"
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Creates an empty database `name` on `server` and returns its URL: tests and product processes
 * that share one throw-away server each get their own ledger.
 */
export async function freshDatabase(server: PostgresServer, name: string): Promise<string> {
  const pg = await import('pg');
  const admin = new pg.default.Client({ connectionString: server.connectionString });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return server.connectionString.replace(/\/postgres$/, `/${name}`);
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    // The port opens before the server accepts queries; give it a moment to finish start-up.
    if (ok) return new Promise((resolve) => setTimeout(resolve, 300));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`PostgreSQL did not start on port ${port} within ${timeoutMs} ms`);
}
