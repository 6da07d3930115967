import { ciPermissionsStatus } from '../../src/github/ci-permissions.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IntegrationError } from '../../src/domain/errors.ts';
import { createGitHubAppClient } from '../../src/github/github-app.ts';
import { createFakeGitHub, generateTestAppKeyPair } from '../fakes/github/fake-github-server.ts';
import {
  APP_ID,
  APP_KEYS,
  INSTALLATION_ID,
  silentLog,
  startGitHubTestBed,
  type GitHubTestBed,
} from './github-test-setup.ts';

const DISPATCH = {
  owner: 'acme',
  repo: 'api',
  workflowFile: 'claude-implement.yml',
  ref: 'main',
  inputs: { issue_id: 'id-1', issue_identifier: 'ENG-1', payload: '{}' },
};

/** The IntegrationError a promise rejects with (fails the test if it resolves or throws something else). */
async function failure(promise: Promise<unknown>): Promise<IntegrationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IntegrationError);
  return error as IntegrationError;
}

describe('GitHub App client', () => {
  let bed: GitHubTestBed;
  beforeEach(async () => {
    bed = await startGitHubTestBed();
  });
  afterEach(async () => {
    await bed.fake.close();
  });

  it('mints one installation token and reuses it for later dispatches', async () => {
    await bed.client.dispatchWorkflow(DISPATCH);
    await bed.client.dispatchWorkflow({ ...DISPATCH, inputs: { ...DISPATCH.inputs, issue_id: 'id-2' } });
    await bed.client.repoOctokit('acme', 'api');

    expect(bed.fake.tokensIssued).toBe(1);
    const lookups = bed.fake.requests.filter((r) => r.operationId === 'apps/get-repo-installation');
    expect(lookups).toHaveLength(1);
    expect(bed.fake.dispatches.map((d) => d.inputs.issue_id)).toEqual(['id-1', 'id-2']);
    bed.fake.assertNoViolations();
  });

  it('sends the dispatch body exactly as given', async () => {
    await bed.client.dispatchWorkflow(DISPATCH);
    expect(bed.fake.dispatches).toEqual([
      { owner: 'acme', repo: 'api', workflow: 'claude-implement.yml', ref: 'main', inputs: DISPATCH.inputs },
    ]);
    bed.fake.assertNoViolations();
  });

  it('gives an installation Octokit usable for other repository calls', async () => {
    const octokit = await bed.client.repoOctokit('acme', 'api');
    const { data } = await octokit.rest.repos.get({ owner: 'acme', repo: 'api' });
    expect(data.default_branch).toBe('main');
    bed.fake.assertNoViolations();
  });

  it('reads the app for the configuration status check', async () => {
    const app = await bed.client.getApp();
    expect(app).toMatchObject({ id: APP_ID, slug: 'ai-implement', name: 'AI-Implement' });
    expect(app.permissions.actions).toBe('write');
    // The ci-fix loop's environment check (issue 17) reads the same answer.
    expect(ciPermissionsStatus(app)).toMatchObject({ ok: true });
    expect(ciPermissionsStatus({ ...app, permissions: { ...app.permissions, checks: undefined } })).toEqual({
      ok: false,
      detail:
        'give the GitHub App the Checks: read permission so failing CI on its pull requests starts ci-fix runs',
    });
    expect(ciPermissionsStatus({ ...app, events: ['pull_request'] }).detail).toMatch(
      /subscribe it to the Check suite, Check run and Workflow run events/,
    );
    bed.fake.assertNoViolations();
  });

  it('reports a missing workflow file with the operator message', async () => {
    const error = await failure(
      bed.client.dispatchWorkflow({ ...DISPATCH, workflowFile: 'claude-missing.yml' }),
    );
    expect(error.category).toBe('not_found');
    expect(error.message).toBe('workflow file not found in acme/api — run Sync workflows first');
    bed.fake.assertNoViolations();
  });

  it('reports an app that is not installed on the repository', async () => {
    bed.fake.addRepo({ owner: 'other', repo: 'web', workflows: ['claude-implement.yml'] });
    const error = await failure(bed.client.dispatchWorkflow({ ...DISPATCH, owner: 'other', repo: 'web' }));
    expect(error.category).toBe('not_found');
    expect(error.message).toBe('the GitHub App is not installed on other/web');
  });

  it('maps a ref that does not exist to invalid with GitHub’s message', async () => {
    const error = await failure(bed.client.dispatchWorkflow({ ...DISPATCH, ref: 'no-such-branch' }));
    expect(error.category).toBe('invalid');
    expect(error.message).toContain('No ref found for: no-such-branch');
  });

  it('returns the run id GitHub names (return_run_details), finds the run by its title and cancels it', async () => {
    const inputs = {
      ...DISPATCH.inputs,
      payload: JSON.stringify({ dispatchId: 'd-123', phase: 'implementation' }),
    };
    const before = new Date(Date.now() - 1000);
    const { runId } = await bed.client.dispatchWorkflow({ ...DISPATCH, inputs });
    expect(runId).toBe(bed.fake.workflowRuns[0]?.id);
    expect(bed.fake.workflowRuns[0]?.displayTitle).toBe('AI-Implement ENG-1 (implementation) d-123');

    const lookup = { owner: 'acme', repo: 'api', workflowFile: 'claude-implement.yml', createdSince: before };
    expect(await bed.client.findWorkflowRun({ ...lookup, titleContains: 'd-123' })).toEqual({
      runId,
      status: 'queued',
    });
    expect(await bed.client.findWorkflowRun({ ...lookup, titleContains: 'd-999' })).toBeUndefined();
    const later = { ...lookup, createdSince: new Date(Date.now() + 60_000) };
    expect(await bed.client.findWorkflowRun({ ...later, titleContains: 'd-123' })).toBeUndefined();

    await bed.client.cancelWorkflowRun({ owner: 'acme', repo: 'api', runId: runId! });
    expect(bed.fake.workflowRuns[0]?.conclusion).toBe('cancelled');
    // A second cancel meets a completed run (409): nothing left to do, no error.
    await bed.client.cancelWorkflowRun({ owner: 'acme', repo: 'api', runId: runId! });
    const list = bed.fake.requests.find((r) => r.operationId === 'actions/list-workflow-runs');
    expect(list?.path).toContain('event=workflow_dispatch');
    bed.fake.assertNoViolations();
  });

  it('falls back to a plain dispatch where the server refuses return_run_details (GHES), once', async () => {
    bed.fake.refuseRunDetails(true);
    expect(await bed.client.dispatchWorkflow(DISPATCH)).toEqual({ runId: undefined });
    expect(await bed.client.dispatchWorkflow(DISPATCH)).toEqual({ runId: undefined });
    const posts = bed.fake.requests.filter((r) => r.operationId === 'actions/create-workflow-dispatch');
    // Refused once (not carried out), then plain dispatches only: two runs for two calls.
    expect(posts.map((r) => r.status)).toEqual([422, 204, 204]);
    expect(bed.fake.workflowRuns).toHaveLength(2);
  });

  it('maps 5xx to transient and does not retry the dispatch', async () => {
    await bed.client.dispatchWorkflow(DISPATCH);
    bed.fake.failNext(1, 502, { operationId: 'actions/create-workflow-dispatch' });
    const error = await failure(bed.client.dispatchWorkflow(DISPATCH));
    expect(error.category).toBe('transient');
    const posts = bed.fake.requests.filter((r) => r.operationId === 'actions/create-workflow-dispatch');
    expect(posts.map((r) => r.status)).toEqual([200, 502]);
  });

  it('maps a dropped connection to transient', async () => {
    bed.fake.failNext(1, 'network', { operationId: 'actions/create-workflow-dispatch' });
    const error = await failure(bed.client.dispatchWorkflow(DISPATCH));
    expect(error.category).toBe('transient');
  });

  it('maps a primary rate limit (403, x-ratelimit-reset) to rate_limited with retryAfterMs', async () => {
    bed.fake.failNext(1, 403, { operationId: 'actions/create-workflow-dispatch', resetInSeconds: 120 });
    const error = await failure(bed.client.dispatchWorkflow(DISPATCH));
    expect(error.category).toBe('rate_limited');
    expect(error.retryAfterMs).toBeGreaterThan(115_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(120_000);
    expect(bed.fake.dispatches).toHaveLength(0);
  });

  it('maps a secondary rate limit (429, retry-after) to rate_limited with retryAfterMs', async () => {
    bed.fake.failNext(1, 429, { operationId: 'actions/create-workflow-dispatch', retryAfterSeconds: 30 });
    const error = await failure(bed.client.dispatchWorkflow(DISPATCH));
    expect(error.category).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(30_000);
  });

  it('maps a permission 403 to auth', async () => {
    bed.fake.addRepo({ owner: 'readonly', repo: 'svc', workflows: ['claude-implement.yml'] });
    bed.fake.addInstallation({
      id: 77,
      account: 'readonly',
      repos: ['svc'],
      permissions: { actions: 'read', metadata: 'read' },
    });
    const error = await failure(bed.client.dispatchWorkflow({ ...DISPATCH, owner: 'readonly', repo: 'svc' }));
    expect(error.category).toBe('auth');
    expect(error.message).toContain('the GitHub App lacks permission');
    expect(error.message).toContain('Resource not accessible by integration');
  });

  it('maps a suspended installation to auth and looks the installation up again next time', async () => {
    bed.fake.addRepo({ owner: 'paused', repo: 'svc', workflows: ['claude-implement.yml'] });
    bed.fake.addInstallation({ id: 78, account: 'paused', repos: ['svc'], suspended: true });
    const error = await failure(bed.client.dispatchWorkflow({ ...DISPATCH, owner: 'paused', repo: 'svc' }));
    expect(error.category).toBe('auth');
    await failure(bed.client.dispatchWorkflow({ ...DISPATCH, owner: 'paused', repo: 'svc' }));
    const lookups = bed.fake.requests.filter((r) => r.operationId === 'apps/get-repo-installation');
    expect(lookups).toHaveLength(2);
  });
});

describe('GitHub App client with the wrong private key', () => {
  it('maps the 401 to auth for dispatches and for getApp', async () => {
    const fake = await createFakeGitHub({ appId: APP_ID, publicKey: APP_KEYS.publicKey });
    try {
      fake.addRepo({ owner: 'acme', repo: 'api', workflows: ['claude-implement.yml'] });
      fake.addInstallation({ id: INSTALLATION_ID, account: 'acme', repos: ['api'] });
      const otherKey = generateTestAppKeyPair().privateKey;
      const client = createGitHubAppClient({
        appId: APP_ID,
        privateKey: otherKey,
        baseUrl: fake.url,
        log: silentLog,
      });

      const dispatchError = await failure(client.dispatchWorkflow(DISPATCH));
      expect(dispatchError.category).toBe('auth');
      expect(dispatchError.message).toContain('GITHUB_APP_PRIVATE_KEY');
      const appError = await failure(client.getApp());
      expect(appError.category).toBe('auth');
      expect(fake.tokensIssued).toBe(0);
      fake.assertNoViolations();
    } finally {
      await fake.close();
    }
  });

  it('maps a private key that cannot sign to auth without calling GitHub', async () => {
    const fake = await createFakeGitHub({ appId: APP_ID, privateKey: APP_KEYS.privateKey });
    try {
      const client = createGitHubAppClient({
        appId: APP_ID,
        privateKey: 'not a key',
        baseUrl: fake.url,
        log: silentLog,
      });
      const error = await failure(client.getApp());
      expect(error.category).toBe('auth');
      expect(error.message).toContain('GITHUB_APP_PRIVATE_KEY');
      expect(error.message).not.toContain('not a key');
      expect(fake.requests).toHaveLength(0);
    } finally {
      await fake.close();
    }
  });

  it('maps an unreachable GitHub to transient', async () => {
    const fake = await createFakeGitHub({ appId: APP_ID, privateKey: APP_KEYS.privateKey });
    const url = fake.url;
    await fake.close();
    const client = createGitHubAppClient({
      appId: APP_ID,
      privateKey: APP_KEYS.privateKey,
      baseUrl: url,
      log: silentLog,
    });
    const error = await failure(client.getApp());
    expect(error.category).toBe('transient');
  });
});
