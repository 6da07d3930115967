import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jiraEnv } from '../../config/jira-env.ts';
import { PROJECT_ROOT } from '../../config/project-root.ts';
import type { JiraConfig } from '../../config/types.ts';
import { IntegrationError } from '../../domain/errors.ts';
import type { Phase } from '../../domain/phases.ts';
import type { GitHubAppClient } from '../../github/github-app.ts';
import { toGitHubError } from '../../github/errors.ts';
import type {
  DispatchReceipt,
  DispatchRequest,
  ExecutionBackend,
  FoundRun,
  RunLookupQuery,
} from '../types.ts';

/**
 * Execution mode `local`: each run is the runner CLI (`src/runner/cli.ts`) as a child process of
 * the orchestrator, in a fresh temporary directory on this machine — for development, tests and
 * the demo. The child gets only what a run needs: the payload (`AI_IMPLEMENT_PAYLOAD`, as Fly and
 * Docker runners get it, CONTRACTS.md §3), a short-lived installation token of the GitHub App for
 * the one repository, the Claude credential and ticketing key that the seed forwards to runner
 * sessions, and a handful of harmless variables (PATH, locale, proxy). Never the orchestrator's
 * own secrets: not the app's private key, RUNNER_TOKEN_SECRET, ADMIN_ACCESS_CODE or webhook secrets.
 * Its own HOME is inside the run directory, so the agent does not see the operator's home.
 * A run that succeeds leaves nothing behind; a failed run's directory (checkout and `logs/`) is
 * kept and its path logged.
 *
 * The runner holds those credentials, so the agent must not run as its user: when the
 * orchestrator runs as root, the runner starts the agent and the hooks as the unprivileged user
 * `ai-agent` (src/runner/agent/sandbox.ts). Otherwise both run as the orchestrator's user and the
 * agent can read the runner's environment; `createLocalBackend` warns about that at start-up.
 */
export interface LocalBackendOptions {
  /** Mints the installation token (`repoOctokit(owner, repo)` then `auth({ type: 'installation' })`). */
  github: Pick<GitHubAppClient, 'repoOctokit'>;
  /** GITHUB_API_URL, passed to the runner. */
  githubApiUrl: string;
  /** Git web base (`${url}/${owner}/${repo}.git` is cloned); default derived from the API URL. */
  gitServerUrl?: string;
  /** CLAUDE_CODE_PATH: the agent binary the runner starts (default `claude` on PATH). */
  claudeCodePath?: string;
  /** Forwarded per seed 000 ("Claude provider forwarding"); the OAuth token is preferred by the runner. */
  claude: { oauthToken?: string; anthropicApiKey?: string };
  /** LINEAR_API_KEY / LINEAR_API_URL, for Linear tickets' comments and markers. */
  linear?: { apiKey: string; apiUrl: string };
  /** The orchestrator's Jira configuration, as JIRA_* variables, for Jira tickets' comments and markers. */
  jira?: JiraConfig;
  /** Harmless variables of the orchestrator's environment (see `passThroughEnv`). */
  baseEnv: Record<string, string>;
  /** More variables for every run (tests: the stand-in agent's script, ANTHROPIC_BASE_URL). */
  extraEnv?: Record<string, string>;
  /** Where run directories are made; default the OS temp directory. */
  workRoot?: string;
  /** This process's uid (tests); default `process.getuid()`. */
  uid?: number;
  logger: { info(fields: object, message: string): void; warn(fields: object, message: string): void };
}

export interface LocalBackend extends ExecutionBackend {
  /** Resolves once every run started so far has exited (tests, shutdown). */
  idle(): Promise<void>;
}

/** Variables passed through from the orchestrator's environment: none of them is a credential. */
const PASS_THROUGH = [
  'PATH',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TZ',
  'TMPDIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  // The custom/ directory the orchestrator checked at start-up (docs/decisions/pipelines.md).
  'AI_IMPLEMENT_CUSTOM_DIR',
];

/** The pass-through subset of `env`. */
export function passThroughEnv(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(PASS_THROUGH.flatMap((name) => (env[name] ? [[name, env[name]]] : [])));
}

const RUNNER_ENTRY = path.join(PROJECT_ROOT, 'src/runner/cli.ts');

/** `https://api.github.com` → `https://github.com`; GHES `https://host/api/v3` → `https://host`. */
function gitServerFor(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === 'api.github.com') return 'https://github.com';
  return `${url.origin}${url.pathname.replace(/\/api\/v3\/?$/, '').replace(/\/+$/, '')}`;
}

/**
 * The runner child's whole environment for one run: the pass-through variables, the run's own
 * HOME and work directory, the payload, the installation token, the Claude credential and, for a
 * Linear or Jira ticket, that tracker's credentials — and nothing else of the orchestrator's.
 */
export function runnerEnvironment(
  options: Pick<
    LocalBackendOptions,
    'baseEnv' | 'githubApiUrl' | 'gitServerUrl' | 'claudeCodePath' | 'claude' | 'linear' | 'jira' | 'extraEnv'
  >,
  request: DispatchRequest,
  run: { dir: string; token: string },
): Record<string, string> {
  const { mapping, payload } = request;
  const server = (options.gitServerUrl ?? gitServerFor(options.githubApiUrl)).replace(/\/+$/, '');
  return {
    ...options.baseEnv,
    HOME: path.join(run.dir, 'home'),
    AI_IMPLEMENT_PAYLOAD: JSON.stringify(payload),
    AI_IMPLEMENT_WORKDIR: run.dir,
    AI_IMPLEMENT_DEFAULT_BRANCH: mapping.defaultBranch,
    GITHUB_REPOSITORY: `${mapping.owner}/${mapping.repo}`,
    GITHUB_TOKEN: run.token,
    GITHUB_API_URL: options.githubApiUrl,
    GITHUB_SERVER_URL: server,
    ...(options.claudeCodePath ? { CLAUDE_CODE_PATH: options.claudeCodePath } : {}),
    ...(options.claude.oauthToken ? { CLAUDE_CODE_OAUTH_TOKEN: options.claude.oauthToken } : {}),
    ...(options.claude.anthropicApiKey ? { ANTHROPIC_API_KEY: options.claude.anthropicApiKey } : {}),
    ...(options.linear && payload.issue.provider === 'linear'
      ? { LINEAR_API_KEY: options.linear.apiKey, LINEAR_API_URL: options.linear.apiUrl }
      : {}),
    ...(options.jira && payload.issue.provider === 'jira' ? jiraEnv(options.jira) : {}),
    ...options.extraEnv,
  };
}

