import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.ts';
import { createTemplateSync } from '../../src/github/template-sync/template-sync.ts';
import { SYNC_BRANCH } from '../../src/github/template-sync/sync-workflows.ts';
import { startGitHubTestBed, type GitHubTestBed } from '../github/github-test-setup.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';

const CODE = 'correct-horse-battery';
let h: Harness;
let bed: GitHubTestBed;
let app: ReturnType<typeof createHttpApp>;
let token: string;

beforeEach(async () => {
  h = await createHarness();
  bed = await startGitHubTestBed();
  bed.fake.addRepo({ owner: 'acme', repo: 'web', defaultBranch: 'main' });
  bed.fake.addInstallation({ id: 9002, account: 'acme', repos: ['acme/web'] });
  app = createHttpApp({
    orchestrator: h.ctx,
    adminAccessCode: CODE,
    statusChecks: async () => [],
    templateSync: createTemplateSync({ github: bed.client, orchestratorUrl: 'https://orchestrator.test' }),
  });
  const auth = await app.request('/api/auth', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: CODE }),
  });
  token = ((await auth.json()) as { token: string }).token;
});
afterEach(async () => {
  bed.fake.assertNoViolations();
  await bed.fake.close();
  await h.close();
});

async function call(method: string, path: string, withToken = true) {
  const response = await app.request(path, {
    method,
    headers: withToken ? { authorization: `Bearer ${token}` } : {},
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('POST /api/mappings/:teamKey/sync-workflows', () => {
  it('opens the pull request, then reports that it already carries everything', async () => {
    await h.addMapping({ teamKey: 'ENG', repo: 'web' });
    const opened = await call('POST', '/api/mappings/ENG/sync-workflows');
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({
      status: 'opened',
      repository: 'acme/web',
      branch: SYNC_BRANCH,
      pullRequest: { number: 1, url: 'https://github.com/acme/web/pull/1' },
      message: 'acme/web: opened pull request #1 with 6 file change(s)',
    });
    const again = await call('POST', '/api/mappings/ENG/sync-workflows');
    expect(again.body).toMatchObject({
      status: 'unchanged',
      commits: 0,
      pullRequest: { number: 1 },
      message: 'acme/web: pull request #1 already carries every change; nothing to do',
    });
  });

  it('answers 404 for an unknown mapping and 401 without a token', async () => {
    expect((await call('POST', '/api/mappings/NOPE/sync-workflows')).status).toBe(404);
    expect((await call('POST', '/api/mappings/NOPE/sync-workflows', false)).status).toBe(401);
  });

  it('answers 409 naming the field when the mapping’s configuration cannot be synced', async () => {
    await h.addMapping({ teamKey: 'ENG', repo: 'web', workflowFile: 'comment-trigger.yml' });
    const collision = await call('POST', '/api/mappings/ENG/sync-workflows');
    expect(collision.status).toBe(409);
    expect(collision.body.fields).toEqual([
      {
        field: 'workflowFile',
        message:
          'workflowFile of mapping ENG puts claude-implement.yml at .github/workflows/comment-trigger.yml, where comment-trigger.yml goes; choose another file name',
      },
    ]);
    await h.addMapping({ teamKey: 'ENG', repo: 'web' });
    await h.addMapping({ teamKey: 'OPS', repo: 'web', defaultBranch: 'develop' });
    const branches = await call('POST', '/api/mappings/OPS/sync-workflows');
    expect(branches.status).toBe(409);
    expect(branches.body.message).toBe(
      'the mappings of acme/web disagree on defaultBranch (ENG: main, OPS: develop); set the same defaultBranch on each',
    );
    expect(bed.fake.repo('acme', 'web').pulls).toHaveLength(0);
  });

  it('answers 502 with what to fix when GitHub refuses, 503 with Retry-After when it rate-limits', async () => {
    await h.addMapping({ teamKey: 'ENG', repo: 'web' });
    await h.addMapping({ teamKey: 'OTHER', owner: 'someone', repo: 'else' });
    const notInstalled = await call('POST', '/api/mappings/OTHER/sync-workflows');
    expect(notInstalled).toMatchObject({
      status: 502,
      body: { error: 'github_not_found', message: 'the GitHub App is not installed on someone/else' },
    });
    bed.fake.failNext(1, 429, { operationId: 'pulls/list', retryAfterSeconds: 30 });
    const limited = await call('POST', '/api/mappings/ENG/sync-workflows');
    expect(limited.status).toBe(503);
    expect(limited.headers.get('retry-after')).toBe('30');
    expect(limited.body.error).toBe('github_rate_limited');
  });

  it('answers 503 when the orchestrator has no template sync', async () => {
    await h.addMapping({ teamKey: 'ENG', repo: 'web' });
    const bare = createHttpApp({ orchestrator: h.ctx, adminAccessCode: CODE, statusChecks: async () => [] });
    const response = await bare.request('/api/admin/template-status', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(503);
  });
});

describe('GET /api/admin/template-status', () => {
  it('reports each repository with its files, template versions and sync pull request', async () => {
    await h.addMapping({ teamKey: 'ENG', repo: 'web' });
    await h.addMapping({ teamKey: 'API', repo: 'api' });
    await call('POST', '/api/mappings/ENG/sync-workflows');
    const { status, body } = await call('GET', '/api/admin/template-status');
    expect(status).toBe(200);
    expect(body.templates).toEqual([
      { name: 'claude-implement.yml', version: 1 },
      { name: 'claude-plan.yml', version: 1 },
      { name: 'comment-trigger.yml', version: 1 },
      { name: 'WORKFLOW.md', version: 1 },
      { name: 'PLANNING.md', version: 1 },
      { name: '.ai-implement/config.yml', version: 1 },
    ]);
    const repos = body.repos as {
      repository: string;
      status: string;
      teamKeys: string[];
      files: { path: string; state: string; reason?: string }[];
      syncPullRequest: unknown;
    }[];
    expect(repos.map((r) => [r.repository, r.status, r.teamKeys])).toEqual([
      ['acme/api', 'missing', ['API']],
      ['acme/web', 'missing', ['ENG']],
    ]);
    // acme/api has stub workflows from before (no stamp): stale, to be replaced.
    expect(repos[0]?.files.find((f) => f.path === '.github/workflows/claude-implement.yml')).toMatchObject({
      state: 'stale',
      reason: 'not written by Sync workflows (no AI-Implement template stamp)',
    });
    expect(repos[1]?.syncPullRequest).toEqual({ number: 1, url: 'https://github.com/acme/web/pull/1' });
  });
});
