import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubAppClient } from '../../src/github/github-app.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { createPlatform } from '../../src/orchestrator/platform/platform.ts';
import { createFakeGitHub, type FakeGitHub } from '../fakes/github/fake-github-server.ts';
import { APP_ID, APP_KEYS, silentLog } from '../github/github-test-setup.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';
import { expectDocumentedResponse } from '../support/openapi-responses.ts';

/**
 * `POST /api/mappings/:teamKey/github-secrets` against the fake GitHub: the value is sealed to
 * the repository's public key (the fake opens it, as GitHub does), an App without the Secrets
 * permission gets a message saying so, and the value appears in no answer or log line.
 */

const CODE = 'github-secrets-code';
let h: Harness;
let github: FakeGitHub;
let app: ReturnType<typeof createHttpApp>;
let token: string;
const logLines: string[] = [];

beforeEach(async () => {
  h = await createHarness();
  github = await createFakeGitHub({ appId: APP_ID, publicKey: APP_KEYS.publicKey });
  github.addRepo({ owner: 'acme', repo: 'api' });
  github.addRepo({ owner: 'acme', repo: 'ops' });
  github.addInstallation({
    id: 1,
    account: 'acme',
    repos: ['acme/api'],
    permissions: { secrets: 'write', metadata: 'read' },
  });
  github.addInstallation({ id: 2, account: 'acme', repos: ['acme/ops'], permissions: { metadata: 'read' } });
  await h.addMapping({ teamKey: 'ENG' });
  await h.addMapping({ teamKey: 'OPS', repo: 'ops' });
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    }),
  );
  h.ctx.logger = logger;
  const platform = await createPlatform({
    db: h.store.db,
    github: createGitHubAppClient({
      appId: APP_ID,
      privateKey: APP_KEYS.privateKey,
      baseUrl: github.url,
      log: silentLog,
    }),
    clock: h.ctx.clock,
    logger,
  });
  app = createHttpApp({ orchestrator: h.ctx, adminAccessCode: CODE, statusChecks: async () => [], platform });
  const auth = await app.request('/api/auth', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: CODE }),
  });
  token = ((await auth.json()) as { token: string }).token;
});
afterEach(async () => {
  github.assertNoViolations();
  await github.close();
  await h.close();
});

async function post(path: string, body: unknown) {
  const response = await app.request(path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await expectDocumentedResponse('POST', path, response);
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as Record<string, unknown> };
}

describe('team secrets in GitHub Actions secrets', () => {
  it('seals the value to the repository key; creates, then replaces', async () => {
    const value = `gh-${randomBytes(16).toString('hex')}`;
    const first = await post('/api/mappings/ENG/github-secrets', { name: 'DEPLOY_KEY', value });
    expect(first.status).toBe(201);
    expect(first.json.secret).toEqual({ name: 'DEPLOY_KEY', repository: 'acme/api', created: true });
    expect(github.actionsSecret('acme', 'api', 'DEPLOY_KEY')).toBe(value);
    const again = await post('/api/mappings/ENG/github-secrets', { name: 'DEPLOY_KEY', value: `${value}-2` });
    expect(again.json.secret).toMatchObject({ created: false });
    expect(github.actionsSecret('acme', 'api', 'DEPLOY_KEY')).toBe(`${value}-2`);
    for (const text of [first.text, again.text, ...logLines]) expect(text).not.toContain(value);
    const audit = await h.store.db.selectFrom('secret_changes').selectAll().execute();
    expect(audit.map((row) => row.target)).toEqual(['github:acme/api', 'github:acme/api']);
  });

  it('says the App lacks the Secrets permission, and refuses bad names', async () => {
    const value = `gh-${randomBytes(16).toString('hex')}`;
    const denied = await post('/api/mappings/OPS/github-secrets', { name: 'DEPLOY_KEY', value });
    expect(denied.status).toBe(502);
    expect(denied.json).toMatchObject({ error: 'github_error', category: 'auth' });
    expect(denied.json.message).toMatch(/Secrets: Read and write/);
    expect(denied.text).not.toContain(value);
    const reserved = await post('/api/mappings/ENG/github-secrets', { name: 'GITHUB_THING', value });
    expect(reserved.status).toBe(400);
    expect(reserved.json.fields).toEqual([{ field: 'name', message: expect.stringMatching(/GITHUB_/) }]);
    expect((await post('/api/mappings/NOPE/github-secrets', { name: 'A', value })).status).toBe(404);
  });
});
