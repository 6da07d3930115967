import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentEnvironment } from '../../src/runner/agent/agent-env.ts';
import { createAgentRunner } from '../../src/runner/agent/claude-cli.ts';
import { NO_USAGE, addUsage } from '../../src/runner/agent/stream-json.ts';
import { GAP_ANALYSIS_MARKER } from '../../src/runner/gap-analysis.ts';
import { getDispatch } from '../../src/store/dispatches.ts';
import {
  startScriptedMessagesApi,
  textOf,
  type MessagesRequest,
  type ScriptedMessagesApi,
  type ScriptedReply,
} from '../fakes/claude/scripted-messages-api.ts';
import { runInProcess, tempDir } from './support/run-helpers.ts';
import { CLAUDE_KEY, startRunnerWorld, type RunnerWorld } from './support/runner-world.ts';
import { FAREWELL_FILES } from './support/target-repo.ts';

/**
 * The runner against the real `@anthropic-ai/claude-code` CLI (a native binary in
 * node_modules), talking to a scripted Messages API on loopback — so the runner is proven against
 * the real agent's flags, stream format and usage accounting, not only the stand-in. The CLI must
 * make no other network call: telemetry, updates and non-essential traffic are off, HOME is empty.
 */
const CLAUDE = path.resolve(import.meta.dirname, '../../node_modules/.bin/claude');
const available = fs.existsSync(CLAUDE) && spawnSync(CLAUDE, ['--version'], { timeout: 30_000 }).status === 0;

const QUIET = {
  DISABLE_TELEMETRY: '1',
  DISABLE_ERROR_REPORTING: '1',
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
};
const text = (value: string): ScriptedReply => ({ content: [{ type: 'text', text: value }] });
const write = (id: string, file: string, content: string): ScriptedReply => ({
  content: [{ type: 'tool_use', id, name: 'Write', input: { file_path: file, content } }],
});
const userText = (request: MessagesRequest) =>
  request.messages
    .filter((m) => m.role === 'user')
    .map((m) => textOf(m.content))
    .join('\n');
const toolUses = (request: MessagesRequest) =>
  request.messages.filter(
    (m) => m.role === 'assistant' && Array.isArray(m.content) && m.content.some((b) => b.type === 'tool_use'),
  ).length;

let api: ScriptedMessagesApi | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await api?.close();
  api = undefined;
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function dir(prefix: string) {
  const made = tempDir(prefix);
  dirs.push(made);
  return made;
}

