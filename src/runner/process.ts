import { spawn } from 'node:child_process';
import fs from 'node:fs';

/** How a child process ended. `output` is the tail of stdout and stderr interleaved. */
export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  output: string;
  /** The tail of stdout alone. */
  stdout: string;
}

/** An operating-system user a child process runs as (Node's `spawn` `uid`/`gid`). */
export interface ProcessUser {
  name: string;
  uid: number;
  gid: number;
}

export interface RunProcessOptions {
  cwd: string;
  /**
   * Run as this user instead of the runner's own (needs root). libuv drops the supplementary
   * groups too, so the child keeps nothing of root's.
   */
  user?: ProcessUser;
  /** The complete environment of the child: nothing is inherited. */
  env: Record<string, string>;
  /** Wall-clock limit in ms; the whole process group is terminated when it passes. */
  timeoutMs?: number;
  /** Written to stdin, then stdin is closed. */
  input?: string;
  /** Every byte of output is appended here (the run's kept log). */
  logFile?: string;
  /** Called with each complete stdout line (stream-json parsing). */
  onStdoutLine?: (line: string) => void;
  /** How much of the output tail to keep in memory, in characters (default 8 000). */
  tailChars?: number;
  /**
   * Whether processes the command left running are ended when it exits (default true). A setup
   * hook may start a service the later steps need, so it passes false.
   */
  killLeftovers?: boolean;
}

/** SIGTERM first; what is still alive this long after gets SIGKILL. */
const KILL_GRACE_MS = 3_000;
/**
 * After the command exits, how long to wait for its output pipes to drain. A background process
 * it started may hold them open for ever, so the wait is bounded.
 */
const DRAIN_MS = 500;

/**
 * Runs `command args` in its own process group, so a timeout ends everything it spawned (an
 * agent's shell, a test runner's workers), not only the direct child. Never throws for a
 * non-zero exit; throws only when the command cannot be started (ENOENT, EACCES).
 */
export function runProcess(
  command: string,
  args: string[],
  options: RunProcessOptions,
): Promise<ProcessResult> {
  const tailChars = options.tailChars ?? 8_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const log = options.logFile ? fs.createWriteStream(options.logFile, { flags: 'a' }) : undefined;
    let tail = '';
    let stdout = '';
    let pendingLine = '';
    let timedOut = false;
    const keep = (text: string) => {
      tail = (tail + text).slice(-tailChars);
      log?.write(text);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      keep(text);
      stdout = (stdout + text).slice(-tailChars);
      if (!options.onStdoutLine) return;
      const lines = (pendingLine + text).split('\n');
      pendingLine = lines.pop() ?? '';
      for (const line of lines) options.onStdoutLine(line);
    });
    child.stderr.on('data', (chunk: Buffer) => keep(chunk.toString('utf8')));
    // A child that exits without reading stdin closes the pipe: not our failure.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');

    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    let killTimer: NodeJS.Timeout | undefined;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            killGroup('SIGTERM');
            killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
          }, options.timeoutMs);

    child.once('error', (error) => {
      clearTimeout(timer);
      log?.end();
      reject(error);
    });
    let finished = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(killTimer);
      if (options.killLeftovers ?? true) killGroup('SIGKILL');
      child.stdout.destroy();
      child.stderr.destroy();
      if (pendingLine && options.onStdoutLine) options.onStdoutLine(pendingLine);
      log?.end();
      resolve({ code, signal, timedOut, output: tail, stdout });
    };
    child.once('exit', (code, signal) => {
      const drained = setTimeout(() => finish(code, signal), DRAIN_MS);
      child.once('close', () => {
        clearTimeout(drained);
        finish(code, signal);
      });
    });
  });
}

/** The last `lines` lines of `text`, for error messages. */
export function lastLines(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
