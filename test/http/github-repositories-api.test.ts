import { afterEach, beforeEach, expect, it } from 'vitest';
import { createGitHubAppClient } from '../../src/github/github-app.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { createFakeGitHub, type FakeGitHub } from '../fakes/github/fake-github-server.ts';
import { APP_ID, APP_KEYS, silentLog } from '../github/github-test-setup.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';

/**
 * `GET /api/github/repositories` against the fake GitHub: every repository of every installation,
 * across pages (GitHub's `Link` header), sorted; 503 without a GitHub App.
 */
const CODE = 'github-repositories-code';
let h: Harness;
let github: FakeGitHub;

beforeEach(async () => {
  h = await createHarness();
  github = await createFakeGitHub({ appId: APP_ID, publicKey: APP_KEYS.publicKey });
});
afterEach(async () => {
  await github.close();
  await h.close();
});

async function get(app: ReturnType<typeof createHttpApp>, path: string) {
  const auth = await app.request('/api/auth', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: CODE }),
  });
  const { token } = (await auth.json()) as { token: string };
  const response = await app.request(path, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

it('lists every repository the App’s installations reach, across pages, sorted', async () => {
  // 35 repositories in one installation: two pages of GitHub's default 30.
  const many = Array.from({ length: 35 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
  for (const repo of many) github.addRepo({ owner: 'acme', repo });
  github.addRepo({ owner: 'beta', repo: 'planning', defaultBranch: 'trunk' });
  github.addInstallation({ id: 11, account: 'acme', repos: many.map((repo) => `acme/${repo}`) });
  github.addInstallation({ id: 12, account: 'beta', repos: ['beta/planning'] });
  const client = createGitHubAppClient({
    appId: APP_ID,
    privateKey: APP_KEYS.privateKey,
    baseUrl: github.url,
    log: silentLog,
  });
  const app = createHttpApp({
    orchestrator: h.ctx,
    adminAccessCode: CODE,
    statusChecks: async () => [],
    listRepositories: () => client.listRepositories(),
  });

  const { status, body } = await get(app, '/api/github/repositories');
  expect(status).toBe(200);
  const repositories = body.repositories as { fullName: string; defaultBranch: string; owner: string }[];
  expect(repositories.map((r) => r.fullName)).toEqual([
    ...many.map((repo) => `acme/${repo}`),
    'beta/planning',
  ]);
  expect(repositories.at(-1)).toMatchObject({ owner: 'beta', repo: 'planning', defaultBranch: 'trunk' });
  expect(body.truncated).toBe(false);
  github.assertNoViolations();
});

it('answers 503 when no GitHub App is configured', async () => {
  const app = createHttpApp({ orchestrator: h.ctx, adminAccessCode: CODE, statusChecks: async () => [] });
  expect(await get(app, '/api/github/repositories')).toMatchObject({
    status: 503,
    body: { error: 'not_configured' },
  });
});
