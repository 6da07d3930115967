import { App } from '@octokit/app';
import { Octokit, RequestError } from 'octokit';
import type { Logger } from 'pino';
import { observeRequest, responseHeaders, type RequestObserver } from '../domain/outbound-requests.ts';
import { isTokenRequest, toGitHubError } from './errors.ts';
import { listInstallationRepositories, type InstallationRepository } from './installation-repositories.ts';

/**
 * The GitHub App client: authenticates as the app (JWT), finds the installation on a repository,
 * and acts as that installation (installation access token) — the flow in "Authenticating as a
 * GitHub App installation"
 * (https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/authenticating-as-a-github-app-installation).
 *
 * Caching:
 * - Installation ids are cached per `owner/repo` for the life of the process, and dropped when
 *   a token exchange for them fails (app uninstalled or reinstalled, installation suspended).
 * - Installation tokens are cached by `@octokit/auth-app` itself (an LRU of 15 000 tokens, kept
 *   59 minutes — one minute less than GitHub's one-hour lifetime), shared by every installation
 *   Octokit this client creates; concurrent requests for one installation share one exchange.
 *
 * No silent retries: `octokit`'s retry and throttling plugins are disabled. A retried
 * `workflow_dispatch` POST whose first attempt reached GitHub (a 502 after the run was queued,
 * a timeout) would start a second run, and the throttling plugin would also hold writes back
 * for a second each. Failures surface at once as typed `IntegrationError`s
 * (`rate_limited` with `retryAfterMs`, `transient`) and the orchestrator decides, with its ledger,
 * whether and when to try again. (@octokit/auth-app still repeats a request refused with 401
 * within 5 s of minting its token — GitHub's token replication delay; a 401 means the request
 * was not carried out, so that repeat cannot duplicate anything.)
 */

export interface GitHubLogger {
  debug(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  error(message: string, ...rest: unknown[]): void;
}

export interface GitHubAppClientOptions {
  /** GITHUB_APP_ID. */
  appId: number | string;
  /** GITHUB_APP_PRIVATE_KEY, PEM with real newlines (PKCS#1 as GitHub issues it, or PKCS#8). */
  privateKey: string;
  /** GITHUB_API_URL; default https://api.github.com (GHES: https://<host>/api/v3). */
  baseUrl?: string;
  /** Per-request time limit in ms; default 30 000. A request past it fails as `transient`. */
  timeoutMs?: number;
  /** Where Octokit's own warnings go; default console. Octokit never logs tokens or keys. */
  log?: GitHubLogger;
  /** Told of every request GitHub answers or fails (`GET /metrics`). */
  observer?: RequestObserver;
}

/** The Octokit flavour this client builds: REST methods and pagination, no retry/throttling. */
const ClientOctokit = Octokit.defaults({
  retry: { enabled: false },
  throttle: { enabled: false },
});

/** An Octokit authenticated as the app's installation on one repository. */
export type InstallationOctokit = InstanceType<typeof ClientOctokit>;

export interface DispatchWorkflowInput {
  owner: string;
  repo: string;
  /** Workflow file name under .github/workflows, e.g. `claude-implement.yml`. */
  workflowFile: string;
  /** Branch or tag the run uses (its workflow file version and `GITHUB_REF`). */
  ref: string;
  /** `workflow_dispatch` inputs; GitHub allows at most 25 and 65 535 characters in all. */
  inputs: Record<string, string>;
}

/** The run a dispatch started, when the server says (`return_run_details`; GHES may not). */
export interface DispatchedWorkflowRun {
  runId: number | undefined;
}

export interface FindWorkflowRunInput {
  owner: string;
  repo: string;
  workflowFile: string;
  /** Runs created at or after this instant (GitHub's `created` filter, `>=`). */
  createdSince: Date;
  /** Text the run's `display_title` (the workflow's `run-name`) must contain: the dispatch id. */
  titleContains: string;
}

export interface GitHubAppInfo {
  id: number;
  slug: string | undefined;
  name: string;
  htmlUrl: string;
  /** Permissions the app requests, e.g. `{ actions: 'write', contents: 'write' }`. */
  permissions: Record<string, string | undefined>;
  /** Webhook events the app subscribes to (`check_suite`, `pull_request`, …). */
  events: string[];
}

export interface GitHubAppClient {
  /**
   * An Octokit acting as the app's installation on owner/repo (installation token, cached).
   * Throws `IntegrationError`: `not_found` "the GitHub App is not installed on owner/repo",
   * `auth` for refused credentials, `rate_limited`, `transient`. Calls made with the returned
   * Octokit throw Octokit's `RequestError`; map them with `toGitHubError` from `./errors.ts`.
   * GitHub: https://docs.github.com/rest/apps/apps#get-a-repository-installation-for-the-authenticated-app
   */
  repoOctokit(owner: string, repo: string): Promise<InstallationOctokit>;
  /**
   * Starts a run: `POST /repos/{owner}/{repo}/actions/workflows/{workflowFile}/dispatches`
   * with `{ ref, inputs, return_run_details: true }`; resolves with the run id GitHub returns
   * (200), or without one where the server answers 204 or refuses the parameter (GitHub
   * Enterprise Server before it: a 400/422 naming `return_run_details` — not carried out, so
   * the call is made once more without it, and this client stops asking). Never retried
   * otherwise (see the module doc).
   * Throws `IntegrationError`: `not_found` "workflow file not found in owner/repo — run Sync
   * workflows first", `invalid` with GitHub's message (e.g. "No ref found for: x"), `auth`,
   * `rate_limited` (with `retryAfterMs`), `transient` (the run may or may not have started).
   * GitHub: https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event
   */
  dispatchWorkflow(input: DispatchWorkflowInput): Promise<DispatchedWorkflowRun>;
  /**
   * The workflow_dispatch run of `workflowFile` created since `createdSince` whose title
   * contains `titleContains`, or undefined when GitHub lists none (newest first, up to 300 runs).
   * Throws `IntegrationError` like every call here (`transient`: no answer, so unknown).
   * GitHub: https://docs.github.com/rest/actions/workflow-runs#list-workflow-runs-for-a-workflow
   */
  findWorkflowRun(input: FindWorkflowRunInput): Promise<{ runId: number; status: string } | undefined>;
  /**
   * Cancels a workflow run (`POST …/actions/runs/{run_id}/cancel`, 202). A run that already
   * finished answers 409, which resolves quietly: there is nothing left to cancel.
   * GitHub: https://docs.github.com/rest/actions/workflow-runs#cancel-a-workflow-run
   */
  cancelWorkflowRun(input: { owner: string; repo: string; runId: number }): Promise<void>;
  /**
   * The app as GitHub sees it (`GET /app`), for the configuration status check: proves the app
   * id and private key are accepted. Throws `IntegrationError` (`auth` for a wrong id or key).
   * GitHub: https://docs.github.com/rest/apps/apps#get-the-authenticated-app
   */
  getApp(): Promise<GitHubAppInfo>;
  /** Every repository the App's installations reach (installation-repositories.ts). */
  listRepositories(): Promise<{ repositories: InstallationRepository[]; truncated: boolean }>;
}

/** Enforces `timeoutMs` on every request Octokit makes, unless the caller passed its own signal. */
function fetchWithTimeout(timeoutMs: number): typeof fetch {
  return function timedFetch(input, init) {
    return fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) });
  };
}

