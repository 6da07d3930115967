import { createHash, randomUUID } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appPublicKey, createTokenStore } from './fake-auth.ts';
import { createFakeRepo, type FakeIssue, type FakeRepo } from './fake-repo.ts';
import { addIssueLabels } from './routes-tracker-issues.ts';
import { repoKey, type FakeDispatch, type FakeWorld } from './fake-world.ts';
import type { FakeWorkflowRun } from './workflow-runs.ts';
import { createFailureQueue, type FailureOptions } from './failure-injection.ts';
import { loadGitHubOpenApi } from './github-openapi.ts';
import { errorBody, type FakeAccount } from './github-objects.ts';
import { actionsSecretOf } from './routes-secrets.ts';
import { checksOf } from './routes-checks.ts';
import type { FakeAnnotation, FakeCheckRun, FakeRepoChecks, FakeStatus } from './fake-checks.ts';
import { answerRequest, type FakeViolation, type PipelineResult } from './request-pipeline.ts';

/**
 * A fake GitHub REST API on 127.0.0.1 for the real Octokit clients. Every request is matched and
 * validated against GitHub's own OpenAPI description (pruned into test/fixtures/github-openapi.json);
 * unknown routes, invalid requests and — so the fake cannot drift from GitHub — invalid
 * responses are answered as GitHub would and recorded in `violations`.
 */

export type { FakeDispatch } from './fake-world.ts';
export type { FakeRepo } from './fake-repo.ts';
export type { FailureOptions } from './failure-injection.ts';
export type { FakeViolation } from './request-pipeline.ts';
export { generateTestAppKeyPair } from './test-keys.ts';

export interface FakeRequestRecord {
  method: string;
  path: string;
  operationId: string | undefined;
  status: number;
}

export interface CreateFakeGitHubOptions {
  appId: number;
  /** The app key to verify JWTs with: the public key, or the private key it derives from. */
  publicKey?: string;
  privateKey?: string;
  appSlug?: string;
  /** Installation token lifetime; GitHub's is one hour. */
  tokenTtlMs?: number;
}

export interface AddInstallationInput {
  id: number;
  /** Login of the user or organization the app is installed on. */
  account: string;
  accountType?: 'Organization' | 'User';
  /** `owner/repo` or a bare repo name (under `account`). */
  repos: string[];
  /** Defaults to what AI-Implement needs: actions, contents, pull_requests, issues write. */
  permissions?: Record<string, 'read' | 'write'>;
  suspended?: boolean;
}

export interface AddRepoInput {
  owner: string;
  repo: string;
  defaultBranch?: string;
  private?: boolean;
  /** Workflow files present on the default branch; `inputs` makes undeclared inputs a 422. */
  workflows?: (string | { file: string; inputs: string[] })[];
}

export interface FakeGitHub {
  /** Base URL to use as GITHUB_API_URL, e.g. http://127.0.0.1:43123 */
  readonly url: string;
  readonly violations: readonly FakeViolation[];
  readonly dispatches: readonly FakeDispatch[];
  /** Workflow runs the dispatches started, oldest first (status changes when cancelled). */
  readonly workflowRuns: readonly FakeWorkflowRun[];
  /** Answer like GitHub Enterprise Server before `return_run_details` (422 when it is sent). */
  refuseRunDetails(refuse: boolean): void;
  /** Every request answered, in order (method, path, operation, status; never credentials). */
  readonly requests: readonly FakeRequestRecord[];
  readonly tokensIssued: number;
  addInstallation(input: AddInstallationInput): void;
  addRepo(input: AddRepoInput): FakeRepo;
  /** The repository's live state (files, refs, pulls, comments), to seed or inspect. */
  repo(owner: string, repo: string): FakeRepo;
  /** The plaintext of a repository Actions secret the fake received (it opens the sealed box). */
  actionsSecret(owner: string, repo: string, name: string): string | undefined;
  /** A person's comment on a pull request (for feedback-detection tests). */
  addIssueComment(input: {
    owner: string;
    repo: string;
    issueNumber: number;
    body: string;
    user: string;
  }): void;
  /** A person opens a plain issue (GitHub Issues as a tracker), with labels; returns it. */
  addIssue(input: {
    owner: string;
    repo: string;
    title: string;
    body?: string;
    labels?: string[];
    /** "Blocked by" dependencies, as `owner/repo#n`. */
    blockedBy?: string[];
  }): FakeIssue;
  /** A person closes an issue: as completed, or as not planned. */
  closeIssue(owner: string, repo: string, number: number, reason?: 'completed' | 'not_planned'): void;
  /**
   * A check run on `sha` (CI reporting, issue 17). GitHub Actions jobs (the default app) belong to
   * workflow run `workflowRunId` (one per call unless given) and may carry a `log`.
   */
  addCheckRun(input: {
    owner: string;
    repo: string;
    sha: string;
    name: string;
    status?: FakeCheckRun['status'];
    conclusion?: string | null;
    app?: string;
    workflowRunId?: number;
    annotations?: FakeAnnotation[];
    log?: string;
  }): FakeCheckRun;
  /** A commit status (`POST /repos/{owner}/{repo}/statuses/{sha}` by some CI). */
  addStatus(input: {
    owner: string;
    repo: string;
    sha: string;
    context: string;
    state: FakeStatus['state'];
  }): void;
  /** Branch protection's required status checks of `branch`; undefined removes the protection. */
  setRequiredChecks(owner: string, repo: string, branch: string, contexts: string[] | undefined): void;
  /** The repository's CI state (check runs, statuses, re-runs), to inspect or change. */
  checks(owner: string, repo: string): FakeRepoChecks;
  /** Answers the next `count` matching requests with `status` (or drops the connection for 'network'). */
  failNext(count: number, status: number | 'network', options?: FailureOptions): void;
  assertNoViolations(): void;
  clearViolations(): void;
  close(): Promise<void>;
}

