import path from 'node:path';
import { lastLines, runProcess, type ProcessUser } from '../process.ts';
import {
  NO_USAGE,
  createStreamReader,
  usageOf,
  type AgentPassUsage,
  type AgentUsage,
} from './stream-json.ts';

/**
 * Claude Code headless: `claude -p --output-format stream-json --verbose --max-turns N --model M
 * --permission-mode …` with the prompt on stdin (a prompt with a diff can pass Linux's 128 KiB
 * limit on one argument), in the checkout, with its own wall-clock timeout.
 * CLI reference: https://docs.anthropic.com/en/docs/claude-code/cli-reference
 */

/** `edit`: may change files and run commands. `read-only`: reads only (planning, review, gap analysis). */
export type AgentMode = 'edit' | 'read-only';

export interface AgentRequest {
  /** Names the pass in logs and file names, e.g. `implement`, `implement.unit-api`, `review`. */
  label: string;
  prompt: string;
  model: string;
  mode: AgentMode;
  maxTurns: number;
  timeoutMs: number;
  /** `--max-budget-usd`: dollars this pass may spend; unlimited when absent. */
  maxBudgetUsd?: number;
  /**
   * `--resume <session id>`: continue that conversation with `prompt` as the next user message
   * (a person's answer to the agent's question; sessionMode interactive / hybrid).
   */
  resumeSessionId?: string;
}

export interface AgentOutcome {
  /** The final answer (`result` of the result message). */
  text: string;
  subtype: string;
  usage: AgentUsage;
  /** The pass stopped at `--max-turns`: its work may be unfinished, but it is not a crash. */
  hitMaxTurns: boolean;
  toolUses: number;
  /** Claude Code's session id (the `result` message's `session_id`), for `--resume`. */
  sessionId: string | undefined;
}

/** The pass failed: timed out, crashed, or ended with an error result. */
export class AgentError extends Error {
  override name = 'AgentError';
  /** `budget`: Claude Code stopped at `--max-budget-usd`. */
  readonly kind: 'timeout' | 'failed' | 'budget';
  constructor(kind: 'timeout' | 'failed' | 'budget', message: string) {
    super(message);
    this.kind = kind;
  }
}

export interface AgentRunnerOptions {
  /** CLAUDE_CODE_PATH: a binary, or a .js/.ts script run with this runner's Node. */
  claudePath: string;
  cwd: string;
  /** The agent's whole environment (see agent-env.ts): no runner credentials. */
  env: Record<string, string>;
  /** The unprivileged user the agent runs as (sandbox.ts); undefined: the runner's own. */
  user?: ProcessUser;
  logsDir: string;
  /** Every pass's usage, failed passes included: their tokens were spent too. */
  onUsage: (usage: AgentPassUsage) => void;
}

export interface AgentRunner {
  /** Runs one pass. Throws `AgentError`; a pass stopped by `--max-turns` resolves with `hitMaxTurns`. */
  run(request: AgentRequest): Promise<AgentOutcome>;
}

/**
 * Edits are accepted without a prompt and Bash is allowed, as an unattended run needs; nothing
 * else that would ask for permission (web access, MCP) is pre-approved, so in print mode it is
 * denied. `bypassPermissions` would also work but refuses to start as root without IS_SANDBOX.
 */
const EDIT_FLAGS = ['--permission-mode', 'acceptEdits', '--allowedTools', 'Bash,Edit,Write,Read,Glob,Grep'];
/** Read-only passes cannot even see the editing tools or a shell. */
const READ_ONLY_FLAGS = [
  '--permission-mode',
  'default',
  '--allowedTools',
  'Read,Glob,Grep',
  '--disallowedTools',
  'Edit,Write,NotebookEdit,Bash',
];

/**
 * The `result` subtype of a session stopped by `--max-budget-usd` (Agent SDK `SDKResultMessage`:
 * https://docs.anthropic.com/en/docs/claude-code/sdk/sdk-typescript#sdkresultmessage).
 */
const BUDGET_SUBTYPE = 'error_max_budget_usd';

export function createAgentRunner(options: AgentRunnerOptions): AgentRunner {
  let passes = 0;
  const script = /\.(c|m)?(j|t)s$/.test(options.claudePath);

  async function run(request: AgentRequest): Promise<AgentOutcome> {
    passes += 1;
    const args = [
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--max-turns',
      String(request.maxTurns),
      '--model',
      request.model,
      ...(request.mode === 'edit' ? EDIT_FLAGS : READ_ONLY_FLAGS),
      // Two decimals is what the CLI's own cost display shows; never round up past the budget.
      ...(request.maxBudgetUsd !== undefined
        ? ['--max-budget-usd', (Math.floor(request.maxBudgetUsd * 100) / 100).toFixed(2)]
        : []),
      ...(request.resumeSessionId ? ['--resume', request.resumeSessionId] : []),
    ];
    const reader = createStreamReader();
    const logFile = path.join(
      options.logsDir,
      `agent-${String(passes).padStart(2, '0')}-${request.label}.jsonl`,
    );
    const [command, commandArgs] = script
      ? [process.execPath, [options.claudePath, ...args]]
      : [options.claudePath, args];
    let exit;
    try {
      exit = await runProcess(command, commandArgs, {
        cwd: options.cwd,
        env: options.env,
        user: options.user,
        input: request.prompt,
        timeoutMs: request.timeoutMs,
        logFile,
        onStdoutLine: (line) => reader.push(line),
      });
    } catch (error) {
      throw new AgentError(
        'failed',
        `could not start Claude Code at "${options.claudePath}" (${(error as Error).message}); set CLAUDE_CODE_PATH`,
      );
    }
    const result = reader.result;
    const usage: AgentUsage = result ? usageOf(result) : NO_USAGE;
    options.onUsage({
      ...usage,
      label: request.label,
      model: reader.model ?? request.model,
      subtype: result?.subtype ?? 'none',
    });
    if (exit.timedOut) {
      throw new AgentError(
        'timeout',
        `the agent did not finish within ${duration(request.timeoutMs)} and was stopped`,
      );
    }
    if (!result) {
      throw new AgentError(
        'failed',
        `Claude Code exited with ${exit.code ?? exit.signal} without a result message: ${lastLines(exit.output, 10)}`,
      );
    }
    if (result.subtype === BUDGET_SUBTYPE) {
      throw new AgentError(
        'budget',
        `the run's budget is spent: the ${request.label} pass stopped at --max-budget-usd ${request.maxBudgetUsd?.toFixed(2) ?? '?'} after $${usage.costUsd.toFixed(2)}`,
      );
    }
    const hitMaxTurns = result.subtype === 'error_max_turns';
    if ((result.is_error || result.subtype !== 'success') && !hitMaxTurns) {
      const how = result.subtype === 'success' ? 'reported an error' : `ended with ${result.subtype}`;
      throw new AgentError(
        'failed',
        `Claude Code ${how}${result.result ? `: ${lastLines(result.result, 10)}` : ''}`,
      );
    }
    return {
      text: result.result ?? '',
      subtype: result.subtype,
      usage,
      hitMaxTurns,
      toolUses: reader.counts.toolUses,
      sessionId: result.session_id,
    };
  }

  return { run };
}

/** "90 seconds", "45 minutes". */
function duration(ms: number): string {
  const [count, unit] =
    ms < 120_000 ? [Math.round(ms / 1000), 'second'] : [Math.round(ms / 60_000), 'minute'];
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}
