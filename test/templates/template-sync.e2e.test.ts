import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SYNC_BRANCH } from '../../src/github/template-sync/sync-workflows.ts';
import { eventually, startOrchestrator, type OrchestratorProcess } from '../e2e/orchestrator-process.ts';
import {
  createFakeGitHub,
  generateTestAppKeyPair,
  type FakeGitHub,
} from '../fakes/github/fake-github-server.ts';
import { startFakeLinear, type FakeLinear } from '../fakes/linear/fake-linear-server.ts';
import { freePort } from '../support/free-port.ts';

/**
 * Sync workflows through the real process (`npm start`): the operator syncs a new repository,
 * merges the pull request, and the orchestrator's next dispatch runs the synced workflow — which
 * the fake GitHub accepts only with the inputs the synced file declares.
 */

const APP_ID = 5151;
const ACCESS_CODE = 'templates-e2e-code';
let github: FakeGitHub;
let linear: FakeLinear;
let orchestrator: OrchestratorProcess;
let adminToken: string;

async function api<T = Record<string, unknown>>(method: string, route: string, body?: unknown) {
  const response = await fetch(orchestrator.url + route, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

beforeAll(async () => {
  const keys = generateTestAppKeyPair();
  github = await createFakeGitHub({ appId: APP_ID, publicKey: keys.publicKey });
  github.addRepo({ owner: 'acme', repo: 'web', defaultBranch: 'main' });
  github.addInstallation({ id: 88, account: 'acme', repos: ['acme/web'] });
  linear = await startFakeLinear({ apiKey: 'lin_api_templates' });
  linear.addTeam({ key: 'ENG' });
  const port = await freePort();
  orchestrator = await startOrchestrator(
    {
      GITHUB_APP_ID: String(APP_ID),
      GITHUB_APP_PRIVATE_KEY: keys.privateKey.trim().replace(/\n/g, '\\n'),
      GITHUB_API_URL: github.url,
      LINEAR_API_KEY: linear.apiKey,
      LINEAR_API_URL: linear.url,
      ADMIN_ACCESS_CODE: ACCESS_CODE,
      POLL_INTERVAL_MS: '1000',
      DEDUP_DB_PATH: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ai-implement-e2e-')), 'dedup.sqlite'),
      RUNNER_TOKEN_SECRET: 'templates-e2e-runner-token-secret-0123',
      RUNNER_CALLBACK_BASE_URL: `http://127.0.0.1:${port}`,
    },
    port,
  );
  const auth = await fetch(`${orchestrator.url}/api/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: ACCESS_CODE }),
  });
  adminToken = ((await auth.json()) as { token: string }).token;
}, 60_000);

afterAll(async () => {
  await orchestrator?.stop();
  await github?.close();
  await linear?.close();
});

it('syncs a repository, reports it current once merged, and the synced workflow takes the dispatch', async () => {
  expect(
    (
      await api('POST', '/api/mappings', {
        teamKey: 'ENG',
        owner: 'acme',
        repo: 'web',
        defaultBranch: 'main',
      })
    ).status,
  ).toBe(201);
  const before = await api<{ repos: { status: string }[] }>('GET', '/api/admin/template-status');
  expect(before.body.repos.map((r) => r.status)).toEqual(['missing']);

  const sync = await api<{ status: string; pullRequest: { url: string } }>(
    'POST',
    '/api/mappings/ENG/sync-workflows',
  );
  expect(sync).toMatchObject({
    status: 200,
    body: { status: 'opened', pullRequest: { url: 'https://github.com/acme/web/pull/1' } },
  });
  const web = github.repo('acme', 'web');
  expect(web.pulls[0]?.body).toContain(`\`AI_IMPLEMENT_ORCHESTRATOR_URL\`: \`${orchestrator.url}\``);

  // A person merges the pull request.
  const head = web.refs.get(`refs/heads/${SYNC_BRANCH}`);
  if (head) web.refs.set('refs/heads/main', head);
  for (const pull of web.pulls) Object.assign(pull, { state: 'closed', merged: true });
  const after = await api<{ repos: { status: string; syncPullRequest: unknown }[] }>(
    'GET',
    '/api/admin/template-status',
  );
  expect(after.body.repos).toMatchObject([{ status: 'current', syncPullRequest: null }]);
  expect((await api('POST', '/api/mappings/ENG/sync-workflows')).body).toMatchObject({
    status: 'up_to_date',
  });

  const issue = linear.addIssue({
    team: 'ENG',
    title: 'Export users',
    state: 'Todo',
    labels: ['AI-Implement'],
  });
  await eventually('the planning dispatch', async () => (github.dispatches.length > 0 ? true : undefined));
  expect(github.dispatches[0]).toMatchObject({
    repo: 'web',
    workflow: 'claude-plan.yml',
    ref: 'main',
    inputs: { issue_id: issue.id, issue_identifier: issue.identifier },
  });
  github.assertNoViolations();
}, 60_000);