const DEFAULT_PERMISSIONS = {
  actions: 'write',
  checks: 'read',
  statuses: 'read',
  contents: 'write',
  pull_requests: 'write',
  issues: 'write',
  metadata: 'read',
} as const;

/** A stable numeric id for a login, so objects look the same across runs. */
function accountId(login: string): number {
  return parseInt(createHash('sha1').update(login.toLowerCase()).digest('hex').slice(0, 7), 16);
}

/** Starts a fake GitHub on a random loopback port. */
export async function createFakeGitHub(options: CreateFakeGitHubOptions): Promise<FakeGitHub> {
  const openapi = await loadGitHubOpenApi();
  const publicKey = appPublicKey(options);
  const violations: FakeViolation[] = [];
  const requests: FakeRequestRecord[] = [];
  const failures = createFailureQueue();
  let lastId = 1000;
  const slug = options.appSlug ?? 'ai-implement';
  const world: FakeWorld = {
    api: '',
    app: {
      id: options.appId,
      slug,
      name: 'AI-Implement',
      owner: { login: 'ai-implement-org', id: accountId('ai-implement-org'), type: 'Organization' },
      permissions: { ...DEFAULT_PERMISSIONS },
      events: [
        'check_run',
        'check_suite',
        'issue_comment',
        'pull_request',
        'pull_request_review',
        'workflow_run',
      ],
    },
    installations: new Map(),
    repos: new Map(),
    dispatches: [],
    runs: [],
    refuseRunDetails: false,
    tokens: createTokenStore(),
    checks: new Map(),
    tokenTtlMs: options.tokenTtlMs ?? 3_600_000,
    nextId: () => ++lastId,
    now: () => Date.now(),
  };

  const pipeline = { world, openapi, appId: options.appId, publicKey, failures, violations };

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let result: PipelineResult;
    try {
      result = await answerRequest(pipeline, req);
    } catch (error) {
      result = { status: 500, body: errorBody(500, `fake GitHub crashed: ${String(error)}`) };
    }
    requests.push({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      operationId: result.operationId,
      status: result.status,
    });
    if (result.status === 0) {
      req.socket.destroy();
      return;
    }
    const resetS = Math.floor(world.now() / 1000) + 3600;
    res.writeHead(result.status, STATUS_CODES[result.status], {
      'x-github-request-id': randomUUID(),
      'x-github-api-version-selected': '2022-11-28',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': String(resetS),
      'x-ratelimit-used': '1',
      'x-ratelimit-resource': 'core',
      ...(result.body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
      ...result.headers,
    });
    // A job log is plain text (served at the URL GitHub redirects to), everything else JSON.
    const text = typeof result.body === 'string' && result.headers?.['content-type']?.startsWith('text/');
    res.end(result.body === undefined ? undefined : text ? result.body : JSON.stringify(result.body));
  }

  const server = createServer((req, res) => void onRequest(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  world.api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function repo(owner: string, name: string): FakeRepo {
    const found = world.repos.get(repoKey(owner, name));
    if (!found) throw new Error(`fake GitHub has no repository ${owner}/${name}; call addRepo first`);
    return found;
  }

  return {
    url: world.api,
    violations,
    dispatches: world.dispatches,
    requests,
    get workflowRuns() {
      return world.runs;
    },
    refuseRunDetails(refuse) {
      world.refuseRunDetails = refuse;
    },
    get tokensIssued() {
      return world.tokens.issued;
    },
    addInstallation(input) {
      const account: FakeAccount = {
        login: input.account,
        id: accountId(input.account),
        type: input.accountType ?? 'Organization',
      };
      const repos = new Set(
        input.repos.map((r) => (r.includes('/') ? r : `${input.account}/${r}`).toLowerCase()),
      );
      const permissions = input.permissions ?? { ...DEFAULT_PERMISSIONS };
      world.installations.set(input.id, {
        id: input.id,
        account,
        permissions,
        suspended: input.suspended ?? false,
        repos,
      });
    },
    addRepo(input) {
      const owner: FakeAccount = { login: input.owner, id: accountId(input.owner), type: 'Organization' };
      const workflows = (input.workflows ?? []).map((w) => (typeof w === 'string' ? { file: w } : w));
      const info = {
        id: world.nextId(),
        owner,
        name: input.repo,
        defaultBranch: input.defaultBranch ?? 'main',
        private: input.private ?? true,
      };
      const created = createFakeRepo(
        info,
        workflows.map((w) => ({ ...w, id: world.nextId() })),
      );
      world.repos.set(repoKey(input.owner, input.repo), created);
      return created;
    },
    repo,
    actionsSecret: (owner, name, secret) => actionsSecretOf(world, owner, name, secret),
    addIssueComment({ owner, repo: name, issueNumber, body, user }) {
      const at = new Date(world.now()).toISOString();
      const author: FakeAccount = { login: user, id: accountId(user), type: 'User' };
      repo(owner, name).comments.push({
        id: world.nextId(),
        issueNumber,
        body,
        user: author,
        viaApp: false,
        createdAt: at,
        updatedAt: at,
      });
    },
    addIssue({ owner, repo: name, title, body, labels, blockedBy }) {
      const target = repo(owner, name);
      const at = new Date(world.now()).toISOString();
      const issue: FakeIssue = {
        id: world.nextId(),
        number: Math.max(0, ...target.pulls.map((p) => p.number), ...target.issues.map((i) => i.number)) + 1,
        title,
        body: body ?? null,
        state: 'open',
        stateReason: null,
        user: { login: 'octocat', id: accountId('octocat'), type: 'User' },
        createdAt: at,
        updatedAt: at,
        closedAt: null,
        blockedBy: (blockedBy ?? []).map((ref) => ref.toLowerCase()),
      };
      target.issues.push(issue);
      addIssueLabels(target, issue.number, labels ?? []);
      return issue;
    },
    closeIssue(owner, name, number, reason = 'completed') {
      const issue = repo(owner, name).issues.find((i) => i.number === number);
      if (!issue) throw new Error(`fake GitHub has no issue ${owner}/${name}#${number}`);
      const at = new Date(world.now()).toISOString();
      Object.assign(issue, { state: 'closed', stateReason: reason, closedAt: at, updatedAt: at });
    },
    addCheckRun(input) {
      const target = repo(input.owner, input.repo);
      const state = checksOf(world, target);
      const appSlug = input.app ?? 'github-actions';
      const sameSuite = state.runs.find(
        (run) => run.sha === input.sha && run.app === appSlug && run.workflowRunId === input.workflowRunId,
      );
      const actions = appSlug === 'github-actions';
      const run: FakeCheckRun = {
        id: world.nextId(),
        sha: input.sha,
        name: input.name,
        status: input.status ?? 'completed',
        conclusion:
          input.conclusion === undefined
            ? input.status && input.status !== 'completed'
              ? null
              : 'success'
            : input.conclusion,
        app: appSlug,
        workflowRunId: actions ? (input.workflowRunId ?? world.nextId()) : undefined,
        suiteId: sameSuite?.suiteId ?? world.nextId(),
        annotations: input.annotations ?? [],
        log: actions ? input.log : undefined,
      };
      state.runs.push(run);
      return run;
    },
    addStatus(input) {
      checksOf(world, repo(input.owner, input.repo)).statuses.push({
        id: world.nextId(),
        sha: input.sha,
        context: input.context,
        state: input.state,
        targetUrl: `https://ci.example.com/${input.owner}/${input.repo}/${input.context}`,
      });
    },
    setRequiredChecks(owner, name, branch, contexts) {
      const { required } = checksOf(world, repo(owner, name));
      if (contexts) required.set(branch, contexts);
      else required.delete(branch);
    },
    checks: (owner, name) => checksOf(world, repo(owner, name)),
    failNext(count, status, failureOptions) {
      failures.add(count, status, failureOptions);
    },
    assertNoViolations() {
      if (violations.length === 0) return;
      const lines = violations.map(
        (v) =>
          `- ${v.kind} ${v.method} ${v.path}${v.operationId ? ` (${v.operationId})` : ''}: ${v.errors.join('; ')}`,
      );
      throw new Error(
        `fake GitHub saw ${violations.length} violation(s) of its OpenAPI description:\n${lines.join('\n')}`,
      );
    },
    clearViolations() {
      violations.length = 0;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
