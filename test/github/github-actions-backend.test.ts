import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IntegrationError } from '../../src/domain/errors.ts';
import { MappingInputSchema } from '../../src/domain/mapping.ts';
import { createGitHubActionsBackend } from '../../src/runners/github-actions/github-actions-backend.ts';
import type { DispatchPayload, DispatchRequest } from '../../src/runners/types.ts';
import { startGitHubTestBed, type GitHubTestBed } from './github-test-setup.ts';

/** CONTRACTS §3: `payload` is at most 60 000 characters. */
const MAX_PAYLOAD_CHARS = 60_000;

const mapping = MappingInputSchema.parse({
  teamKey: 'ENG',
  owner: 'acme',
  repo: 'api',
  defaultBranch: 'main',
});

function payload(description = 'Add a health endpoint.'): DispatchPayload {
  return {
    version: 1,
    dispatchId: 'd-1',
    phase: 'implementation',
    issue: {
      id: 'issue-uuid-1',
      identifier: 'ENG-123',
      title: 'Health endpoint',
      description,
      url: 'https://linear.app/acme/issue/ENG-123',
      provider: 'linear',
    },
    caps: { maxTurns: 50 },
    provider: { name: 'anthropic' },
  };
}

function request(body: DispatchPayload, workflowFile = mapping.workflowFile): DispatchRequest {
  return { mapping, phase: body.phase, workflowFile, payload: body };
}

describe('GitHub Actions execution backend', () => {
  let bed: GitHubTestBed;
  beforeEach(async () => {
    bed = await startGitHubTestBed();
  });
  afterEach(async () => {
    await bed.fake.close();
  });

  it('dispatches the mapping’s workflow on its default branch with the CONTRACTS §3 inputs', async () => {
    const backend = createGitHubActionsBackend(bed.client);
    const body = payload();

    const receipt = await backend.dispatch(request(body));

    expect(backend.mode).toBe('github-actions');
    expect(receipt).toEqual({ externalId: String(bed.fake.workflowRuns[0]?.id) });
    expect(bed.fake.dispatches).toEqual([
      {
        owner: 'acme',
        repo: 'api',
        workflow: 'claude-implement.yml',
        ref: 'main',
        inputs: { issue_id: 'issue-uuid-1', issue_identifier: 'ENG-123', payload: JSON.stringify(body) },
      },
    ]);
    expect(JSON.parse(String(bed.fake.dispatches[0]?.inputs.payload))).toEqual(body);
    bed.fake.assertNoViolations();
  });

  it('dispatches planning runs to the planning workflow it is given', async () => {
    const backend = createGitHubActionsBackend(bed.client);
    await backend.dispatch(request({ ...payload(), phase: 'planning' }, mapping.planningWorkflowFile));
    expect(bed.fake.dispatches.map((d) => d.workflow)).toEqual(['claude-plan.yml']);
  });

  it('accepts a payload of exactly 60 000 characters and refuses a longer one without calling GitHub', async () => {
    const backend = createGitHubActionsBackend(bed.client);
    const overhead = JSON.stringify(payload('')).length;
    await backend.dispatch(request(payload('x'.repeat(MAX_PAYLOAD_CHARS - overhead))));
    expect(String(bed.fake.dispatches[0]?.inputs.payload)).toHaveLength(MAX_PAYLOAD_CHARS);

    const error = await backend
      .dispatch(request(payload('x'.repeat(MAX_PAYLOAD_CHARS - overhead + 1))))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrationError);
    expect((error as IntegrationError).category).toBe('invalid');
    expect((error as IntegrationError).message).toContain('ENG-123');
    expect(bed.fake.dispatches).toHaveLength(1);
    bed.fake.assertNoViolations();
  });

  it('passes on the operator message for a workflow that was never synced', async () => {
    const backend = createGitHubActionsBackend(bed.client);
    const error = await backend.dispatch(request(payload(), 'claude-custom.yml')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrationError);
    expect((error as IntegrationError).category).toBe('not_found');
    expect((error as IntegrationError).message).toBe(
      'workflow file not found in acme/api — run Sync workflows first',
    );
  });
});
