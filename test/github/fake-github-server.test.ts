import { createPrivateKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeGitHub } from '../fakes/github/fake-github-server.ts';
import { loadGitHubOpenApi } from '../fakes/github/github-openapi.ts';
import {
  APP_ID,
  APP_KEYS,
  INSTALLATION_ID,
  startGitHubTestBed,
  type GitHubTestBed,
} from './github-test-setup.ts';

/** An app JWT signed with the test key; claims overridable to test the fake's checks. */
async function appJwt(claims: { iat?: number; exp?: number; iss?: string } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(claims.iss ?? String(APP_ID))
    .setIssuedAt(claims.iat ?? now - 30)
    .setExpirationTime(claims.exp ?? now + 540)
    .sign(createPrivateKey(APP_KEYS.privateKey));
}

describe('fake GitHub server', () => {
  let bed: GitHubTestBed;
  let url: string;
  beforeEach(async () => {
    bed = await startGitHubTestBed();
    url = bed.fake.url;
  });
  afterEach(async () => {
    await bed.fake.close();
  });

  async function installationToken(): Promise<string> {
    const response = await fetch(`${url}/app/installations/${INSTALLATION_ID}/access_tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await appJwt()}` },
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { token: string }).token;
  }

  it('serves CI results as GitHub does: a job log through a 302, re-runs of failed jobs only', async () => {
    const token = await installationToken();
    const headers = { authorization: `token ${token}` };
    const sha = bed.fake.repo('acme', 'api').resolve('main')!.sha;
    const failed = bed.fake.addCheckRun({
      owner: 'acme',
      repo: 'api',
      sha,
      name: 'test',
      conclusion: 'failure',
      workflowRunId: 4242,
      log: 'not ok 1\n',
    });
    const redirect = await fetch(`${url}/repos/acme/api/actions/jobs/${failed.id}/logs`, {
      headers,
      redirect: 'manual',
    });
    expect(redirect.status).toBe(302);
    const log = await fetch(redirect.headers.get('location')!);
    expect(await log.text()).toBe('not ok 1\n');

    const runs = await fetch(`${url}/repos/acme/api/commits/main/check-runs`, { headers });
    expect(await runs.json()).toMatchObject({
      total_count: 1,
      check_runs: [{ name: 'test', conclusion: 'failure' }],
    });
    const rerun = () =>
      fetch(`${url}/repos/acme/api/actions/runs/4242/rerun-failed-jobs`, { method: 'POST', headers });
    expect((await rerun()).status).toBe(201);
    expect(bed.fake.checks('acme', 'api').runs.at(-1)).toMatchObject({ name: 'test', status: 'queued' });
    // The queued re-run is the latest `test` job now: nothing failed is left to re-run.
    expect((await rerun()).status).toBe(403);

    const protection = await fetch(`${url}/repos/acme/api/branches/main/protection/required_status_checks`, {
      headers,
    });
    // Reading branch protection needs Administration read, which the default installation lacks.
    expect(protection.status).toBe(403);
    bed.fake.assertNoViolations();
  });

  it('rejects a request that violates the OpenAPI description with 422 and records it', async () => {
    const token = await installationToken();
    const response = await fetch(`${url}/repos/acme/api/actions/workflows/claude-implement.yml/dispatches`, {
      method: 'POST',
      headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: { issue_id: 'x' } }),
    });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { message: string }).message).toContain(
      "must have required property 'ref'",
    );
    expect(bed.fake.violations).toMatchObject([
      { kind: 'invalid-request', operationId: 'actions/create-workflow-dispatch' },
    ]);
    expect(() => bed.fake.assertNoViolations()).toThrow(/invalid-request POST/);
    expect(bed.fake.dispatches).toHaveLength(0);
  });

  it('answers 404 for a route outside the description and records it', async () => {
    const response = await fetch(`${url}/repos/acme/api/actions/runs`, {
      headers: { authorization: `Bearer ${await appJwt()}` },
    });
    expect(response.status).toBe(404);
    expect(bed.fake.violations).toMatchObject([
      { kind: 'unknown-route', method: 'GET', path: '/repos/acme/api/actions/runs' },
    ]);
  });

  it('checks app JWTs: signature, issuer and a lifetime of at most ten minutes', async () => {
    const now = Math.floor(Date.now() / 1000);
    const status = async (jwt: string) =>
      (await fetch(`${url}/app`, { headers: { authorization: `Bearer ${jwt}` } })).status;
    expect(await status(await appJwt())).toBe(200);
    expect(await status(await appJwt({ iat: now - 10, exp: now + 600 }))).toBe(401);
    expect(await status(await appJwt({ iss: '1' }))).toBe(401);
    expect(await status(await appJwt({ iat: now - 700, exp: now - 100 }))).toBe(401);
    expect(await status('not-a-jwt')).toBe(401);
    // An installation token is not an app credential.
    expect(await status(await installationToken())).toBe(401);
    bed.fake.assertNoViolations();
  });

  it('requires a live installation token on repository routes, scoped to the installation’s repos', async () => {
    bed.fake.addRepo({ owner: 'other', repo: 'web' });
    const token = await installationToken();
    const get = async (path: string, authorization?: string) =>
      (await fetch(`${url}${path}`, { headers: authorization ? { authorization } : {} })).status;
    expect(await get('/repos/acme/api', `token ${token}`)).toBe(200);
    expect(await get('/repos/acme/api', `Bearer ${token}`)).toBe(200);
    expect(await get('/repos/acme/api')).toBe(401);
    expect(await get('/repos/acme/api', 'token ghs_forged')).toBe(401);
    expect(await get('/repos/acme/api', `Bearer ${await appJwt()}`)).toBe(401);
    expect(await get('/repos/other/web', `token ${token}`)).toBe(404);
    expect(bed.fake.tokensIssued).toBe(1);
    bed.fake.assertNoViolations();
  });

  it('refuses installation tokens once they expire', async () => {
    const shortLived = await createFakeGitHub({
      appId: APP_ID,
      publicKey: APP_KEYS.publicKey,
      tokenTtlMs: 50,
    });
    try {
      shortLived.addRepo({ owner: 'acme', repo: 'api' });
      shortLived.addInstallation({ id: INSTALLATION_ID, account: 'acme', repos: ['api'] });
      const minted = await fetch(`${shortLived.url}/app/installations/${INSTALLATION_ID}/access_tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await appJwt()}` },
      });
      const { token } = (await minted.json()) as { token: string };
      await new Promise((resolve) => setTimeout(resolve, 60));
      const response = await fetch(`${shortLived.url}/repos/acme/api`, {
        headers: { authorization: `token ${token}` },
      });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { message: string }).message).toBe('Bad credentials');
      shortLived.assertNoViolations();
    } finally {
      await shortLived.close();
    }
  });

  it('validates responses against the description too', async () => {
    const openapi = await loadGitHubOpenApi();
    expect(openapi.validateResponse('apps/get-repo-installation', 200, { id: 1 })).not.toEqual([]);
    expect(openapi.validateResponse('actions/create-workflow-dispatch', 204, undefined)).toEqual([]);
    expect(
      openapi.validateResponse('actions/create-workflow-dispatch', 404, { message: 'Not Found' }),
    ).toEqual([]);
  });

  it('serves contents, refs, pulls, comments and labels the way template sync and feedback use them', async () => {
    const octokit = await bed.client.repoOctokit('acme', 'api');
    const repo = { owner: 'acme', repo: 'api' };
    const main = await octokit.rest.git.getRef({ ...repo, ref: 'heads/main' });
    await octokit.rest.git.createRef({
      ...repo,
      ref: 'refs/heads/ai-implement/sync',
      sha: main.data.object.sha,
    });

    const path = '.github/workflows/claude-implement.yml';
    const existing = await octokit.rest.repos.getContent({ ...repo, path, ref: 'ai-implement/sync' });
    const sha = Array.isArray(existing.data) ? '' : existing.data.sha;
    const updated = await octokit.rest.repos.createOrUpdateFileContents({
      ...repo,
      path,
      branch: 'ai-implement/sync',
      message: 'Sync workflows',
      content: Buffer.from('name: new\n').toString('base64'),
      sha,
    });
    expect(updated.status).toBe(200);
    expect(bed.fake.repo('acme', 'api').readFile('ai-implement/sync', path)).toBe('name: new\n');
    expect(bed.fake.repo('acme', 'api').readFile('main', path)).not.toBe('name: new\n');

    const pull = await octokit.rest.pulls.create({
      ...repo,
      title: 'Sync workflows',
      head: 'ai-implement/sync',
      base: 'main',
    });
    const listed = await octokit.rest.pulls.list({ ...repo, head: 'acme:ai-implement/sync', state: 'open' });
    expect(listed.data.map((p) => p.number)).toEqual([pull.data.number]);

    const comment = await octokit.rest.issues.createComment({
      ...repo,
      issue_number: pull.data.number,
      body: 'Synced.',
    });
    expect(comment.data.user?.login).toBe('ai-implement[bot]');
    await octokit.rest.issues.updateComment({ ...repo, comment_id: comment.data.id, body: 'Synced again.' });
    bed.fake.addIssueComment({
      ...repo,
      issueNumber: pull.data.number,
      body: '/ai-implement',
      user: 'octocat',
    });
    const comments = await octokit.rest.issues.listComments({ ...repo, issue_number: pull.data.number });
    expect(comments.data.map((c) => [c.user?.login, c.body])).toEqual([
      ['ai-implement[bot]', 'Synced again.'],
      ['octocat', '/ai-implement'],
    ]);
    await octokit.rest.issues.addLabels({
      ...repo,
      issue_number: pull.data.number,
      labels: ['ai-implement'],
    });
    await octokit.rest.pulls.update({ ...repo, pull_number: pull.data.number, state: 'closed' });
    const fetched = await octokit.rest.pulls.get({ ...repo, pull_number: pull.data.number });
    expect(fetched.data).toMatchObject({ state: 'closed', comments: 2, labels: [{ name: 'ai-implement' }] });

    const head = await octokit.rest.git.getRef({ ...repo, ref: 'heads/ai-implement/sync' });
    await octokit.rest.git.updateRef({ ...repo, ref: 'heads/main', sha: head.data.object.sha });
    const workflow = await octokit.rest.actions.getWorkflow({ ...repo, workflow_id: 'claude-implement.yml' });
    expect(workflow.data.path).toBe(path);
    bed.fake.assertNoViolations();
  });

  it('answers GitHub’s errors for contents and refs misuse', async () => {
    const octokit = await bed.client.repoOctokit('acme', 'api');
    const repo = { owner: 'acme', repo: 'api' };
    const status = (promise: Promise<unknown>) =>
      promise.then(
        () => 200,
        (e: { status: number }) => e.status,
      );
    const path = '.github/workflows/claude-plan.yml';
    const content = Buffer.from('x').toString('base64');
    expect(await status(octokit.rest.repos.getContent({ ...repo, path: 'missing.md' }))).toBe(404);
    expect(
      await status(octokit.rest.repos.createOrUpdateFileContents({ ...repo, path, message: 'm', content })),
    ).toBe(422);
    expect(
      await status(
        octokit.rest.repos.createOrUpdateFileContents({
          ...repo,
          path,
          message: 'm',
          content,
          sha: 'f'.repeat(40),
        }),
      ),
    ).toBe(409);
    expect(
      await status(octokit.rest.git.createRef({ ...repo, ref: 'refs/heads/main', sha: 'f'.repeat(40) })),
    ).toBe(422);
    expect(await status(octokit.rest.pulls.create({ ...repo, title: 't', head: 'main', base: 'main' }))).toBe(
      422,
    );
    bed.fake.assertNoViolations();
  });
});
