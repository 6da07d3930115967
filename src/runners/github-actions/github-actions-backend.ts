import { IntegrationError } from '../../domain/errors.ts';
import type { GitHubAppClient } from '../../github/github-app.ts';
import type { DispatchReceipt, DispatchRequest, ExecutionBackend } from '../types.ts';

/**
 * Execution mode `github-actions`: a run is a `workflow_dispatch` of the mapping's workflow in
 * the target repository (CONTRACTS.md §3), on the mapping's default branch, with inputs
 * `issue_id`, `issue_identifier` and `payload` (the DispatchPayload as a JSON string).
 */

/** CONTRACTS.md §3: `payload` is at most 60 000 characters (GitHub caps all inputs at 65 535). */
const MAX_PAYLOAD_CHARS = 60_000;

/**
 * Creates the backend over the GitHub App client (only `dispatchWorkflow` is used). `dispatch`
 * resolves with an empty receipt once GitHub accepted the dispatch (204; GitHub does not name
 * the run it will start). Throws `IntegrationError`:
 * `invalid` when the serialized payload exceeds 60 000 characters (the caller trims the
 * description first), otherwise whatever `dispatchWorkflow` throws — `not_found` "workflow file
 * not found in owner/repo — run Sync workflows first", `auth`, `rate_limited`, `transient`.
 * GitHub: https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event
 */
export function createGitHubActionsBackend(
  github: Pick<GitHubAppClient, 'dispatchWorkflow'>,
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
    await github.dispatchWorkflow({
      owner: mapping.owner,
      repo: mapping.repo,
      workflowFile,
      ref: mapping.defaultBranch,
      inputs: { issue_id: payload.issue.id, issue_identifier: payload.issue.identifier, payload: serialized },
    });
    return {};
  }

  return { mode: 'github-actions', dispatch };
}
