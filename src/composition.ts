/**
 * Pieces of the composition root (src/main.ts) that pick concrete implementations from the
 * configuration: the trackers, the local runner backend, and the start-up check of the
 * pipelines. Like main.ts, the only code that may stop the process at start-up.
 */
import type { Logger } from 'pino';
import type { Config } from './config/types.ts';
import type { RequestObserver } from './domain/outbound-requests.ts';
import type { TicketingProviderName } from './domain/ticket.ts';
import type { GitHubAppClient } from './github/github-app.ts';
import { customDirOf, loadCatalog } from './pipeline/catalog.ts';
import { describeProblem } from './pipeline/load-pipeline.ts';
import { checkDockerEngine, createDockerBackend } from './runners/docker/docker-backend.ts';
import { dockerClient } from './runners/docker/docker-client.ts';
import { createLocalBackend, passThroughEnv } from './runners/local/local-backend.ts';
import type { ExecutionBackend } from './runners/types.ts';
import type { Store } from './store/database.ts';
import { getMappings, listMappings } from './store/mappings.ts';
import { createGitHubIssuesProvider } from './ticketing/github/github-issues-provider.ts';
import type { TicketingProvider } from './ticketing/types.ts';

/**
 * Start-up check of the pipelines and custom/ (AI_IMPLEMENT_CUSTOM_DIR, default
 * `<project root>/custom`): a pipeline YAML that does not parse or names an unknown step module
 * or a bad option, or a custom module that fails to load, stops start-up naming the file and
 * line — a run must never find it half-way (docs/decisions/pipelines.md). Returns the directory.
 */
export async function checkPipelines(env: Record<string, string | undefined>): Promise<string> {
  const customDir = customDirOf(env);
  const catalog = await loadCatalog(customDir);
  if (catalog.problems.length > 0) {
    console.error(
      `AI-Implement cannot start: the pipelines and custom modules have problems (custom directory ${customDir}):\n${catalog.problems
        .map((problem) => `  ${describeProblem(problem)}`)
        .join('\n')}`,
    );
    process.exit(1);
  }
  return customDir;
}

/**
 * The backend of RUNNER_MODE=local: a container per run on the Docker Engine at DOCKER_HOST
 * (default), or the runner as a child process (LOCAL_RUNNER_BACKEND=process: `npm run demo` and
 * the tests that run without Docker). With RUNNER_MODE=local set, a Docker Engine that does not
 * answer stops start-up, naming DOCKER_HOST (docs/decisions/docker.md).
 */
export async function createLocalRunner(
  config: Config,
  env: Record<string, string | undefined>,
  github: GitHubAppClient,
  log: Logger,
  recordOutput: (dispatchId: string, output: { exitCode: number | null; lines: string[] }) => Promise<void>,
): Promise<ExecutionBackend> {
  const credentials = {
    github,
    githubApiUrl: config.github.apiUrl,
    // Runner-only settings, not orchestrator configuration: the agent binary and where to
    // clone from when GitHub's web host is not derivable from GITHUB_API_URL (the demo).
    gitServerUrl: env.GITHUB_SERVER_URL?.trim() || undefined,
    claudeCodePath: env.CLAUDE_CODE_PATH?.trim() || undefined,
    claude: { oauthToken: config.claude.oauthToken, anthropicApiKey: config.claude.anthropicApiKey },
    linear: config.linear ? { apiKey: config.linear.apiKey, apiUrl: config.linear.apiUrl } : undefined,
    jira: config.jira,
    baseEnv: passThroughEnv(env),
  };
  if (config.runner.localBackend === 'process') {
    return createLocalBackend({ ...credentials, logger: log.child({ runner: 'local' }) });
  }
  const dockerHost = env.DOCKER_HOST?.trim() || undefined;
  if (config.runner.mode === 'local') {
    try {
      await checkDockerEngine(dockerClient(dockerHost), dockerHost);
    } catch (error) {
      console.error(`AI-Implement cannot start:\n${(error as Error).message}`);
      process.exit(1);
    }
  }
  return createDockerBackend({
    ...credentials,
    docker: () => dockerClient(dockerHost),
    image: config.runner.localImage,
    orchestratorUrl: config.runner.localOrchestratorUrl,
    recordOutput,
    logger: log.child({ runner: 'docker' }),
  });
}

/**
 * The trackers this orchestrator can read: GitHub Issues always, Linear and Jira when configured;
 * each reports its requests to `observer` (the /metrics counters).
 */
export async function createTicketing(
  config: Config,
  logger: Logger,
  db: Store['db'],
  github: GitHubAppClient,
  observer: RequestObserver | undefined,
): Promise<Map<TicketingProviderName, TicketingProvider>> {
  const providers = new Map<TicketingProviderName, TicketingProvider>();
  // GitHub Issues needs nothing beyond the GitHub App every orchestrator has.
  providers.set('github', createGitHubIssuesProvider({ github, listMappings: () => listMappings(db) }));
  if (config.linear) {
    // Loaded only when Linear is configured: @linear/sdk is ~30 MB of memory once imported.
    const { createLinearProvider } = await import('./ticketing/linear/linear-provider.ts');
    const linearLog = logger.child({ provider: 'linear' });
    providers.set(
      'linear',
      createLinearProvider({
        apiKey: config.linear.apiKey,
        apiUrl: config.linear.apiUrl,
        logger: { warn: (fields, message) => linearLog.warn(fields, message) },
        observer,
      }),
    );
  }
  if (config.jira) {
    // Loaded only when Jira is configured: jira.js and its models take ~40 MB of memory.
    const { createJiraProvider } = await import('./ticketing/jira/jira-provider.ts');
    const jiraLog = logger.child({ provider: 'jira' });
    providers.set(
      'jira',
      createJiraProvider({
        config: config.jira,
        logger: { warn: (fields, message) => jiraLog.warn(fields, message) },
        observer,
        lookupMappings: (teamKeys) => getMappings(db, teamKeys),
      }),
    );
  }
  return providers;
}