describe.skipIf(!available)('the real Claude Code CLI', () => {
  it('writes a file through its Write tool, and the runner reads cost, tokens and turns from its result', async () => {
    const cwd = dir('claude-cwd');
    api = await startScriptedMessagesApi({
      apiKey: CLAUDE_KEY,
      respond: (request) =>
        request.tools.length === 0
          ? text('ok')
          : toolUses(request) === 0
            ? write('toolu_1', path.join(cwd, 'hello.txt'), 'hello\n')
            : text('Wrote hello.txt.'),
    });
    const { env } = agentEnvironment(
      { name: 'anthropic' },
      {
        PATH: process.env.PATH,
        HOME: dir('claude-home'),
        ANTHROPIC_API_KEY: CLAUDE_KEY,
        ANTHROPIC_BASE_URL: api.url,
        GITHUB_TOKEN: 'ghs_must_not_reach_the_cli',
        ...QUIET,
      },
    );
    let usage = NO_USAGE;
    const agent = createAgentRunner({
      claudePath: CLAUDE,
      cwd,
      env,
      logsDir: dir('claude-logs'),
      onUsage: (u) => (usage = addUsage(usage, u)),
    });
    const outcome = await agent.run({
      label: 'implement',
      prompt: 'Write hello.txt',
      model: 'claude-sonnet-4-6',
      mode: 'edit',
      maxTurns: 5,
      timeoutMs: 120_000,
    });

    expect(fs.readFileSync(path.join(cwd, 'hello.txt'), 'utf8')).toBe('hello\n');
    expect(outcome).toMatchObject({
      text: 'Wrote hello.txt.',
      subtype: 'success',
      hitMaxTurns: false,
      toolUses: 1,
    });
    const main = api.requests.filter((request) => request.tools.length > 0);
    expect(outcome.usage.turns).toBe(2);
    expect(outcome.usage.inputTokens).toBe(1_000 * main.length);
    expect(outcome.usage.outputTokens).toBe(100 * main.length);
    expect(outcome.usage.costUsd).toBeGreaterThan(0);
    // What the runner adds up for the result is what the pass reported (to the micro-dollar).
    expect(usage).toEqual({ ...outcome.usage, costUsd: Math.round(outcome.usage.costUsd * 1e6) / 1e6 });
    expect(main[0]!.model).toBe('claude-sonnet-4-6');
    expect(userText(main[0]!)).toContain('Write hello.txt');
    expect(api.violations).toEqual([]);
  });

  it('gets no editing tools or shell in a read-only pass', async () => {
    api = await startScriptedMessagesApi({ apiKey: CLAUDE_KEY, respond: () => text('VERDICT: APPROVE') });
    const { env } = agentEnvironment(
      { name: 'anthropic' },
      {
        PATH: process.env.PATH,
        HOME: dir('claude-home'),
        ANTHROPIC_API_KEY: CLAUDE_KEY,
        ANTHROPIC_BASE_URL: api.url,
        ...QUIET,
      },
    );
    const agent = createAgentRunner({
      claudePath: CLAUDE,
      cwd: dir('claude-cwd'),
      env,
      logsDir: dir('claude-logs'),
      onUsage: () => undefined,
    });
    const outcome = await agent.run({
      label: 'review',
      prompt: 'Review',
      model: 'claude-sonnet-4-6',
      mode: 'read-only',
      maxTurns: 3,
      timeoutMs: 120_000,
    });
    expect(outcome.text).toBe('VERDICT: APPROVE');
    const tools = api.requests.flatMap((request) => request.tools.map((tool) => tool.name));
    expect(tools).toContain('Read');
    for (const tool of ['Write', 'Edit', 'Bash', 'NotebookEdit']) expect(tools).not.toContain(tool);
  });
});

describe.skipIf(!available)('a whole run with the real Claude Code CLI', () => {
  let world: RunnerWorld;
  beforeEach(async () => {
    world = await startRunnerWorld();
  });
  afterEach(() => world.close());

  it('implements, reviews, opens the PR and posts the gap analysis', async () => {
    const workdir = dir('real-run');
    const repo = path.join(workdir, 'repo');
    const gaps =
      '## Implemented\n\n- farewell(name)\n\n## Gaps / Partial Implementation\n\nNone\n\n## Manual Steps Required\n\nNone';
    api = await startScriptedMessagesApi({
      apiKey: CLAUDE_KEY,
      respond: (request) => {
        if (request.tools.length === 0) return text('ok');
        const prompt = userText(request);
        if (prompt.includes('VERDICT: APPROVE')) return text('Correct and tested.\n\nVERDICT: APPROVE');
        if (prompt.includes('## Gaps / Partial Implementation')) return text(gaps);
        const done = toolUses(request);
        if (done === 0)
          return write('toolu_a', path.join(repo, 'src/farewell.js'), FAREWELL_FILES['src/farewell.js']);
        if (done === 1)
          return write(
            'toolu_b',
            path.join(repo, 'test/farewell.test.js'),
            FAREWELL_FILES['test/farewell.test.js'],
          );
        return text('Added farewell() and its test.');
      },
    });
    const payload = await world.dispatch('implementation');
    const run = await runInProcess(world, payload, {
      workdir,
      extraEnv: { CLAUDE_CODE_PATH: CLAUDE, ANTHROPIC_BASE_URL: api.url, ...QUIET },
    });
    expect(run.code, run.output).toBe(0);
    const pull = world.github.repo('acme', 'api').pulls[0]!;
    expect(pull.body).toContain('Added farewell() and its test.');
    const comment = world.github
      .repo('acme', 'api')
      .comments.find((c) => c.body.includes(GAP_ANALYSIS_MARKER));
    expect(comment?.body).toContain('- farewell(name)');
    const dispatch = await getDispatch(world.h.store.db, payload.dispatchId);
    const usage = JSON.parse(dispatch!.usage_json!) as { costUsd: number; turns: number };
    expect(usage.costUsd).toBeGreaterThan(0);
    expect(usage.turns).toBe(3 + 1 + 1);
    expect(api.violations).toEqual([]);
  });
});
