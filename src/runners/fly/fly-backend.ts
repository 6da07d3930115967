import { jiraEnv } from '../../config/jira-env.ts';
import type { JiraConfig } from '../../config/types.ts';
import { IntegrationError } from '../../domain/errors.ts';
import type { Phase } from '../../domain/phases.ts';
import type { FlyMachinesClient } from '../../fly/machines.ts';
import type { GitHubAppClient } from '../../github/github-app.ts';
import { toGitHubError } from '../../github/errors.ts';
import { runTokenRequest } from '../local/local-backend.ts';
import type {
  DispatchReceipt,
  DispatchRequest,
  ExecutionBackend,
  FoundRun,
  RunLookupQuery,
} from '../types.ts';
import { META, machineRequest } from './machine-config.ts';
import type { RepoImageReader } from './repo-image.ts';
import type { WarmPool } from './warm-pool.ts';

/**
 * Execution mode `fly-machines` (CONTRACTS.md §8): each run is one Fly Machine in the sessions
 * app, created from the runner image with the payload in `AI_IMPLEMENT_PAYLOAD`; it runs the
 * runner once and destroys itself (`auto_destroy`, restart policy `no`). The Machine id is the
 * run's external id in the ledger. A dispatch of unknown outcome is found by listing the app's
 * Machines by `ai_implement_dispatch_id`; cancelling a run destroys its Machine.
 *
 * The Machine gets what the local runner gets (src/runners/local/local-backend.ts): an
 * installation token for the one repository, the Claude credential (the OAuth token preferred),
 * the tracker credentials for its ticket's tracker, plus the mapping's `extraEnv`. Fly app
 * secrets of the sessions app (the Secrets panel) reach every Machine of the app by Fly itself.
 */
export interface FlyBackendOptions {
  machines: FlyMachinesClient;
  /** The sessions app (FLY_SESSIONS_APP, else the flySessionsApp setting), read per dispatch. */
  app: () => string | undefined;
  /** The region (FLY_SESSIONS_REGION, else the setting); undefined lets Fly choose. */
  region: () => string | undefined;
  /** AI_IMPLEMENT_RUNNER_IMAGE: the image when neither the mapping nor the repository names one. */
  defaultImage: string | undefined;
  /** The repository's `.ai-implement/image.yml` (repo-image.ts); absent: not read. */
  repoImage?: RepoImageReader | undefined;
  /** FLY_WARM_POOL_SIZE > 0: runs start on a pooled Machine when one is idle (warm-pool.ts). */
  warmPool?: WarmPool | undefined;
  github: Pick<GitHubAppClient, 'repoOctokit'>;
  /** GITHUB_API_URL, passed to the runner. */
  githubApiUrl: string;
  /** Git web base; default derived from the API URL. */
  gitServerUrl?: string;
  claude: { oauthToken?: string | undefined; anthropicApiKey?: string | undefined };
  linear?: { apiKey: string; apiUrl: string } | undefined;
  jira?: JiraConfig | undefined;
  /** CLIENT_SLUG: tags Machines with `ai_implement_tenant`. */
  tenant?: string | undefined;
  logger: { info(fields: object, message: string): void };
}

/** The Fly backend, with the session controls the Sessions panel and the reaper use. */
export interface FlyBackend extends ExecutionBackend {
  /** The sessions app, or undefined when none is configured. */
  app(): string | undefined;
}

/** `https://api.github.com` → `https://github.com`; GHES `https://host/api/v3` → `https://host`. */
function gitServerFor(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === 'api.github.com') return 'https://github.com';
  return `${url.origin}${url.pathname.replace(/\/api\/v3\/?$/, '').replace(/\/+$/, '')}`;
}

export function createFlyBackend(options: FlyBackendOptions): FlyBackend {
  function requireApp(): string {
    const app = options.app();
    if (!app) {
      throw new IntegrationError(
        'fly',
        'invalid',
        'no Fly sessions app is configured: set FLY_SESSIONS_APP or the flySessionsApp setting (Settings panel)',
      );
    }
    return app;
  }

  async function installationToken(owner: string, repo: string, phase: Phase): Promise<string> {
    const octokit = await options.github.repoOctokit(owner, repo);
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

  async function dispatch(request: DispatchRequest): Promise<DispatchReceipt> {
    const { mapping, payload } = request;
    const app = requireApp();
    // CONTRACTS.md §8: the mapping's override, else the repository's file, else the default.
    const image =
      payload.image ??
      mapping.runnerImage ??
      (await options.repoImage?.({ owner: mapping.owner, repo: mapping.repo, ref: mapping.defaultBranch })) ??
      options.defaultImage;
    if (!image) {
      throw new IntegrationError(
        'fly',
        'invalid',
        `no runner image for ${mapping.teamKey}'s Fly Machines run: set AI_IMPLEMENT_RUNNER_IMAGE, the mapping's runnerImage or the repository's .ai-implement/image.yml`,
      );
    }
    const token = await installationToken(mapping.owner, mapping.repo, request.phase);
    const { claude, linear, jira } = options;
    const runnerEnv: Record<string, string> = {
      AI_IMPLEMENT_DEFAULT_BRANCH: mapping.defaultBranch,
      GITHUB_REPOSITORY: `${mapping.owner}/${mapping.repo}`,
      GITHUB_TOKEN: token,
      GITHUB_API_URL: options.githubApiUrl,
      GITHUB_SERVER_URL: (options.gitServerUrl ?? gitServerFor(options.githubApiUrl)).replace(/\/+$/, ''),
      // The OAuth token is preferred (seed 000): the API key goes only when there is no token.
      ...(claude.oauthToken
        ? { CLAUDE_CODE_OAUTH_TOKEN: claude.oauthToken }
        : claude.anthropicApiKey
          ? { ANTHROPIC_API_KEY: claude.anthropicApiKey }
          : {}),
      ...(linear && payload.issue.provider === 'linear'
        ? { LINEAR_API_KEY: linear.apiKey, LINEAR_API_URL: linear.apiUrl }
        : {}),
      ...(jira && payload.issue.provider === 'jira' ? jiraEnv(jira) : {}),
    };
    const input = machineRequest(
      { ...request, payload: { ...payload, image } },
      { image, region: options.region(), tenant: options.tenant, runnerEnv },
    );
    const shape = { image, guest: input.config.guest, region: input.region };
    const pooled = await options.warmPool?.start(app, shape, input);
    const machine = pooled ?? (await options.machines.createMachine(app, input));
    // What this run took (or would have liked to take) is made again, off the dispatch's path.
    options.warmPool?.refill(app, shape);
    options.logger.info(
      {
        issue: payload.issue.identifier,
        dispatchId: payload.dispatchId,
        machineId: machine.id,
        app,
        image,
        warm: pooled !== undefined,
      },
      pooled ? 'Fly Machine from the warm pool started for the run' : 'Fly Machine created for the run',
    );
    return { externalId: machine.id, image };
  }

  /** The Machine whose metadata carries the dispatch id, destroyed ones included (it ran). */
  async function findRun(query: RunLookupQuery): Promise<FoundRun> {
    const found = await options.machines.listMachines(requireApp(), {
      includeDestroyed: true,
      metadata: { [META.dispatchId]: query.dispatchId },
    });
    return found[0] ? { kind: 'found', externalId: found[0].id } : { kind: 'absent' };
  }

  async function cancel(run: { externalId: string }): Promise<void> {
    await options.machines.destroyMachine(requireApp(), run.externalId);
  }

  return { mode: 'fly-machines', dispatch, findRun, cancel, app: options.app };
}
