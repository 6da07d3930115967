#!/usr/bin/env node
/**
 * A scripted stand-in for the `claude` CLI (@anthropic-ai/claude-code) in print mode, for tests
 * and the demo: `CLAUDE_CODE_PATH=test/fakes/claude/claude-stand-in.ts`. It takes the flags the
 * runner uses and refuses others the way the real CLI does, reads the prompt from the argument or
 * stdin, performs its script's file edits and commands in the working directory — honouring
 * `--disallowedTools` as the real CLI does (a read-only pass cannot write) — and prints the real
 * CLI's stream-json messages (see stream-messages.ts). The script is described in stand-in-script.ts.
 */
import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { claimRule, loadScript, type StandInAction } from './stand-in-script.ts';
import {
  initMessage,
  resultMessage,
  textMessage,
  toolResultMessage,
  toolUseMessage,
  type StreamSession,
} from './stream-messages.ts';

const VALUE_OPTIONS = new Set([
  '--output-format',
  '--max-turns',
  '--model',
  '--permission-mode',
  '--allowedTools',
  '--allowed-tools',
  '--disallowedTools',
  '--disallowed-tools',
  '--max-budget-usd',
  '--resume',
  '-r',
]);
const FLAG_OPTIONS = new Set(['-p', '--print', '--verbose']);
const PERMISSION_MODES = ['acceptEdits', 'bypassPermissions', 'default', 'dontAsk', 'plan'];
const ALL_TOOLS = [
  'Task',
  'Bash',
  'Edit',
  'Glob',
  'Grep',
  'NotebookEdit',
  'Read',
  'WebFetch',
  'WebSearch',
  'Write',
];

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function parseArgs(argv: string[]) {
  const options = new Map<string, string>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--version') {
      process.stdout.write('2.1.197 (Claude Code stand-in)\n');
      process.exit(0);
    }
    if (FLAG_OPTIONS.has(arg)) options.set(arg === '--print' ? '-p' : arg, 'true');
    else if (VALUE_OPTIONS.has(arg)) {
      const value = argv[i + 1];
      if (value === undefined) fail(`error: option '${arg} <value>' argument missing`);
      options.set(
        arg === '-r'
          ? '--resume'
          : arg.replace('allowed-tools', 'allowedTools').replace('disallowed-tools', 'disallowedTools'),
        value,
      );
      i += 1;
    } else if (arg.startsWith('-')) fail(`error: unknown option '${arg}'`);
    else positionals.push(arg);
  }
  return { options, positionals };
}

const list = (value: string | undefined) => (value ?? '').split(/[\s,]+/).filter(Boolean);

async function main(): Promise<void> {
  const started = Date.now();
  const { options, positionals } = parseArgs(process.argv.slice(2));
  if (!options.has('-p')) fail('This stand-in only supports print mode (-p).');
  const format = options.get('--output-format') ?? 'text';
  if (format !== 'stream-json')
    fail(`This stand-in only prints stream-json (got --output-format ${format}).`);
  if (!options.has('--verbose'))
    fail('Error: When using --print, --output-format=stream-json requires --verbose');
  const maxTurns = Number(options.get('--max-turns') ?? '1000');
  if (!Number.isInteger(maxTurns) || maxTurns < 1) fail(`error: --max-turns must be a positive integer`);
  const maxBudget = options.has('--max-budget-usd') ? Number(options.get('--max-budget-usd')) : undefined;
  if (maxBudget !== undefined && !(maxBudget > 0)) fail('error: --max-budget-usd must be a positive number');
  const permissionMode = options.get('--permission-mode') ?? 'default';
  if (!PERMISSION_MODES.includes(permissionMode)) {
    fail(
      `error: option '--permission-mode <mode>' argument '${permissionMode}' is invalid. Allowed choices are ${PERMISSION_MODES.join(', ')}.`,
    );
  }
  const prompt = positionals.join(' ') || fs.readFileSync(0, 'utf8');
  if (!prompt.trim())
    fail('Error: Input must be provided either through stdin or as a prompt argument when using --print');

  const allowed = list(options.get('--allowedTools'));
  const disallowed = list(options.get('--disallowedTools'));
  const tools = ALL_TOOLS.filter((tool) => !disallowed.includes(tool));
  const canWrite =
    tools.includes('Write') &&
    (permissionMode === 'acceptEdits' || permissionMode === 'bypassPermissions' || allowed.includes('Write'));
  const canRun =
    tools.includes('Bash') && (permissionMode === 'bypassPermissions' || allowed.includes('Bash'));
  // Like the CLI, a resumed conversation keeps its session id, and an unknown one is refused.
  const resume = options.get('--resume');
  if (resume !== undefined && !fs.existsSync(sessionFile(resume)))
    fail(`No conversation found with session ID: ${resume}`);
  const session: StreamSession = {
    sessionId: resume ?? randomUUID(),
    model: options.get('--model') ?? 'claude-sonnet-4-6',
    cwd: process.cwd(),
    permissionMode,
    tools,
  };
  const apiKeySource = process.env.CLAUDE_CODE_USE_BEDROCK
    ? 'none'
    : process.env.CLAUDE_CODE_OAUTH_TOKEN
      ? 'CLAUDE_CODE_OAUTH_TOKEN'
      : process.env.ANTHROPIC_API_KEY
        ? 'ANTHROPIC_API_KEY'
        : undefined;
  const print = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
  print(initMessage(session, apiKeySource ?? 'none'));
  fs.mkdirSync(path.dirname(sessionFile(session.sessionId)), { recursive: true });
  fs.appendFileSync(sessionFile(session.sessionId), `${JSON.stringify({ prompt })}\n`);

  const scriptFile = process.env.CLAUDE_STAND_IN_SCRIPT;
  const script = loadScript(scriptFile);
  const rule = apiKeySource ? claimRule(script, scriptFile, prompt) : undefined;
  const title = /^#\s+(.+)$/m.exec(prompt)?.[1] ?? 'the ticket';
  const denials: object[] = [];
  if (rule?.crash !== undefined) process.exit(rule.crash);
  for (const [index, action] of (rule?.actions ?? []).entries()) {
    await perform(action, `toolu_standin_${index}`, { session, print, canWrite, canRun, denials, title });
  }
  const text = apiKeySource
    ? (rule?.result ?? 'Nothing to do.').replaceAll('{{title}}', title)
    : 'Invalid API key · Please run /login';
  print(textMessage(session, text));
  const turns = rule?.turns ?? (rule?.actions?.length ?? 0) + 1;
  const cost = rule?.costUsd ?? 0;
  // Like the CLI, the budget is checked after each API call: the pass that passes it still pays for that call.
  const subtype =
    turns > maxTurns
      ? 'error_max_turns'
      : maxBudget !== undefined && cost > maxBudget
        ? 'error_max_budget_usd'
        : (rule?.subtype ?? 'success');
  print(
    resultMessage(session, {
      subtype,
      text: subtype === 'success' ? text : undefined,
      turns: Math.min(turns, maxTurns + 1),
      costUsd: cost,
      cacheReadTokens: rule?.cacheReadTokens ?? 0,
      inputTokens: rule?.inputTokens ?? 1_000 * turns,
      outputTokens: rule?.outputTokens ?? 200 * turns,
      durationMs: Date.now() - started,
      denials,
    }),
  );
  if (script.callLog) {
    const entry = {
      pid: process.pid,
      model: session.model,
      permissionMode,
      allowed,
      disallowed,
      maxTurns,
      ...(maxBudget !== undefined ? { maxBudgetUsd: maxBudget } : {}),
      ...(resume !== undefined ? { resume } : {}),
      sessionId: session.sessionId,
      prompt,
      started,
      ended: Date.now(),
    };
    fs.appendFileSync(script.callLog, `${JSON.stringify(entry)}\n`);
  }
  process.exitCode = subtype === 'success' && apiKeySource ? 0 : 1;
}

