import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { RunResult } from '../domain/run-result.ts';
import type { DispatchPayload } from '../runners/types.ts';
import { NO_USAGE } from './agent/stream-json.ts';
import { createReporter, type ReporterOptions } from './callbacks.ts';
import { createGit } from './git.ts';
import { createRepoApi } from './github-api.ts';
import { prepareSandbox, SandboxError } from './agent/sandbox.ts';
import { PayloadError, parsePayload } from './payload.ts';
import { belongsToOtherTeam } from '../domain/secret-names.ts';
import { isRunnerCredential } from './agent/agent-env.ts';
import { maskCommands, readPayloadSource } from './payload-source.ts';
import { runPlan } from './phases.ts';
import { customDirOf, loadCatalog } from '../pipeline/catalog.ts';
import { runPipeline } from './pipeline.ts';
import { shadowRemote, shadowRepoApi, shadowTicket } from './shadow.ts';
import { createRemote } from './remote.ts';
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
 * The runner, start to end: reads the payload (payload-source.ts) and masks its tokens in the
 * Actions log before printing anything, reads the settings, prepares the agent user
 * (agent/sandbox.ts), runs the phase's steps, reports the result.
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
  const source = readPayloadSource(values['payload-file'], env, invocation.cwd);
  const text = source.text;
  if (!text?.trim()) {
    write(
      'AI-Implement runner: no payload; pass --payload-file <file>, set AI_IMPLEMENT_PAYLOAD, or dispatch the workflow with a payload input\n',
    );
    return 2;
  }
  // Before anything is printed: a token must never reach the Actions log.
  write(maskCommands(env, secretValues(env, looseCallback(text))));
  const bootLog = createRunLog({ secrets: secretValues(env, looseCallback(text)), write });
  let payload: DispatchPayload;
  let settings;
  let caps;
  let sandbox;
  let teamSecrets: string[];
  let plan;
  try {
    payload = parsePayload(text);
    teamSecrets = removeOtherTeamsSecrets(env, payload, bootLog);
    settings = readRunnerSettings(env, invocation.cwd);
    caps = capsOf(payload, env);
    // Before the first step: a bad pipeline or custom module never fails a run half-way.
    plan = runPlan(await loadCatalog(customDirOf(env)), payload, env);
    sandbox = await prepareSandbox({
      env,
      workdir: settings.workdir,
      warn: (message) => bootLog.warn(message),
    });
  } catch (error) {
    if (!(error instanceof PayloadError || error instanceof SettingsError || error instanceof SandboxError))
      throw error;
    bootLog.error(error.message);
    const reporter = createReporter({ callback: looseCallback(text), log: bootLog, ...invocation.reporter });
    const result: RunResult = { status: 'failure', error: `step configure failed: ${error.message}` };
    await reporter.result(result);
    return 1;
  }
  if (sandbox.user && source.file) keepFromOthers(source.file);

  const paths = {
    workdir: settings.workdir,
    repo: path.join(settings.workdir, 'repo'),
    logs: path.join(settings.workdir, 'logs'),
  };
  fs.mkdirSync(paths.logs, { recursive: true, mode: 0o700 });
  fs.chmodSync(paths.logs, 0o700);
  const log = createRunLog({
    secrets: secretValues(env, payload.callback),
    file: path.join(paths.logs, 'runner.log'),
    write,
  });
  for (const value of teamSecrets) log.addSecret(value);
  log.info(
    `AI-Implement runner: ${payload.phase} run of ${payload.issue.identifier} on ${settings.owner}/${settings.repo}`,
    {
      dispatchId: payload.dispatchId,
    },
  );
  const jobMs = caps.maxJobMinutes * 60_000;
  const remote = createRemote({
    url: settings.gitUrl,
    token: settings.githubToken,
    sandbox,
    logFile: path.join(paths.logs, 'git.log'),
  });
  const github = settings.githubToken
    ? createRepoApi({
        baseUrl: settings.githubApiUrl,
        token: settings.githubToken,
        owner: settings.owner,
        repo: settings.repo,
      })
    : undefined;
  const ticket = ticketAccess(payload.issue, settings, log, invocation.ticket);
  // A shadow run (RUNNER_MODE=shadow) does the work and reports, and writes nowhere else.
  if (payload.shadow) log.info('shadow run: no push, no pull request, no comments, no ticket changes');
  const ctx: RunContext = {
    payload,
    settings,
    log,
    reporter: createReporter({ callback: payload.callback, log, ...invocation.reporter }),
    env,
    paths,
    sandbox,
    remote: payload.shadow ? shadowRemote(remote, log) : remote,
    deadline: Date.now() + jobMs - Math.min(REPORTING_RESERVE_MS, jobMs / 10),
    caps: {
      maxTurns: caps.maxTurns,
      maxIterations: caps.maxIterations,
      ...(payload.caps?.maxRunCostUsd !== undefined ? { maxRunCostUsd: payload.caps.maxRunCostUsd } : {}),
    },
    git: createGit({
      dir: paths.repo,
      env: sandbox.env,
      user: sandbox.user,
      logFile: path.join(paths.logs, 'git.log'),
    }),
    github: github && payload.shadow ? shadowRepoApi(github, log) : github,
    ticket: payload.shadow ? shadowTicket(ticket, log) : ticket,
    provider: plan.provider,
    agent: undefined,
    state: initialState(NO_USAGE),
  };
  const { result } = await runPipeline(ctx, plan.pipeline);
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

