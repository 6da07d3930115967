import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DispatchPayload } from '../../../src/runners/types.ts';
import { runRunner } from '../../../src/runner/run-runner.ts';
import type { StandInScript } from '../../fakes/claude/stand-in-script.ts';
import type { RunnerWorld } from './runner-world.ts';

/** A temp directory removed by `cleanup()`. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ai-implement-${prefix}-`));
}

/**
 * Writes a stand-in script (with a call log next to it) and returns its path. The directory is
 * opened to every user: the stand-in runs as the agent user when the tests run as root, reads
 * the script, counts rule use with `mkdir`s and writes its call log and dumps there.
 */
export function writeScript(dir: string, script: Omit<StandInScript, 'callLog'>): string {
  fs.chmodSync(dir, 0o777);
  const file = path.join(dir, 'stand-in.json');
  fs.writeFileSync(file, JSON.stringify({ ...script, callLog: path.join(dir, 'calls.jsonl') }, null, 2));
  return file;
}

export interface StandInCall {
  model: string;
  permissionMode: string;
  disallowed: string[];
  maxTurns: number;
  prompt: string;
  started: number;
  ended: number;
}

export function readCalls(dir: string): StandInCall[] {
  const file = path.join(dir, 'calls.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as StandInCall);
}

/** Runs the runner in this process against the world, with `payload` in AI_IMPLEMENT_PAYLOAD. */
export async function runInProcess(
  world: RunnerWorld,
  payload: DispatchPayload,
  options: { script?: string; extraEnv?: Record<string, string>; workdir?: string },
): Promise<{ code: number; output: string; workdir: string }> {
  const workdir = options.workdir ?? tempDir('run');
  const env = await world.runnerEnv(workdir, {
    AI_IMPLEMENT_PAYLOAD: JSON.stringify(payload),
    ...(options.script ? { CLAUDE_STAND_IN_SCRIPT: options.script } : {}),
    ...options.extraEnv,
  });
  let output = '';
  const code = await runRunner({
    argv: [],
    env,
    cwd: workdir,
    write: (line) => {
      output += line;
    },
    reporter: { baseDelayMs: 10 },
  });
  return { code, output, workdir };
}

/** Signs in to the orchestrator's admin API and GETs `path`. */
export async function adminGet(world: RunnerWorld, path: string): Promise<unknown> {
  const base = world.h.ctx.callback?.baseUrl ?? '';
  const auth = await fetch(`${base}/api/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: 'runner-world' }),
  });
  const { token } = (await auth.json()) as { token: string };
  const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return response.json();
}
