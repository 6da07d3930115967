import { findWorkflow } from './fake-repo.ts';
import { EPOCH, errorBody, fullRepository, nodeId } from './github-objects.ts';
import {
  notFound,
  repoKey,
  unprocessable,
  visibleRepo,
  type RouteContext,
  type RouteHandler,
} from './fake-world.ts';
import { displayTitle, matchesCreated, workflowRunObject } from './workflow-runs.ts';

/**
 * `GET /repos/{owner}/{repo}` and the Actions workflow routes
 * (https://docs.github.com/rest/actions/workflows).
 */

/**
 * GitHub caps the `inputs` of one dispatch at 65,535 characters in total
 * (https://docs.github.com/actions/reference/workflows-and-actions/events-that-trigger-workflows#workflow_dispatch);
 * CONTRACTS §3 keeps `payload` under 60 000 to leave room for the other inputs.
 */
const MAX_INPUTS_CHARS = 65_535;

function getRepo(context: RouteContext) {
  const repo = visibleRepo(context);
  if (!repo) return notFound();
  return { status: 200, body: fullRepository(context.world.api, repo) };
}

function getWorkflow(context: RouteContext) {
  const repo = visibleRepo(context);
  const workflow = repo && findWorkflow(repo, context.params.workflow_id ?? '');
  if (!repo || !workflow) return notFound();
  const full = `${repo.owner.login}/${repo.name}`;
  return {
    status: 200,
    body: {
      id: workflow.id,
      node_id: nodeId('W', workflow.id),
      name: workflow.file,
      path: `.github/workflows/${workflow.file}`,
      state: 'active',
      created_at: EPOCH,
      updated_at: EPOCH,
      url: `${context.world.api}/repos/${full}/actions/workflows/${workflow.id}`,
      html_url: `https://github.com/${full}/blob/${repo.defaultBranch}/.github/workflows/${workflow.file}`,
      badge_url: `https://github.com/${full}/workflows/${encodeURIComponent(workflow.file)}/badge.svg`,
    },
  };
}

/**
 * Records a `workflow_dispatch` the way GitHub accepts one: the workflow must exist (404
 * otherwise), the ref must resolve and hold the workflow file, and declared inputs must match.
 */
function createWorkflowDispatch(context: RouteContext) {
  const repo = visibleRepo(context);
  const workflowId = context.params.workflow_id ?? '';
  const workflow = repo && findWorkflow(repo, workflowId);
  if (!repo || !workflow) return notFound();
  const body = context.body as {
    ref: string;
    inputs?: Record<string, unknown>;
    return_run_details?: boolean;
  };
  const commit = repo.resolve(body.ref);
  if (!commit) return unprocessable(`No ref found for: ${body.ref}`);
  if (!commit.files.has(`.github/workflows/${workflow.file}`)) {
    return unprocessable("Workflow does not have 'workflow_dispatch' trigger");
  }
  const inputs = body.inputs ?? {};
  if (workflow.inputs) {
    const unexpected = Object.keys(inputs).filter((name) => !workflow.inputs?.includes(name));
    if (unexpected.length > 0)
      return unprocessable(`Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
  }
  if (JSON.stringify(inputs).length > MAX_INPUTS_CHARS) {
    return unprocessable(`inputs are too large: the maximum is ${MAX_INPUTS_CHARS} characters`);
  }
  if (body.return_run_details !== undefined && context.world.refuseRunDetails) {
    // GitHub Enterprise Server before `return_run_details`: the body is refused, nothing runs.
    return unprocessable('Invalid request.\n\n"return_run_details" is not a permitted key.');
  }
  context.world.dispatches.push({
    owner: repo.owner.login,
    repo: repo.name,
    workflow: workflowId,
    ref: body.ref,
    inputs,
  });
  const runId = context.world.nextId();
  const sameWorkflow = context.world.runs.filter((run) => run.workflowId === workflow.id);
  context.world.runs.push({
    id: runId,
    workflowId: workflow.id,
    repoKey: repoKey(repo.owner.login, repo.name),
    file: workflow.file,
    displayTitle: displayTitle(commit.files.get(`.github/workflows/${workflow.file}`), workflow.file, inputs),
    headBranch: body.ref.replace(/^refs\/heads\//, ''),
    headSha: commit.sha,
    runNumber: sameWorkflow.length + 1,
    status: 'queued',
    conclusion: null,
    createdAt: new Date(context.world.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  });
  if (!body.return_run_details) return { status: 204 };
  const full = `${repo.owner.login}/${repo.name}`;
  return {
    status: 200,
    body: {
      workflow_run_id: runId,
      run_url: `${context.world.api}/repos/${full}/actions/runs/${runId}`,
      html_url: `https://github.com/${full}/actions/runs/${runId}`,
    },
  };
}

/**
 * Runs of one workflow, newest first, with the `event`, `status` (a run status such as
 * `in_progress`, or a conclusion such as `cancelled`), `created` and paging filters the product uses.
 */
function listWorkflowRuns(context: RouteContext) {
  const repo = visibleRepo(context);
  const workflow = repo && findWorkflow(repo, context.params.workflow_id ?? '');
  if (!repo || !workflow) return notFound();
  const { event, created, status } = context.query;
  const perPage = Math.min(100, Number(context.query.per_page ?? 30));
  const page = Math.max(1, Number(context.query.page ?? 1));
  const matching = context.world.runs
    .filter((run) => run.workflowId === workflow.id && run.repoKey === repoKey(repo.owner.login, repo.name))
    .filter(() => (event ? event === 'workflow_dispatch' : true))
    .filter((run) => matchesCreated(created, run.createdAt))
    .filter((run) => !status || run.status === status || run.conclusion === status)
    .reverse();
  return {
    status: 200,
    body: {
      total_count: matching.length,
      workflow_runs: matching
        .slice((page - 1) * perPage, page * perPage)
        .map((run) => workflowRunObject(context.world.api, repo, workflow, run)),
    },
  };
}

/** 202 for a run not completed yet (it is marked cancelled); 409 for one already completed. */
function cancelWorkflowRun(context: RouteContext) {
  const repo = visibleRepo(context);
  if (!repo) return notFound();
  const run = context.world.runs.find(
    (candidate) =>
      String(candidate.id) === context.params.run_id &&
      candidate.repoKey === repoKey(repo.owner.login, repo.name),
  );
  if (!run) return notFound();
  if (run.status === 'completed') {
    return { status: 409, body: errorBody(409, 'Cannot cancel a workflow run that is completed.') };
  }
  run.status = 'completed';
  run.conclusion = 'cancelled';
  return { status: 202, body: {} };
}

export const ACTIONS_ROUTES: Record<string, RouteHandler> = {
  'repos/get': getRepo,
  'actions/get-workflow': getWorkflow,
  'actions/create-workflow-dispatch': createWorkflowDispatch,
  'actions/list-workflow-runs': listWorkflowRuns,
  'actions/cancel-workflow-run': cancelWorkflowRun,
};