/**
 * Where the stand-in keeps a conversation's prompts, so `--resume` finds it (the CLI keeps its
 * sessions under ~/.claude/projects/; the agent's HOME is a throwaway here, the temp dir is not).
 */
function sessionFile(sessionId: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(sessionId)) fail(`Invalid session ID: ${sessionId}`);
  // Per user: the agent may run as another user than the test (agent/sandbox.ts).
  return path.join(os.tmpdir(), `claude-stand-in-sessions-${process.getuid?.() ?? 0}`, `${sessionId}.jsonl`);
}

interface ActionContext {
  session: StreamSession;
  print: (message: object) => void;
  canWrite: boolean;
  canRun: boolean;
  denials: object[];
  title: string;
}

async function perform(action: StandInAction, id: string, ctx: ActionContext): Promise<void> {
  const { session, print } = ctx;
  if ('sleepMs' in action) {
    await sleep(action.sleepMs);
    return;
  }
  if ('dumpEnv' in action) {
    fs.writeFileSync(action.dumpEnv, JSON.stringify(process.env, null, 2));
    return;
  }
  if ('dumpParentEnv' in action) {
    let dump: object;
    try {
      const raw = fs.readFileSync(`/proc/${process.ppid}/environ`, 'utf8');
      const entries = raw
        .split('\0')
        .filter(Boolean)
        .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]);
      dump = Object.fromEntries(entries);
    } catch (error) {
      // The runner runs as another user (root): its environment is not ours to read.
      dump = { error: (error as NodeJS.ErrnoException).code ?? String(error) };
    }
    fs.writeFileSync(action.dumpParentEnv, JSON.stringify(dump, null, 2));
    return;
  }
  if ('run' in action) {
    print(toolUseMessage(session, id, 'Bash', { command: action.run }));
    if (!ctx.canRun) {
      ctx.denials.push({ tool_name: 'Bash', tool_use_id: id, tool_input: { command: action.run } });
      print(
        toolResultMessage(
          session,
          id,
          "Claude requested permissions to use Bash, but you haven't granted it yet.",
          true,
        ),
      );
      return;
    }
    let output: string;
    try {
      output = execSync(action.run, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      output = String((error as { stderr?: string }).stderr ?? error);
    }
    print(toolResultMessage(session, id, output));
    return;
  }
  const edit = 'write' in action ? action.write : action.append;
  const file = path.resolve(edit.path);
  const content = edit.content.replaceAll('{{title}}', ctx.title);
  print(toolUseMessage(session, id, 'Write', { file_path: file, content }));
  if (!ctx.canWrite) {
    ctx.denials.push({ tool_name: 'Write', tool_use_id: id, tool_input: { file_path: file } });
    print(
      toolResultMessage(
        session,
        id,
        `Claude requested permissions to write to ${file}, but you haven't granted it yet.`,
        true,
      ),
    );
    return;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if ('write' in action) fs.writeFileSync(file, content);
  else fs.appendFileSync(file, content);
  print(toolResultMessage(session, id, `File created successfully at: ${file}`));
}

await main();
