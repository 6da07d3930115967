import { IntegrationError } from '../../domain/errors.ts';
import type { GitHubAppClient } from '../../github/github-app.ts';
import type { Mapping } from '../../domain/mapping.ts';
import type {
  DispatchReceipt,
  DispatchRequest,
  ExecutionBackend,
  FoundRun,
  RunLookupQuery,
} from '../types.ts';

/**
 * Execution mode `github-actions`: a run is a `workflow_dispatch` of the mapping's workflow in
 * the target repository (CONTRACTS.md §3), on the mapping's default branch, with inputs
 * `issue_id`, `issue_identifier` and `payload` (the DispatchPayload as a JSON string).
 */

/** CONTRACTS.md §3: `payload` is at most 60 000 characters (GitHub caps all inputs at 65 535). */
const MAX_PAYLOAD_CHARS = 60_000;

/**
 * Creates the backend over the GitHub App client. `dispatch` resolves once GitHub accepted the
 * dispatch, with the run id as `externalId` when GitHub returned it (`return_run_details`), an
 * empty receipt otherwise (GHES); `findRun` lists the workflow's dispatch runs to find one by
 * its dispatch id, `cancel` cancels a run by id. `dispatch` throws `IntegrationError`:
 * `invalid` when the serialized payload exceeds 60 000 characters (the caller trims the
 * description first), otherwise whatever `dispatchWorkflow` throws — `not_found` "workflow file
 * not found in owner/repo — run Sync workflows first", `auth`, `rate_limited`, `transient`.
 * GitHub: https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event
 */
export function createGitHubActionsBackend(
  github: Pick<GitHubAppClient, 'dispatchWorkflow' | 'findWorkflowRun' | 'cancelWorkflowRun'>,
): ExecutionBackend {
  async function dispatch(request: DispatchRequest): Promise<DispatchReceipt> {
    const { mapping, workflowFile, payload } = request;
    const serialized = JSON.stringify(payload);
    if (serialized.length > MAX_PAYLOAD_CHARS) {
      throw new IntegrationError(
        'github',
        'invalid',
        `dispatch payload for ${payload.issue.identifier} is ${serialized.length} characters; ` +
          `the limit is ${MAX_PAYLOAD_CHARS} (CONTRACTS §3) — the description must be cut before dispatch`,
      );
    }
    const run = await github.dispatchWorkflow({
      owner: mapping.owner,
      repo: mapping.repo,
      workflowFile,
      ref: mapping.defaultBranch,
      inputs: { issue_id: payload.issue.id, issue_identifier: payload.issue.identifier, payload: serialized },
    });
    return run.runId === undefined ? {} : { externalId: String(run.runId) };
  }

  /** The templates' `run-name` ends with the dispatch id, so the run is found by its title. */
  async function findRun(query: RunLookupQuery): Promise<FoundRun> {
    const run = await github.findWorkflowRun({
      owner: query.mapping.owner,
      repo: query.mapping.repo,
      workflowFile: query.workflowFile,
      createdSince: query.since,
      titleContains: query.dispatchId,
    });
    return run ? { kind: 'found', externalId: String(run.runId) } : { kind: 'absent' };
  }

  async function cancel(run: { mapping: Mapping; externalId: string }): Promise<void> {
    const runId = Number(run.externalId);
    if (!Number.isSafeInteger(runId)) return;
    await github.cancelWorkflowRun({ owner: run.mapping.owner, repo: run.mapping.repo, runId });
  }

  return { mode: 'github-actions', dispatch, findRun, cancel };
}
