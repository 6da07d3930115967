import path from 'node:path';
import { ConfigError } from '../config/config-error.ts';
import { loadJiraConfig } from '../config/jira-env.ts';
import type { JiraConfig } from '../config/types.ts';

/**
 * What the runner reads from its environment, besides the payload. The names follow GitHub
 * Actions' own variables where one exists, so the synced workflow passes them through as they
 * are; the local execution backend sets the same names for its child process.
 *
 * | Variable | Meaning |
 * |---|---|
 * | `GITHUB_REPOSITORY` (required) | `owner/repo` of the target repository |
 * | `GITHUB_TOKEN` | installation token of the GitHub App: clone, push, PR and comments |
 * | `GITHUB_API_URL` | REST base, default `https://api.github.com` |
 * | `GITHUB_SERVER_URL` | web/git base, default `https://github.com` |
 * | `AI_IMPLEMENT_GIT_URL` | clone URL override (`file://…`, `http://…` in tests and the demo) |
 * | `AI_IMPLEMENT_DEFAULT_BRANCH` | the PR base; else `GITHUB_REF_NAME` (the dispatch ref), else the remote's HEAD |
 * | `AI_IMPLEMENT_WORKDIR` | where the checkout and logs go; default the current directory |
 * | `CLAUDE_CODE_PATH` | the agent binary; default `claude` on `PATH` |
 * | `LINEAR_API_KEY`, `LINEAR_API_URL` | ticket comments and markers for Linear issues |
 * | `GITHUB_EVENT_PATH`, `GITHUB_ACTIONS` | the payload's event file; masking in the Actions log (payload-source.ts) |
 * | `AI_IMPLEMENT_MAX_TURNS`, `_MAX_ITERATIONS`, `_MAX_JOB_MINUTES` | caps the payload leaves unset (run-runner.ts) |
 * | `AI_IMPLEMENT_AGENT_USER`, `AI_IMPLEMENT_AGENT_ENV` | the agent's user and extra variables (agent/sandbox.ts, agent/agent-env.ts) |
 * | `JIRA_TOKEN`, `JIRA_CLOUD_ID`, `JIRA_SITE_URL`, `JIRA_EMAIL`, `JIRA_API_URL` | the same for Jira issues, as the orchestrator reads them (CONTRACTS.md §1) |
 * | `AI_IMPLEMENT_CUSTOM_DIR` | the custom/ directory (pipelines, steps, providers); default `<project root>/custom` (src/pipeline/catalog.ts) |
 * | `AI_IMPLEMENT_PROVIDER` | the model provider adapter; default the payload's `provider.name` (src/runner/agent/providers.ts) |
 */
export interface RunnerSettings {
  owner: string;
  repo: string;
  /** Installation token; never logged, never in the agent's or hooks' environment. */
  githubToken: string | undefined;
  githubApiUrl: string;
  /** Clone URL without credentials; the token travels in an HTTP header instead. */
  gitUrl: string;
  defaultBranch: string | undefined;
  workdir: string;
  claudePath: string;
  linear: { apiKey: string; apiUrl: string | undefined } | undefined;
  /** Never logged, never in the agent's or hooks' environment. */
  jira: JiraConfig | undefined;
  /** Why the JIRA_* variables that are set do not make a configuration (then `jira` is undefined). */
  jiraProblem: string | undefined;
}

/** A variable is missing or malformed; the message names it and says what to set. */
export class SettingsError extends Error {
  override name = 'SettingsError';
}

/**
 * Reads the settings from `env` (the runner's environment). Throws `SettingsError` naming the
 * variable for a missing `GITHUB_REPOSITORY` or a malformed URL. Credentials embedded in
 * `AI_IMPLEMENT_GIT_URL` (`https://x-access-token:<token>@host/…`) are moved out of the URL, so
 * the clone's `.git/config` never holds them; the token is used as `githubToken` when
 * `GITHUB_TOKEN` is unset. An incomplete or malformed Jira configuration is not an error here:
 * `jiraProblem` names each variable (as the orchestrator's start-up would) and the run goes on
 * without Jira comments — an organisation-wide JIRA_* secret must not fail a Linear run.
 */
export function readRunnerSettings(env: Record<string, string | undefined>, cwd: string): RunnerSettings {
  const repository = value(env, 'GITHUB_REPOSITORY');
  const match = repository ? /^([\w.-]+)\/([\w.-]+)$/.exec(repository) : null;
  if (!match) {
    throw new SettingsError(
      repository
        ? `GITHUB_REPOSITORY must be owner/repo (got "${repository}")`
        : 'GITHUB_REPOSITORY is required: the owner/repo of the target repository (GitHub Actions sets it)',
    );
  }
  const [, owner = '', repo = ''] = match;
  const serverUrl = url(env, 'GITHUB_SERVER_URL') ?? 'https://github.com';
  const explicitGitUrl = value(env, 'AI_IMPLEMENT_GIT_URL');
  let gitUrl = explicitGitUrl ?? `${serverUrl}/${owner}/${repo}.git`;
  let urlToken: string | undefined;
  if (explicitGitUrl && /^https?:/i.test(explicitGitUrl)) {
    const parsed = URL.parse(explicitGitUrl);
    if (!parsed) throw new SettingsError('AI_IMPLEMENT_GIT_URL must be a URL or a file:// path');
    urlToken = parsed.password ? decodeURIComponent(parsed.password) : undefined;
    parsed.username = '';
    parsed.password = '';
    gitUrl = parsed.toString();
  }
  const linearKey = value(env, 'LINEAR_API_KEY');
  return {
    owner,
    repo,
    githubToken: value(env, 'GITHUB_TOKEN') ?? urlToken,
    githubApiUrl: url(env, 'GITHUB_API_URL') ?? 'https://api.github.com',
    gitUrl,
    defaultBranch: value(env, 'AI_IMPLEMENT_DEFAULT_BRANCH') ?? value(env, 'GITHUB_REF_NAME'),
    workdir: path.resolve(cwd, value(env, 'AI_IMPLEMENT_WORKDIR') ?? '.'),
    claudePath: value(env, 'CLAUDE_CODE_PATH') ?? 'claude',
    linear: linearKey ? { apiKey: linearKey, apiUrl: url(env, 'LINEAR_API_URL') } : undefined,
    ...jiraSettings(env),
  };
}

function jiraSettings(env: Record<string, string | undefined>): Pick<RunnerSettings, 'jira' | 'jiraProblem'> {
  try {
    return { jira: loadJiraConfig(env), jiraProblem: undefined };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { jira: undefined, jiraProblem: error.problems.join('; ') };
  }
}

function value(env: Record<string, string | undefined>, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

function url(env: Record<string, string | undefined>, name: string): string | undefined {
  const raw = value(env, name);
  if (raw === undefined) return undefined;
  const parsed = URL.parse(raw);
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new SettingsError(`${name} must be an absolute http(s) URL (got "${raw}")`);
  }
  return raw.replace(/\/+$/, '');
}
