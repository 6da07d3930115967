import { findWorkflow } from './fake-repo.ts';
import { EPOCH, fullRepository, nodeId } from './github-objects.ts';
import { notFound, unprocessable, visibleRepo, type RouteContext, type RouteHandler } from './fake-world.ts';

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
  context.world.dispatches.push({
    owner: repo.owner.login,
    repo: repo.name,
    workflow: workflowId,
    ref: body.ref,
    inputs,
  });
  if (!body.return_run_details) return { status: 204 };
  const runId = context.world.nextId();
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

export const ACTIONS_ROUTES: Record<string, RouteHandler> = {
  'repos/get': getRepo,
  'actions/get-workflow': getWorkflow,
  'actions/create-workflow-dispatch': createWorkflowDispatch,
};
