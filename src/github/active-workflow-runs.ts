import type { GitHubAppClient } from './github-app.ts';
import { toGitHubError } from './errors.ts';

/** A workflow run GitHub has not finished (queued or in progress). */
export interface ActiveWorkflowRun {
  runId: number;
  /** The run's title (`display_title`): the templates' `run-name` ends with the dispatch id. */
  displayTitle: string;
  status: 'queued' | 'in_progress';
  /** ISO-8601. */
  createdAt: string;
}

/** At most this many unfinished runs per workflow and status are looked at in one sweep. */
const PAGE_SIZE = 100;

/**
 * The queued and in-progress `workflow_dispatch` runs of one workflow file: two calls of
 * `GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs?status=…` (one page of 100
 * each: more unfinished runs of one workflow than that is not a state the reaper fixes).
 * Throws `IntegrationError` as the GitHub client classifies it; `not_found` when the workflow
 * file is not there (never synced).
 * GitHub: https://docs.github.com/rest/actions/workflow-runs#list-workflow-runs-for-a-workflow
 */
export async function listActiveWorkflowRuns(
  github: Pick<GitHubAppClient, 'repoOctokit'>,
  input: { owner: string; repo: string; workflowFile: string },
): Promise<ActiveWorkflowRun[]> {
  const { owner, repo, workflowFile } = input;
  const repository = `${owner}/${repo}`;
  try {
    const octokit = await github.repoOctokit(owner, repo);
    const runs: ActiveWorkflowRun[] = [];
    for (const status of ['queued', 'in_progress'] as const) {
      const { data } = await octokit.rest.actions.listWorkflowRuns({
        owner,
        repo,
        workflow_id: workflowFile,
        event: 'workflow_dispatch',
        status,
        per_page: PAGE_SIZE,
      });
      for (const run of data.workflow_runs) {
        if (run.status !== status) continue;
        runs.push({ runId: run.id, displayTitle: run.display_title, status, createdAt: run.created_at });
      }
    }
    return runs;
  } catch (error) {
    throw toGitHubError(error, {
      action: `list the unfinished runs of ${workflowFile} on ${repository}`,
      repository,
      notFound: `workflow file ${workflowFile} not found in ${repository}`,
    });
  }
}
