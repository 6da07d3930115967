import {
  checkRunObject,
  checkSuiteObject,
  emptyChecks,
  latestRuns,
  type FakeRepoChecks,
} from './fake-checks.ts';
import type { FakeRepo } from './fake-repo.ts';
import { EPOCH, errorBody, nodeId, repository } from './github-objects.ts';
import {
  notFound,
  repoKey,
  visibleRepo,
  type FakeWorld,
  type RouteContext,
  type RouteHandler,
} from './fake-world.ts';

/**
 * The CI routes (issue 17): check runs and suites of a ref, the combined status, annotations,
 * job logs (a 302 to a log URL, as GitHub answers), re-running a workflow run's failed jobs, and
 * the required checks of a protected branch.
 */

/** Where the fake serves a job's log; GitHub redirects to blob storage instead. */
export const JOB_LOG_PATH = '/_fake/job-logs/';

export function checksOf(world: FakeWorld, repo: FakeRepo): FakeRepoChecks {
  const key = repoKey(repo.owner.login, repo.name);
  let found = world.checks.get(key);
  if (!found) {
    found = emptyChecks();
    world.checks.set(key, found);
  }
  return found;
}

/** The commit sha a `{ref}` path parameter names (a sha, a branch or a tag). */
function shaOf(repo: FakeRepo, ref: string): string {
  return repo.resolve(ref)?.sha ?? ref;
}

function branchOf(repo: FakeRepo, sha: string): string | null {
  for (const [ref, target] of repo.refs)
    if (target === sha && ref.startsWith('refs/heads/')) return ref.slice(11);
  return null;
}

function page<T>(context: RouteContext, items: T[]): T[] {
  const perPage = Math.min(100, Number(context.query.per_page ?? 30));
  const at = Math.max(1, Number(context.query.page ?? 1));
  return items.slice((at - 1) * perPage, at * perPage);
}

function listForRef(context: RouteContext) {
  const repo = visibleRepo(context);
  if (!repo) return notFound();
  const sha = shaOf(repo, context.params.ref ?? '');
  const all = checksOf(context.world, repo).runs.filter((run) => run.sha === sha);
  const runs = context.query.filter === 'all' ? [...all].reverse() : latestRuns(all);
  return {
    status: 200,
    body: {
      total_count: runs.length,
      check_runs: page(context, runs).map((run) => checkRunObject(context.world.api, repo, run, [])),
    },
  };
}

function listSuitesForRef(context: RouteContext) {
  const repo = visibleRepo(context);
  if (!repo) return notFound();
  const sha = shaOf(repo, context.params.ref ?? '');
  const runs = checksOf(context.world, repo).runs.filter((run) => run.sha === sha);
  const suiteIds = [...new Set(runs.map((run) => run.suiteId))];
  const suites = suiteIds.map((id) => {
    const own = runs.filter((run) => run.suiteId === id);
    return {
      id,
      sha,
      app: own[0]?.app ?? 'github-actions',
      runs: latestRuns(own),
      branch: branchOf(repo, sha),
    };
  });
  return {
    status: 200,
    body: {
      total_count: suites.length,
      check_suites: page(context, suites).map((suite) =>
        checkSuiteObject(context.world.api, repo, suite, []),
      ),
    },
  };
}

/** Latest status per context; the combined state is failure > pending > success, as GitHub's. */
function combinedStatus(context: RouteContext) {
  const repo = visibleRepo(context);
  if (!repo) return notFound();
  const sha = shaOf(repo, context.params.ref ?? '');
  const latest = new Map<string, FakeRepoChecks['statuses'][number]>();
  for (const status of checksOf(context.world, repo).statuses.filter((s) => s.sha === sha)) {
    latest.set(status.context, status);
  }
  const statuses = [...latest.values()];
  const state = statuses.some((s) => s.state === 'failure' || s.state === 'error')
    ? 'failure'
    : statuses.some((s) => s.state === 'pending') || statuses.length === 0
      ? 'pending'
      : 'success';
  const api = context.world.api;
  const full = `${repo.owner.login}/${repo.name}`;
  return {
    status: 200,
    body: {
      state,
      sha,
      total_count: statuses.length,
      statuses: page(context, statuses).map((s) => ({
        url: `${api}/repos/${full}/statuses/${sha}`,
        avatar_url: null,
        id: s.id,
        node_id: nodeId('SC', s.id),
        state: s.state,
        description: null,
        target_url: s.targetUrl,
        context: s.context,
        created_at: EPOCH,
        updated_at: EPOCH,
      })),
      repository: repository(api, repo),
      commit_url: `${api}/repos/${full}/commits/${sha}`,
      url: `${api}/repos/${full}/commits/${sha}/status`,
    },
  };
}