/**
 * The installation token a run gets: for its one repository only, with the permissions the synced
 * workflows give theirs (templates/claude-*.yml) — contents read for planning; contents, pull
 * requests and issues write otherwise — not the installation's every repository and permission.
 * https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app
 */
export function runTokenRequest(repo: string, phase: Phase) {
  return {
    type: 'installation' as const,
    repositoryNames: [repo],
    permissions:
      phase === 'planning'
        ? { contents: 'read', metadata: 'read' }
        : { contents: 'write', pull_requests: 'write', issues: 'write', metadata: 'read' },
  };
}

/** A run's installation token (`runTokenRequest`); a GitHub failure becomes an `IntegrationError`. */
export async function installationTokenFor(
  github: Pick<GitHubAppClient, 'repoOctokit'>,
  owner: string,
  repo: string,
  phase: Phase,
): Promise<string> {
  const octokit = await github.repoOctokit(owner, repo);
  try {
    const auth = (await octokit.auth(runTokenRequest(repo, phase))) as { token?: string };
    if (!auth.token) throw new Error('no token in the installation authentication');
    return auth.token;
  } catch (error) {
    throw toGitHubError(error, {
      action: `mint an installation token for ${owner}/${repo}`,
      repository: `${owner}/${repo}`,
    });
  }
}

/** What local mode says at start-up when it cannot isolate the agent (not root). */
export function localIsolationWarning(uid: number): string {
  return (
    `execution mode local runs as uid ${uid}, not root: runs cannot start the agent as the ` +
    'unprivileged user ai-agent, so the agent (Claude Code with a shell) and the repository hooks ' +
    'run as this user and can read the runner’s environment through /proc — the installation ' +
    'token with write access, the Linear key and the run tokens. Run the orchestrator as root to isolate them'
  );
}

export function createLocalBackend(options: LocalBackendOptions): LocalBackend {
  const running = new Set<Promise<void>>();
  /** Dispatch id → the child running it, while it runs. */
  const children = new Map<string, ChildProcess>();
  const uid = options.uid ?? process.getuid?.() ?? 0;
  if (uid !== 0) options.logger.warn({ uid }, localIsolationWarning(uid));

  async function dispatch(request: DispatchRequest): Promise<DispatchReceipt> {
    const { mapping, payload } = request;
    const token = await installationTokenFor(options.github, mapping.owner, mapping.repo, payload.phase);
    const dir = fs.mkdtempSync(
      path.join(options.workRoot ?? os.tmpdir(), `ai-implement-run-${payload.issue.identifier}-`),
    );
    // The run directory becomes passable for the agent user (the runner opens it): the runner's
    // own HOME and output log in it stay private.
    fs.mkdirSync(path.join(dir, 'home'), { mode: 0o700 });
    const env = runnerEnvironment(options, request, { dir, token });
    const logPath = path.join(dir, 'runner-output.log');
    const logFd = fs.openSync(logPath, 'a', 0o600);
    const log = { issue: payload.issue.identifier, dispatchId: payload.dispatchId, dir };
    const child = spawn(process.execPath, [RUNNER_ENTRY], { cwd: dir, env, stdio: ['ignore', logFd, logFd] });
    fs.closeSync(logFd);
    const exited = new Promise<void>((resolve) => {
      child.once('error', (error) => {
        options.logger.warn({ ...log, err: error.message }, 'local runner could not start');
        resolve();
      });
      child.once('exit', (code, signal) => {
        if (code === 0) {
          fs.rmSync(dir, { recursive: true, force: true });
          options.logger.info({ ...log, code }, 'local run finished');
        } else {
          options.logger.warn(
            { ...log, code, signal, output: logPath },
            `local run failed; its checkout and logs are kept in ${dir}`,
          );
        }
        resolve();
      });
    });
    children.set(payload.dispatchId, child);
    const tracked = exited.finally(() => {
      running.delete(tracked);
      children.delete(payload.dispatchId);
    });
    running.add(tracked);
    if (child.pid === undefined) {
      await exited;
      throw new IntegrationError('local', 'invalid', `could not start the runner with ${process.execPath}`);
    }
    options.logger.info(log, 'local run started');
    return { externalId: `local:${child.pid}` };
  }

  return {
    mode: 'local',
    dispatch,
    /**
     * A local run lives and dies with this process: one running here is found; any other is
     * certainly absent (a process that died took its children's reports with it).
     */
    async findRun(query: RunLookupQuery): Promise<FoundRun> {
      const child = children.get(query.dispatchId);
      return child?.pid === undefined
        ? { kind: 'absent' }
        : { kind: 'found', externalId: `local:${child.pid}` };
    },
    async cancel(run) {
      for (const child of children.values()) {
        if (`local:${child.pid}` === run.externalId) child.kill('SIGTERM');
      }
    },
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}
