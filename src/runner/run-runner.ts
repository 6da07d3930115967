import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { RunResult } from '../domain/run-result.ts';
import type { DispatchPayload } from '../runners/types.ts';
import { NO_USAGE } from './agent/stream-json.ts';
import { createReporter, type ReporterOptions } from './callbacks.ts';
import { createGit } from './git.ts';
import { createRepoApi } from './github-api.ts';
import { sanitizedEnv } from './agent/agent-env.ts';
import { PayloadError, parsePayload } from './payload.ts';
import { phasePlan } from './phases.ts';
import { runPipeline } from './pipeline.ts';
import { initialState, type RunContext } from './run-context.ts';
import { createRunLog } from './run-log.ts';
import { readRunnerSettings, SettingsError } from './settings.ts';
import { ticketAccess, type TicketAccessOptions } from './ticket/ticket-client.ts';

/** CONTRACTS / seed 001 defaults when neither the payload nor the repository variables set a cap. */
const DEFAULT_MAX_TURNS = 50;
const DEFAULT_MAX_JOB_MINUTES = 90;
/** Seed 001: "3 (Anthropic), 2 (Bedrock)" — Bedrock's is lower for provider reliability. */
const DEFAULT_MAX_ITERATIONS = { anthropic: 3, bedrock: 2 } as const;
/** Kept free at the end of the job for teardown, the ticket update and the result. */
const REPORTING_RESERVE_MS = 5 * 60_000;

export interface RunnerInvocation {
  argv: string[];
  env: Record<string, string | undefined>;
  cwd: string;
  /** Where log lines go (stdout in the CLI). */
  write?: (line: string) => void;
  /** Test seams for the callback client (fast backoff). */
  reporter?: Pick<ReporterOptions, 'fetch' | 'baseDelayMs'>;
  /** Test seams for the trackers' clients (strict response checks against the fakes). */
  ticket?: TicketAccessOptions;
}

/**
 * The runner, start to end: reads the payload (`--payload-file`, `AI_IMPLEMENT_PAYLOAD`, or the
 * workflow input as `INPUT_PAYLOAD`) and the settings, runs the phase's steps, reports the result.
 * Resolves with the exit code: 0 success, 1 the run failed (its result says why), 2 the runner
 * could not start (no payload). A payload or setting error is still reported as a failure result
 * when the payload names a callback.
 */
export async function runRunner(invocation: RunnerInvocation): Promise<number> {
  const { env } = invocation;
  const write = invocation.write ?? ((line: string) => process.stdout.write(line));
  const { values } = parseArgs({
    args: invocation.argv,
    options: { 'payload-file': { type: 'string' } },
    allowPositionals: false,
  });
  const file = values['payload-file'];
  const text = file
    ? fs.readFileSync(path.resolve(invocation.cwd, file), 'utf8')
    : (env.AI_IMPLEMENT_PAYLOAD ?? env.INPUT_PAYLOAD);
  if (!text?.trim()) {
    write('AI-Implement runner: no payload; pass --payload-file <file> or set AI_IMPLEMENT_PAYLOAD\n');
    return 2;
  }
  const bootLog = createRunLog({ secrets: secretValues(env, looseCallback(text)), write });
  let payload: DispatchPayload;
  let settings;
  try {
    payload = parsePayload(text);
    settings = readRunnerSettings(env, invocation.cwd);
  } catch (error) {
    if (!(error instanceof PayloadError || error instanceof SettingsError)) throw error;
    bootLog.error(error.message);
    const reporter = createReporter({ callback: looseCallback(text), log: bootLog, ...invocation.reporter });
    const result: RunResult = { status: 'failure', error: `step configure failed: ${error.message}` };
    await reporter.result(result);
    return 1;
  }

  const paths = {
    workdir: settings.workdir,
    repo: path.join(settings.workdir, 'repo'),
    logs: path.join(settings.workdir, 'logs'),
  };
  fs.mkdirSync(paths.logs, { recursive: true });
  const log = createRunLog({
    secrets: secretValues(env, payload.callback),
    file: path.join(paths.logs, 'runner.log'),
    write,
  });
  log.info(
    `AI-Implement runner: ${payload.phase} run of ${payload.issue.identifier} on ${settings.owner}/${settings.repo}`,
    {
      dispatchId: payload.dispatchId,
    },
  );
  const hookEnv = sanitizedEnv(env);
  const jobMs = (payload.caps?.maxJobMinutes ?? DEFAULT_MAX_JOB_MINUTES) * 60_000;
  const ctx: RunContext = {
    payload,
    settings,
    log,
    reporter: createReporter({ callback: payload.callback, log, ...invocation.reporter }),
    env,
    paths,
    deadline: Date.now() + jobMs - Math.min(REPORTING_RESERVE_MS, jobMs / 10),
    caps: {
      maxTurns: payload.caps?.maxTurns ?? positive(env.AI_IMPLEMENT_MAX_TURNS) ?? DEFAULT_MAX_TURNS,
      maxIterations:
        payload.caps?.maxIterations ??
        positive(env.AI_IMPLEMENT_MAX_ITERATIONS) ??
        DEFAULT_MAX_ITERATIONS[payload.provider.name],
    },
    git: createGit({
      dir: paths.repo,
      remoteUrl: settings.gitUrl,
      token: settings.githubToken,
      env: hookEnv,
      logFile: path.join(paths.logs, 'git.log'),
    }),
    github: settings.githubToken
      ? createRepoApi({
          baseUrl: settings.githubApiUrl,
          token: settings.githubToken,
          owner: settings.owner,
          repo: settings.repo,
        })
      : undefined,
    ticket: ticketAccess(payload.issue, settings, log, invocation.ticket),
    agent: undefined,
    hookEnv,
    state: initialState(NO_USAGE),
  };
  const { result } = await runPipeline(ctx, phasePlan(payload.phase));
  log.info(`run ${result.status}`, { logs: paths.logs });
  return result.status === 'success' ? 0 : 1;
}

/** Every secret value the log must never show. */
function secretValues(
  env: Record<string, string | undefined>,
  callback: DispatchPayload['callback'],
): string[] {
  return [
    env.GITHUB_TOKEN,
    env.LINEAR_API_KEY,
    env.JIRA_TOKEN,
    env.ANTHROPIC_API_KEY,
    env.CLAUDE_CODE_OAUTH_TOKEN,
    env.AWS_SECRET_ACCESS_KEY,
    env.AWS_SESSION_TOKEN,
    callback?.resultToken,
    callback?.progressToken,
  ].filter((value): value is string => Boolean(value));
}

/** The callback of a payload that failed validation, when it is readable at all. */
function looseCallback(text: string): DispatchPayload['callback'] {
  try {
    const callback = (JSON.parse(text) as { callback?: DispatchPayload['callback'] }).callback;
    return callback && typeof callback.url === 'string' && typeof callback.resultToken === 'string'
      ? callback
      : undefined;
  } catch {
    return undefined;
  }
}

function positive(raw: string | undefined): number | undefined {
  const value = Number(raw);
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}
