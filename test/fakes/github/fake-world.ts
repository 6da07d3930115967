import type { FakeInstallationToken, TokenStore } from './fake-auth.ts';
import type { FakeRepoChecks } from './fake-checks.ts';
import type { FakeRepo } from './fake-repo.ts';
import type { FakeWorkflowRun } from './workflow-runs.ts';
import { errorBody, type FakeAppInfo, type FakeInstallationInfo } from './github-objects.ts';

/** The fake's whole state and the shapes its route handlers share. */

export interface FakeInstallation extends FakeInstallationInfo {
  /** `owner/repo`, lower case: the repositories the app is installed on. */
  repos: Set<string>;
}

/** One accepted `workflow_dispatch`, as the fake recorded it. */
export interface FakeDispatch {
  owner: string;
  repo: string;
  /** The workflow file name (or id) from the URL. */
  workflow: string;
  ref: string;
  inputs: Record<string, unknown>;
}

export interface FakeWorld {
  /** The fake's base URL, e.g. http://127.0.0.1:43123 */
  api: string;
  app: FakeAppInfo;
  installations: Map<number, FakeInstallation>;
  /** `owner/repo` (lower case) → repository. */
  repos: Map<string, FakeRepo>;
  dispatches: FakeDispatch[];
  /** One run per accepted dispatch, oldest first. */
  runs: FakeWorkflowRun[];
  /** Emulates GitHub Enterprise Server before `return_run_details`: a body with it is a 422. */
  refuseRunDetails: boolean;
  tokens: TokenStore;
  tokenTtlMs: number;
  /** `owner/repo` (lower case) → CI results of its commits (fake-checks.ts). */
  checks: Map<string, FakeRepoChecks>;
  /** A fresh id for repos, pulls, comments, labels, workflow runs. */
  nextId(): number;
  now(): number;
}

export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteContext {
  world: FakeWorld;
  params: Record<string, string>;
  query: Record<string, string>;
  /** The parsed JSON body; already validated against the operation's schema. */
  body: Record<string, unknown> | undefined;
  /** The installation token the request carried (repository routes only). */
  token: FakeInstallationToken | undefined;
}

export type RouteHandler = (context: RouteContext) => FakeResponse;

export function notFound(): FakeResponse {
  return { status: 404, body: errorBody(404, 'Not Found') };
}

/** GitHub's 422: "Validation Failed" with field errors, or a plain message. */
export function unprocessable(message: string, errors?: Record<string, unknown>[]): FakeResponse {
  return { status: 422, body: errorBody(422, message, errors) };
}

export function repoKey(owner: string, repo: string): string {
  return `${owner}/${repo}`.toLowerCase();
}

/** The installation whose repos include owner/repo, if any. */
export function installationFor(world: FakeWorld, owner: string, repo: string): FakeInstallation | undefined {
  const key = repoKey(owner, repo);
  return [...world.installations.values()].find((inst) => inst.repos.has(key));
}

/**
 * The repository a token-authenticated request addresses. GitHub answers 404 — not 403 — for a
 * repository the token cannot see, so the two cases look the same to the client.
 */
export function visibleRepo(context: RouteContext): FakeRepo | undefined {
  const { owner = '', repo = '' } = context.params;
  const key = repoKey(owner, repo);
  if (!context.token?.repos.has(key)) return undefined;
  return context.world.repos.get(key);
}

/** Permission each repository operation needs, as GitHub documents per endpoint. */
const REQUIRED_PERMISSIONS: Record<string, [string, 'read' | 'write']> = {
  'repos/get': ['metadata', 'read'],
  'actions/create-workflow-dispatch': ['actions', 'write'],
  'actions/get-workflow': ['actions', 'read'],
  'repos/get-content': ['contents', 'read'],
  'repos/create-or-update-file-contents': ['contents', 'write'],
  'git/get-ref': ['contents', 'read'],
  'git/create-ref': ['contents', 'write'],
  'git/update-ref': ['contents', 'write'],
  'pulls/list': ['pull_requests', 'read'],
  'pulls/create': ['pull_requests', 'write'],
  'pulls/get': ['pull_requests', 'read'],
  'pulls/update': ['pull_requests', 'write'],
  'issues/list-comments': ['issues', 'read'],
  'issues/create-comment': ['issues', 'write'],
  'issues/update-comment': ['issues', 'write'],
  'issues/add-labels': ['issues', 'write'],
  'issues/get': ['issues', 'read'],
  'issues/update': ['issues', 'write'],
  'issues/remove-label': ['issues', 'write'],
  'issues/create-label': ['issues', 'write'],
  'issues/list-dependencies-blocked-by': ['issues', 'read'],
  'checks/list-for-ref': ['checks', 'read'],
  'checks/list-suites-for-ref': ['checks', 'read'],
  'checks/list-annotations': ['checks', 'read'],
  'repos/get-combined-status-for-ref': ['statuses', 'read'],
  'actions/download-job-logs-for-workflow-run': ['actions', 'read'],
  'actions/re-run-workflow-failed-jobs': ['actions', 'write'],
  'repos/get-status-checks-protection': ['administration', 'read'],
  'actions/get-repo-public-key': ['secrets', 'read'],
  'actions/create-or-update-repo-secret': ['secrets', 'write'],
};

/** 403 "Resource not accessible by integration" when the installation lacks the permission. */
export function permissionDenied(
  world: FakeWorld,
  operationId: string,
  token: FakeInstallationToken,
): FakeResponse | undefined {
  const needed = REQUIRED_PERMISSIONS[operationId];
  if (!needed) return undefined;
  const [name, level] = needed;
  const granted = world.installations.get(token.installationId)?.permissions[name];
  if (granted === 'write' || granted === level || name === 'metadata') return undefined;
  return { status: 403, body: errorBody(403, 'Resource not accessible by integration') };
}
