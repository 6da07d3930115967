import { parse as parseYaml } from 'yaml';
import type { FakeRepo, FakeWorkflow } from './fake-repo.ts';
import { nodeId, repository } from './github-objects.ts';

/**
 * Workflow runs as GitHub creates them for a `workflow_dispatch`
 * (https://docs.github.com/rest/actions/workflow-runs): one per accepted dispatch, titled by the
 * workflow's `run-name` (GitHub's `display_title`), or by its `name` when it has none.
 */

export interface FakeWorkflowRun {
  id: number;
  workflowId: number;
  /** `owner/repo`, lower case. */
  repoKey: string;
  file: string;
  displayTitle: string;
  headBranch: string;
  headSha: string;
  runNumber: number;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  createdAt: string;
}

/**
 * Evaluates the `run-name` expressions the templates use: `${{ inputs.NAME }}` and
 * `${{ fromJSON(inputs.payload).KEY }}`; any other expression becomes empty text, as an
 * undefined property does on GitHub.
 */
export function evaluateRunName(template: string, inputs: Record<string, unknown>): string {
  return template.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_match, expression: string) => {
    const input = /^inputs\.([\w-]+)$/.exec(expression);
    if (input) return String(inputs[input[1]!] ?? '');
    const fromJson = /^fromJSON\(inputs\.([\w-]+)\)\.([\w-]+)$/.exec(expression);
    if (fromJson) {
      try {
        const parsed = JSON.parse(String(inputs[fromJson[1]!] ?? '')) as Record<string, unknown>;
        return String(parsed[fromJson[2]!] ?? '');
      } catch {
        return '';
      }
    }
    return '';
  });
}

/** The run's title: the workflow file's `run-name` evaluated, else its `name`, else the file name. */
export function displayTitle(
  text: string | undefined,
  file: string,
  inputs: Record<string, unknown>,
): string {
  const doc = parseWorkflow(text);
  const runName = doc?.['run-name'];
  if (typeof runName === 'string') return evaluateRunName(runName, inputs);
  return typeof doc?.name === 'string' ? doc.name : file;
}

function parseWorkflow(text: string | undefined): { name?: unknown; 'run-name'?: unknown } | undefined {
  if (!text) return undefined;
  try {
    const doc: unknown = parseYaml(text);
    return doc && typeof doc === 'object' ? (doc as { name?: unknown; 'run-name'?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}

/** The `workflow-run` object GitHub's list-workflow-runs endpoint returns. */
export function workflowRunObject(api: string, repo: FakeRepo, workflow: FakeWorkflow, run: FakeWorkflowRun) {
  const full = `${repo.owner.login}/${repo.name}`;
  const url = `${api}/repos/${full}/actions/runs/${run.id}`;
  return {
    id: run.id,
    name: workflow.file,
    node_id: nodeId('WFR', run.id),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: `.github/workflows/${workflow.file}`,
    run_number: run.runNumber,
    event: 'workflow_dispatch',
    display_title: run.displayTitle,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: workflow.id,
    url,
    html_url: `https://github.com/${full}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: run.createdAt,
    updated_at: run.createdAt,
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: `${api}/repos/${full}/check-suites/${run.id}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    workflow_url: `${api}/repos/${full}/actions/workflows/${workflow.id}`,
    head_commit: null,
    repository: repository(api, repo),
    head_repository: repository(api, repo),
  };
}

/**
 * GitHub's `created` filter: `>=ISO`, `<=ISO`, `>ISO`, `<ISO`, or `A..B` (date or date-time).
 * https://docs.github.com/search-github/getting-started-with-searching-on-github/understanding-the-search-syntax#query-for-dates
 */
export function matchesCreated(filter: string | undefined, createdAt: string): boolean {
  if (!filter) return true;
  const at = Date.parse(createdAt);
  const range = /^(.+)\.\.(.+)$/.exec(filter);
  if (range) return at >= Date.parse(range[1]!) && at <= Date.parse(range[2]!);
  const op = /^(>=|<=|>|<)?(.+)$/.exec(filter);
  const bound = Date.parse(op?.[2] ?? '');
  if (Number.isNaN(bound)) return true;
  switch (op?.[1]) {
    case '>=':
      return at >= bound;
    case '<=':
      return at <= bound;
    case '>':
      return at > bound;
    case '<':
      return at < bound;
    default:
      return new Date(at).toISOString().slice(0, 10) === new Date(bound).toISOString().slice(0, 10);
  }
}