function listAnnotations(context: RouteContext) {
  const repo = visibleRepo(context);
  const run =
    repo && checksOf(context.world, repo).runs.find((r) => String(r.id) === context.params.check_run_id);
  if (!repo || !run) return notFound();
  const full = `${repo.owner.login}/${repo.name}`;
  return {
    status: 200,
    body: page(context, run.annotations).map((a) => ({
      path: a.path,
      blob_href: `https://github.com/${full}/blob/${run.sha}/${a.path}`,
      start_line: a.line,
      end_line: a.line,
      start_column: null,
      end_column: null,
      annotation_level: a.level,
      title: null,
      message: a.message,
      raw_details: null,
    })),
  };
}

/** 302 to the log's URL, as GitHub answers (https://docs.github.com/rest/actions/workflow-jobs). */
function downloadJobLog(context: RouteContext) {
  const repo = visibleRepo(context);
  const run = repo && checksOf(context.world, repo).runs.find((r) => String(r.id) === context.params.job_id);
  if (!repo || !run || run.app !== 'github-actions' || run.log === undefined) return notFound();
  const location = `${context.world.api}${JOB_LOG_PATH}${repoKey(repo.owner.login, repo.name)}/${run.id}`;
  return { status: 302, headers: { location } };
}

/** The text a JOB_LOG_PATH URL serves, or undefined. */
export function jobLogText(world: FakeWorld, path: string): string | undefined {
  const rest = path.slice(JOB_LOG_PATH.length);
  const cut = rest.lastIndexOf('/');
  const checks = world.checks.get(decodeURIComponent(rest.slice(0, cut)));
  return checks?.runs.find((run) => String(run.id) === rest.slice(cut + 1))?.log;
}

/**
 * Queues a new run of every failed latest job of the workflow run, in the same suite (what
 * GitHub does); 403 when none failed ("no failed jobs"), 404 for an unknown run.
 */
function rerunFailedJobs(context: RouteContext) {
  const repo = visibleRepo(context);
  if (!repo) return notFound();
  const checks = checksOf(context.world, repo);
  const runId = Number(context.params.run_id);
  const jobs = checks.runs.filter((run) => run.workflowRunId === runId);
  if (jobs.length === 0) return notFound();
  const failed = latestRuns(jobs).filter(
    (run) => run.status === 'completed' && run.conclusion !== 'success' && run.conclusion !== 'skipped',
  );
  if (failed.length === 0) {
    return { status: 403, body: errorBody(403, 'This workflow run has no failed jobs to re-run.') };
  }
  for (const job of failed) {
    checks.runs.push({
      ...job,
      id: context.world.nextId(),
      status: 'queued',
      conclusion: null,
      annotations: [],
    });
  }
  checks.reruns.push(runId);
  return { status: 201, body: {} };
}

function requiredStatusChecks(context: RouteContext) {
  const repo = visibleRepo(context);
  if (!repo) return notFound();
  const branch = context.params.branch ?? '';
  const contexts = checksOf(context.world, repo).required.get(branch);
  if (!contexts) return { status: 404, body: errorBody(404, 'Branch not protected') };
  const url = `${context.world.api}/repos/${repo.owner.login}/${repo.name}/branches/${branch}/protection/required_status_checks`;
  return {
    status: 200,
    body: {
      url,
      strict: false,
      contexts,
      contexts_url: `${url}/contexts`,
      checks: contexts.map((name) => ({ context: name, app_id: null })),
    },
  };
}

export const CHECK_ROUTES: Record<string, RouteHandler> = {
  'checks/list-for-ref': listForRef,
  'checks/list-suites-for-ref': listSuitesForRef,
  'repos/get-combined-status-for-ref': combinedStatus,
  'checks/list-annotations': listAnnotations,
  'actions/download-job-logs-for-workflow-run': downloadJobLog,
  'actions/re-run-workflow-failed-jobs': rerunFailedJobs,
  'repos/get-status-checks-protection': requiredStatusChecks,
};
