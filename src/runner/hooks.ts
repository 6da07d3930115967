import path from 'node:path';
import { lastLines, runProcess } from './process.ts';
import { timeLeft, type RunContext } from './run-context.ts';

/**
 * The `setup:`, `verify:` and `teardown:` hooks of the front matter: the repository's own
 * commands, run one after the other with `sh -c` in the checkout, as the agent user (verify and
 * teardown run code the agent may have written). They get the sandbox's allowlisted environment
 * — no GitHub token, run tokens, ticketing key or Claude credential — plus AI_IMPLEMENT_PHASE,
 * AI_IMPLEMENT_ISSUE and AI_IMPLEMENT_ITERATION.
 */
export type HookKind = 'setup' | 'verify' | 'teardown';

export interface HookResult {
  ok: boolean;
  /** The command that failed (or the last one run). */
  command: string;
  exitCode: number | null;
  timedOut: boolean;
  /** The last lines of its output. */
  tail: string;
}

/** One hook command at most this long, unless `hook_timeout_minutes` says otherwise. */
const DEFAULT_HOOK_MINUTES = 20;

/** Runs the hook's commands; stops at the first that fails. */
export async function runHook(ctx: RunContext, kind: HookKind, commands: string[]): Promise<HookResult> {
  const minutes = ctx.state.workflow?.settings.hookTimeoutMinutes ?? DEFAULT_HOOK_MINUTES;
  let last: HookResult = { ok: true, command: '', exitCode: 0, timedOut: false, tail: '' };
  for (const command of commands) {
    const timeoutMs = Math.min(minutes * 60_000, Math.max(1_000, timeLeft(ctx)));
    const result = await runProcess('sh', ['-c', command], {
      cwd: ctx.paths.repo,
      env: {
        ...ctx.sandbox.env,
        ...ctx.state.secretEnv,
        AI_IMPLEMENT_PHASE: ctx.payload.phase,
        AI_IMPLEMENT_ISSUE: ctx.payload.issue.identifier,
        AI_IMPLEMENT_ITERATION: String(ctx.state.iteration),
      },
      user: ctx.sandbox.user,
      timeoutMs,
      logFile: path.join(ctx.paths.logs, `${kind}.log`),
      killLeftovers: kind !== 'setup',
    });
    last = {
      ok: result.code === 0 && !result.timedOut,
      command,
      exitCode: result.code,
      timedOut: result.timedOut,
      tail: ctx.log.redact(lastLines(result.output, 40)),
    };
    if (!last.ok) return last;
  }
  return last;
}

/** "`npm test` exited with 1" / "… timed out after 20 minutes". */
export function describeHookFailure(kind: HookKind, result: HookResult, ctx: RunContext): string {
  const minutes = ctx.state.workflow?.settings.hookTimeoutMinutes ?? DEFAULT_HOOK_MINUTES;
  const how = result.timedOut
    ? `timed out after ${minutes} minutes`
    : `exited with ${result.exitCode ?? 'a signal'}`;
  return `the ${kind} hook \`${result.command}\` ${how}:\n${result.tail}`;
}
