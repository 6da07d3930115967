import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../test/support/free-port.ts';

/**
 * The real product for a benchmark: `npm start` in a checkout (this one, or another, so the same
 * bench can measure an older commit), plus what `/proc` says about its node process.
 */
export interface ProductProcess {
  url: string;
  /** The node process running src/main.ts (npm and sh are its parents). */
  pid: number;
  output(): string;
  /** User + system CPU time of the node process so far, in ms (`/proc/<pid>/stat`). */
  cpuMs(): number;
  /** Peak resident set size of the node process so far, in MB (`VmHWM` of `/proc/<pid>/status`). */
  peakRssMb(): number;
  rssMb(): number;
  stop(): Promise<void>;
}

/** Products still running: killed when the bench exits, even when it fails half-way. */
const running = new Set<number>();
process.once('exit', () => {
  for (const group of running) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Starts the product with `npm start`; with `nodeArgs` (flags Node refuses in NODE_OPTIONS, such
 * as `--cpu-prof`), runs what `npm start` runs — `node scripts/start.mjs` (`src/main.ts` in a
 * checkout without it) — with those flags instead.
 */
export async function startProduct(
  checkout: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<ProductProcess> {
  const port = await freePort();
  // An older checkout (BENCH_PRODUCT_DIR) may predate the bundle's launcher.
  const entry = fs.existsSync(path.join(checkout, 'scripts/start.mjs')) ? 'scripts/start.mjs' : 'src/main.ts';
  const [command, args] =
    nodeArgs.length > 0 ? [process.execPath, [...nodeArgs, entry]] : ['npm', ['start', '--silent']];
  const child: ChildProcess = spawn(command, args, {
    cwd: checkout,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      ...env,
      PORT: String(port),
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    // Keep the tail only: a long run logs a lot.
    if (output.length > 2_000_000) output = output.slice(-1_000_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  running.add(child.pid!);
  void exited.then(() => running.delete(child.pid!));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`product exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`product did not become healthy:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const pid = nodePid(child.pid!);
  const stat = () => fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const status = (field: string) => {
    const line = fs
      .readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) / 1024;
  };
  return {
    url,
    pid,
    output: () => output,
    cpuMs() {
      // Fields after the command name (which may contain spaces): utime is 14th, stime 15th.
      const fields = stat()
        .slice(stat().lastIndexOf(')') + 2)
        .split(' ');
      return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND) * 1000;
    },
    peakRssMb: () => status('VmHWM'),
    rssMb: () => status('VmRSS'),
    async stop() {
      if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      await exited;
    },
  };
}

/** The node process in npm's process group that runs the product (its launcher, or src/main.ts). */
function nodePid(group: number): number {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(path.join('/proc', entry, 'stat'), 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== group) continue;
      const argv = fs.readFileSync(path.join('/proc', entry, 'cmdline'), 'utf8').split('\0');
      const product = argv.includes('scripts/start.mjs') || argv.includes('src/main.ts');
      if (path.basename(argv[0] ?? '') === 'node' && product) return Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  throw new Error(`no node process running the product in process group ${group}`);
}

/** The `q`-quantile of `values` (nearest rank), e.g. 0.5 or 0.99. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}
