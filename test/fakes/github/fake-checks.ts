import {
  EPOCH,
  nodeId,
  repository,
  simpleUser,
  type FakeAccount,
  type JsonObject,
} from './github-objects.ts';
import type { FakeRepo } from './fake-repo.ts';

/**
 * CI results on a repository's commits, as GitHub keeps them (issue 17): check runs grouped in
 * check suites (https://docs.github.com/rest/checks), commit statuses
 * (https://docs.github.com/rest/commits/statuses), the base branch's required checks, and the
 * logs of GitHub Actions jobs. Tests seed and complete them; the product reads them and asks for
 * failed jobs to be re-run.
 */

export interface FakeAnnotation {
  path: string;
  line: number;
  level: 'notice' | 'warning' | 'failure';
  message: string;
}

export interface FakeCheckRun {
  /** Also the GitHub Actions job id, as on GitHub. */
  id: number;
  sha: string;
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  /** The app that created it; `github-actions` runs belong to `workflowRunId`. */
  app: 'github-actions' | string;
  workflowRunId: number | undefined;
  suiteId: number;
  annotations: FakeAnnotation[];
  /** The job's log (Actions only): what `GET …/actions/jobs/{id}/logs` redirects to. */
  log: string | undefined;
}

export interface FakeStatus {
  id: number;
  sha: string;
  context: string;
  state: 'pending' | 'success' | 'failure' | 'error';
  targetUrl: string | null;
}

export interface FakeRepoChecks {
  runs: FakeCheckRun[];
  statuses: FakeStatus[];
  /** Branch → required status check contexts (branch protection); absent: not protected. */
  required: Map<string, string[]>;
  /** Workflow run ids whose failed jobs were re-run, in order. */
  reruns: number[];
}

export function emptyChecks(): FakeRepoChecks {
  return { runs: [], statuses: [], required: new Map(), reruns: [] };
}

const APPS: Record<string, FakeAccount & { name: string }> = {
  'github-actions': { login: 'github', id: 9_919, type: 'Organization', name: 'GitHub Actions' },
};

function app(api: string, slug: string): JsonObject {
  const known = APPS[slug] ?? { login: slug, id: 77_000, type: 'Organization' as const, name: slug };
  return {
    id: slug === 'github-actions' ? 15_368 : 77_001,
    slug,
    node_id: nodeId('A', slug === 'github-actions' ? 15_368 : 77_001),
    owner: simpleUser(api, known),
    name: known.name,
    description: null,
    external_url: `https://github.com/apps/${slug}`,
    html_url: `https://github.com/apps/${slug}`,
    created_at: EPOCH,
    updated_at: EPOCH,
    permissions: { checks: 'write', metadata: 'read' },
    events: [],
  };
}

function detailsUrl(repo: FakeRepo, run: FakeCheckRun): string {
  const full = `${repo.owner.login}/${repo.name}`;
  return run.workflowRunId
    ? `https://github.com/${full}/actions/runs/${run.workflowRunId}/job/${run.id}`
    : `https://ci.example.com/${full}/${run.id}`;
}

/** `check-run` (https://docs.github.com/rest/checks/runs#get-a-check-run). */
export function checkRunObject(
  api: string,
  repo: FakeRepo,
  run: FakeCheckRun,
  pulls: JsonObject[],
): JsonObject {
  const url = `${api}/repos/${repo.owner.login}/${repo.name}/check-runs/${run.id}`;
  return {
    id: run.id,
    node_id: nodeId('CR', run.id),
    head_sha: run.sha,
    external_id: String(run.id),
    url,
    html_url: detailsUrl(repo, run),
    details_url: detailsUrl(repo, run),
    status: run.status,
    conclusion: run.conclusion,
    started_at: EPOCH,
    completed_at: run.status === 'completed' ? EPOCH : null,
    output: {
      title: run.conclusion ?? null,
      summary: null,
      text: null,
      annotations_count: run.annotations.length,
      annotations_url: `${url}/annotations`,
    },
    name: run.name,
    check_suite: { id: run.suiteId },
    app: app(api, run.app),
    pull_requests: pulls,
  };
}

/** `check-suite`: one per app and commit, its status the worst of its runs'. */
export function checkSuiteObject(
  api: string,
  repo: FakeRepo,
  suite: { id: number; sha: string; app: string; runs: FakeCheckRun[]; branch: string | null },
  pulls: JsonObject[],
): JsonObject {
  const done = suite.runs.every((run) => run.status === 'completed');
  const full = `${repo.owner.login}/${repo.name}`;
  const failed = suite.runs.find(
    (run) => run.conclusion && run.conclusion !== 'success' && run.conclusion !== 'skipped',
  );
  return {
    id: suite.id,
    node_id: nodeId('CS', suite.id),
    head_branch: suite.branch,
    head_sha: suite.sha,
    status: done ? 'completed' : 'in_progress',
    conclusion: done ? (failed?.conclusion ?? 'success') : null,
    url: `${api}/repos/${full}/check-suites/${suite.id}`,
    before: null,
    after: suite.sha,
    pull_requests: pulls,
    app: app(api, suite.app),
    repository: repository(api, repo),
    created_at: EPOCH,
    updated_at: EPOCH,
    head_commit: {
      id: suite.sha,
      tree_id: suite.sha,
      message: repo.commits.get(suite.sha)?.message ?? 'commit',
      timestamp: EPOCH,
      author: { name: 'AI-Implement', email: 'ai-implement@example.com' },
      committer: { name: 'AI-Implement', email: 'ai-implement@example.com' },
    },
    latest_check_runs_count: suite.runs.length,
    check_runs_url: `${api}/repos/${full}/check-suites/${suite.id}/check-runs`,
  };
}

/** The latest run per name (`filter=latest`, GitHub's default), newest first. */
export function latestRuns(runs: FakeCheckRun[]): FakeCheckRun[] {
  const byName = new Map<string, FakeCheckRun>();
  for (const run of runs) {
    const seen = byName.get(run.name);
    if (!seen || seen.id < run.id) byName.set(run.name, run);
  }
  return [...byName.values()].sort((a, b) => b.id - a.id);
}