/**
 * The run's caps: the payload's (the mapping's), else the repository variables
 * `AI_IMPLEMENT_MAX_TURNS` / `_MAX_ITERATIONS` / `_MAX_JOB_MINUTES` (seed 001; the workflows pass
 * them through), else the defaults. Throws `SettingsError` naming a variable that is not a whole
 * positive number.
 */
function capsOf(payload: DispatchPayload, env: Record<string, string | undefined>) {
  const fromEnv = (name: string): number | undefined => {
    const raw = env[name]?.trim();
    if (!raw) return undefined;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value <= 0)
      throw new SettingsError(`${name} must be a whole number above 0 (got "${raw}")`);
    return value;
  };
  return {
    maxTurns: payload.caps?.maxTurns ?? fromEnv('AI_IMPLEMENT_MAX_TURNS') ?? DEFAULT_MAX_TURNS,
    maxIterations:
      payload.caps?.maxIterations ??
      fromEnv('AI_IMPLEMENT_MAX_ITERATIONS') ??
      DEFAULT_MAX_ITERATIONS[payload.provider.name],
    maxJobMinutes:
      payload.caps?.maxJobMinutes ?? fromEnv('AI_IMPLEMENT_MAX_JOB_MINUTES') ?? DEFAULT_MAX_JOB_MINUTES,
  };
}

/** Takes group and other permissions off a file holding the payload, so the agent user cannot read it. */
function keepFromOthers(file: string): void {
  const mode = fs.statSync(file).mode & 0o777;
  if (mode & 0o077) fs.chmodSync(file, mode & 0o700);
}

/**
 * Before anything runs: deletes from `env` every variable that is another mapping's secret
 * (payload `secrets`; a Fly sessions app holds every team's secrets as environment variables),
 * except the runner's own credentials, which a teamKey like `GITHUB` must not take away.
 * Returns the values of this team's own prefixed secrets, to redact from the log.
 */
function removeOtherTeamsSecrets(
  env: Record<string, string | undefined>,
  payload: DispatchPayload,
  log: ReturnType<typeof createRunLog>,
): string[] {
  const scope = payload.secrets;
  if (!scope) return [];
  const own: string[] = [];
  let removed = 0;
  for (const name of Object.keys(env)) {
    if (isRunnerCredential(name)) continue;
    if (belongsToOtherTeam(name, scope)) {
      delete env[name];
      removed += 1;
    } else if (name.startsWith(scope.prefix) && env[name]) {
      log.addSecret(env[name]);
      own.push(env[name]);
    }
  }
  if (removed > 0) log.info(`removed ${removed} secrets of other projects from the run's environment`);
  return own;
}
