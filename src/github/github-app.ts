import { App } from '@octokit/app';
import { Octokit } from 'octokit';
import { isTokenRequest, toGitHubError } from './errors.ts';

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

export interface GitHubAppInfo {
  id: number;
  slug: string | undefined;
  name: string;
  htmlUrl: string;
  /** Permissions the app requests, e.g. `{ actions: 'write', contents: 'write' }`. */
  permissions: Record<string, string | undefined>;
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
   * with `{ ref, inputs }`; resolves on GitHub's 204. Never retried here (see the module doc).
   * Throws `IntegrationError`: `not_found` "workflow file not found in owner/repo — run Sync
   * workflows first", `invalid` with GitHub's message (e.g. "No ref found for: x"), `auth`,
   * `rate_limited` (with `retryAfterMs`), `transient` (the run may or may not have started).
   * GitHub: https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event
   */
  dispatchWorkflow(input: DispatchWorkflowInput): Promise<void>;
  /**
   * The app as GitHub sees it (`GET /app`), for the configuration status check: proves the app
   * id and private key are accepted. Throws `IntegrationError` (`auth` for a wrong id or key).
   * GitHub: https://docs.github.com/rest/apps/apps#get-the-authenticated-app
   */
  getApp(): Promise<GitHubAppInfo>;
}

/** Enforces `timeoutMs` on every request Octokit makes, unless the caller passed its own signal. */
function fetchWithTimeout(timeoutMs: number): typeof fetch {
  return function timedFetch(input, init) {
    return fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) });
  };
}

/** Creates the client. Makes no request until first used. */
export function createGitHubAppClient(options: GitHubAppClientOptions): GitHubAppClient {
  const app = new App({
    appId: options.appId,
    privateKey: options.privateKey,
    Octokit: ClientOctokit.defaults({
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

  async function dispatchWorkflow(input: DispatchWorkflowInput): Promise<void> {
    const { owner, repo, workflowFile, ref, inputs } = input;
    const repository = `${owner}/${repo}`;
    try {
      const octokit = await repoOctokit(owner, repo);
      await octokit.rest.actions.createWorkflowDispatch({
        owner,
        repo,
        workflow_id: workflowFile,
        ref,
        inputs,
      });
    } catch (error) {
      throw toGitHubError(error, {
        action: `dispatch ${workflowFile} on ${repository}`,
        repository,
        notFound: `workflow file not found in ${repository} — run Sync workflows first`,
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
      };
    } catch (error) {
      throw toGitHubError(error, {
        action: 'read the GitHub App (GET /app)',
        notFound: 'GitHub does not know this GitHub App; check GITHUB_APP_ID',
      });
    }
  }

  return { repoOctokit, dispatchWorkflow, getApp };
}