/**
 * The Octokit class with every request (the app's, each installation's, token exchanges
 * included) reported to `observer`, by route template (`GET /repos/{owner}/{repo}/installation`;
 * a pagination link by its path).
 */
function instrumented(observer: RequestObserver | undefined): typeof ClientOctokit {
  if (!observer) return ClientOctokit;
  return ClientOctokit.plugin((octokit) => {
    octokit.hook.wrap('request', (request, endpoint) => {
      const route = endpoint.url.startsWith('http')
        ? new URL(endpoint.url).pathname
        : endpoint.url.split('?')[0];
      return observeRequest(
        observer,
        { provider: 'github', operation: `${endpoint.method} ${route}` },
        async () => request(endpoint),
        (answer) => responseHeaders(answer) ?? responseHeaders((answer as { response?: unknown }).response),
      );
    });
  }) as typeof ClientOctokit;
}

/** Creates the client. Makes no request until first used. */
export function createGitHubAppClient(options: GitHubAppClientOptions): GitHubAppClient {
  const app = new App({
    appId: options.appId,
    privateKey: options.privateKey,
    Octokit: instrumented(options.observer).defaults({
      baseUrl: (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
      request: { fetch: fetchWithTimeout(options.timeoutMs ?? 30_000) },
    }),
    ...(options.log ? { log: options.log } : {}),
  });
  const installationIds = new Map<string, Promise<number>>();

  function installationId(owner: string, repo: string): Promise<number> {
    const key = `${owner}/${repo}`.toLowerCase();
    let pending = installationIds.get(key);
    if (!pending) {
      pending = app.octokit
        .request('GET /repos/{owner}/{repo}/installation', { owner, repo })
        .then((response) => response.data.id);
      // A failed lookup is not cached: the app may be installed a minute later.
      pending.catch(() => installationIds.delete(key));
      installationIds.set(key, pending);
    }
    return pending;
  }

  async function repoOctokit(owner: string, repo: string): Promise<InstallationOctokit> {
    const repository = `${owner}/${repo}`;
    let octokit: InstallationOctokit;
    try {
      const id = await installationId(owner, repo);
      octokit = (await app.getInstallationOctokit(id)) as InstallationOctokit;
    } catch (error) {
      throw toGitHubError(error, {
        action: `find the GitHub App installation on ${repository}`,
        repository,
        notFound: `the GitHub App is not installed on ${repository}`,
      });
    }
    // The token is minted lazily, on this Octokit's first request. When that exchange fails, the
    // cached installation id is stale (app uninstalled, reinstalled, suspended): look it up again.
    octokit.hook.error('request', (error) => {
      if (isTokenRequest(error)) installationIds.delete(repository.toLowerCase());
      throw error;
    });
    return octokit;
  }

  /** Set once the server refused `return_run_details` (GHES): later dispatches leave it out. */
  let runDetailsRefused = false;

  async function dispatchWorkflow(input: DispatchWorkflowInput): Promise<DispatchedWorkflowRun> {
    const { owner, repo, workflowFile, ref, inputs } = input;
    const repository = `${owner}/${repo}`;
    const send = async (octokit: InstallationOctokit, details: boolean) =>
      octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
        owner,
        repo,
        workflow_id: workflowFile,
        ref,
        inputs,
        ...(details ? { return_run_details: true } : {}),
      });
    try {
      const octokit = await repoOctokit(owner, repo);
      if (!runDetailsRefused) {
        try {
          const response = await send(octokit, true);
          return { runId: runIdOf(response.data) };
        } catch (error) {
          if (!refusesRunDetails(error)) throw error;
          runDetailsRefused = true;
        }
      }
      await send(octokit, false);
      return { runId: undefined };
    } catch (error) {
      throw toGitHubError(error, {
        action: `dispatch ${workflowFile} on ${repository}`,
        repository,
        notFound: `workflow file not found in ${repository} — run Sync workflows first`,
      });
    }
  }

  async function findWorkflowRun(
    input: FindWorkflowRunInput,
  ): Promise<{ runId: number; status: string } | undefined> {
    const { owner, repo, workflowFile } = input;
    const repository = `${owner}/${repo}`;
    try {
      const octokit = await repoOctokit(owner, repo);
      // Newest first, stopping at the first run older than `createdSince`. (GitHub's `created`
      // filter takes search syntax such as `>=2026-01-01T00:00:00Z`, which its OpenAPI
      // description types as a bare date-time; paging by age needs neither.) Three pages of 100
      // are far more dispatch runs of one workflow than a lookup window holds.
      const since = input.createdSince.getTime();
      for (let page = 1; page <= 3; page += 1) {
        const { data } = await octokit.rest.actions.listWorkflowRuns({
          owner,
          repo,
          workflow_id: workflowFile,
          event: 'workflow_dispatch',
          per_page: 100,
          page,
        });
        const recent = data.workflow_runs.filter((run) => Date.parse(run.created_at) >= since);
        const run = recent.find((candidate) => candidate.display_title.includes(input.titleContains));
        if (run) return { runId: run.id, status: run.status ?? 'unknown' };
        if (recent.length < data.workflow_runs.length || data.workflow_runs.length < 100) return undefined;
      }
      return undefined;
    } catch (error) {
      throw toGitHubError(error, {
        action: `list the runs of ${workflowFile} on ${repository}`,
        repository,
        notFound: `workflow file not found in ${repository} — run Sync workflows first`,
      });
    }
  }

  async function cancelWorkflowRun(input: { owner: string; repo: string; runId: number }): Promise<void> {
    const repository = `${input.owner}/${input.repo}`;
    try {
      const octokit = await repoOctokit(input.owner, input.repo);
      await octokit.rest.actions.cancelWorkflowRun({
        owner: input.owner,
        repo: input.repo,
        run_id: input.runId,
      });
    } catch (error) {
      if (error instanceof RequestError && error.status === 409) return;
      throw toGitHubError(error, {
        action: `cancel run ${input.runId} on ${repository}`,
        repository,
        notFound: `run ${input.runId} not found in ${repository}`,
      });
    }
  }

  async function getApp(): Promise<GitHubAppInfo> {
    try {
      const { data } = await app.octokit.request('GET /app');
      if (!data) throw new Error('GET /app answered without a body');
      return {
        id: data.id,
        slug: data.slug,
        name: data.name,
        htmlUrl: data.html_url,
        permissions: { ...data.permissions },
        events: [...(data.events ?? [])],
      };
    } catch (error) {
      throw toGitHubError(error, {
        action: 'read the GitHub App (GET /app)',
        notFound: 'GitHub does not know this GitHub App; check GITHUB_APP_ID',
      });
    }
  }

  return {
    repoOctokit,
    dispatchWorkflow,
    findWorkflowRun,
    cancelWorkflowRun,
    getApp,
    listRepositories: () => listInstallationRepositories(app),
  };
}

/** The run id of a dispatch answered with `return_run_details` (200), if the body has one. */
function runIdOf(data: unknown): number | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const id = (data as { workflow_run_id?: unknown }).workflow_run_id;
  return typeof id === 'number' ? id : undefined;
}

/**
 * A server that does not know `return_run_details` (GitHub Enterprise Server before it) refuses
 * the body with 400 or 422 naming the parameter; the dispatch was not carried out.
 */
function refusesRunDetails(error: unknown): boolean {
  if (!(error instanceof RequestError) || (error.status !== 400 && error.status !== 422)) return false;
  return /return_run_details/.test(JSON.stringify(error.response?.data ?? error.message));
}

/** Octokit's `log` option as a pino child (`service: github`); Octokit calls each as a function. */
export function octokitLog(logger: Logger): GitHubLogger {
  const child = logger.child({ service: 'github' });
  return {
    debug: (message: string) => child.debug(message),
    info: (message: string) => child.info(message),
    warn: (message: string) => child.warn(message),
    error: (message: string) => child.error(message),
  };
}
