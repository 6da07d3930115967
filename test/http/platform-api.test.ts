import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFlyClient } from '../../src/fly/fly-client.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { createPlatform, type PlatformOptions } from '../../src/orchestrator/platform/platform.ts';
import { startFakeFly, type FakeFly } from '../fakes/fly/fake-fly-server.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';
import { expectDocumentedResponse } from '../support/openapi-responses.ts';

const CODE = 'correct-horse-battery';
const APP = 'ai-sessions';
let h: Harness;
let fly: FakeFly;
let logLines: string[];
let app: ReturnType<typeof createHttpApp>;
let token: string;

async function build(options: Partial<PlatformOptions> = {}) {
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    }),
  );
  const platform = await createPlatform({
    db: h.store.db,
    envSettings: { flySessionsApp: APP },
    fly: createFlyClient({ apiUrl: fly.url, token: fly.token }),
    clock: h.ctx.clock,
    logger,
    ...options,
  });
  h.ctx.logger = logger;
  h.ctx.runnerMode = () => platform.runnerMode.effective();
  app = createHttpApp({ orchestrator: h.ctx, adminAccessCode: CODE, statusChecks: async () => [], platform });
  const auth = await app.request('/api/auth', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: CODE }),
  });
  token = ((await auth.json()) as { token: string }).token;
  return platform;
}

async function call(method: string, path: string, body?: unknown) {
  const response = await app.request(path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // Every answer also fits the OpenAPI description (issue 16).
  await expectDocumentedResponse(method, path, response);
  const text = await response.text();
  return { status: response.status, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

beforeEach(async () => {
  h = await createHarness();
  fly = await startFakeFly();
  fly.addApp(APP);
  logLines = [];
  await h.addMapping({ teamKey: 'ENG' });
  await h.addMapping({ teamKey: 'OPS' });
});
afterEach(async () => {
  expect(fly.violations).toEqual([]);
  await fly.close();
  await h.close();
});

describe('runner mode', () => {
  it('stores the mode, reports its source, and the next dispatch uses it without a restart', async () => {
    await build();
    expect((await call('GET', '/api/runner-mode')).json).toEqual({
      mode: 'default',
      source: 'default',
      databaseValue: null,
      envLock: false,
    });
    const set = await call('POST', '/api/runner-mode', { mode: 'gha' });
    expect(set.status).toBe(200);
    expect(set.json).toEqual({ mode: 'gha', source: 'database', databaseValue: 'gha', envLock: false });
    expect(await h.ctx.runnerMode()).toBe('gha');
  });

  it('reports the env lock: the stored value is kept but RUNNER_MODE wins', async () => {
    await build({ envRunnerMode: 'local' });
    const set = await call('POST', '/api/runner-mode', { mode: 'shadow' });
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject({ mode: 'local', source: 'env', databaseValue: 'shadow', envLock: true });
    expect(String(set.json.message)).toMatch(/RUNNER_MODE=local .* wins/);
    expect(await h.ctx.runnerMode()).toBe('local');
  });

  it('refuses an unknown mode, and fly without a Fly token, with 400 naming the field', async () => {
    await build({ fly: undefined });
    const unknown = await call('POST', '/api/runner-mode', { mode: 'turbo' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.fields).toEqual([
      { field: 'mode', message: expect.stringMatching(/one of default, gha/) },
    ]);
    const flyMode = await call('POST', '/api/runner-mode', { mode: 'fly' });
    expect(flyMode.status).toBe(400);
    expect(flyMode.json.fields).toEqual([
      {
        field: 'mode',
        message: expect.stringMatching(/needs the Fly Machines backend: set FLY_SESSIONS_TOKEN/),
      },
    ]);
    expect((await call('GET', '/api/runner-mode')).json.databaseValue).toBeNull();
  });

  it('stores fly when the Fly backend is configured', async () => {
    await build();
    const flyMode = await call('POST', '/api/runner-mode', { mode: 'fly' });
    expect(flyMode.status).toBe(200);
    expect(await h.ctx.runnerMode()).toBe('fly');
  });
});

describe('settings', () => {
  it('stores values, shows both sides, flags the env override and a needed restart', async () => {
    await build({ envSettings: { flySessionsApp: 'env-app' } });
    const set = await call('POST', '/api/settings', {
      flySessionsApp: 'stored-app',
      flySessionsRegion: 'fra',
    });
    expect(set.status).toBe(200);
    expect(set.json).toEqual({
      flySessionsApp: {
        value: 'env-app',
        databaseValue: 'stored-app',
        envVar: 'FLY_SESSIONS_APP',
        envOverride: true,
        restartRequired: false,
      },
      flySessionsRegion: {
        value: null,
        databaseValue: 'fra',
        envVar: 'FLY_SESSIONS_REGION',
        envOverride: false,
        restartRequired: true,
      },
    });
    // After a restart the stored region is the running one.
    await build({ envSettings: {} });
    expect((await call('GET', '/api/settings')).json.flySessionsRegion).toMatchObject({
      value: 'fra',
      restartRequired: false,
    });
  });

  it('answers 400 per bad field, naming the rule', async () => {
    await build();
    const bad = await call('POST', '/api/settings', { flySessionsApp: 'My_App', flySessionsRegion: 'mars' });
    expect(bad.status).toBe(400);
    expect(bad.json.fields).toEqual([
      { field: 'flySessionsApp', message: expect.stringMatching(/lowercase letters, digits and dashes/) },
      { field: 'flySessionsRegion', message: expect.stringMatching(/Fly region code, one of ams/) },
    ]);
    expect((await call('POST', '/api/settings', {})).status).toBe(400);
    expect((await call('POST', '/api/settings', { other: 'x' })).status).toBe(400);
    expect((await call('GET', '/api/settings')).json.flySessionsRegion).toMatchObject({
      databaseValue: null,
    });
  });
});

describe('secrets', () => {
  it('round-trips team and global secrets through Fly; a value never comes back', async () => {
    await build();
    const value = `v-${randomBytes(16).toString('hex')}`;
    const created = await call('POST', '/api/mappings/ENG/secrets', { name: 'MY_TOKEN', value });
    expect(created.status).toBe(201);
    expect(created.json.secret).toMatchObject({ name: 'MY_TOKEN', storedAs: 'ENG_MY_TOKEN' });
    expect(fly.apps.get(APP)!.get('ENG_MY_TOKEN')!.value).toBe(value);
    const global = await call('POST', '/api/global-secrets', { name: 'SHARED_KEY', value: `${value}-g` });
    expect(global.status).toBe(201);

    const eng = await call('GET', '/api/mappings/ENG/secrets');
    expect(eng.json.secrets).toEqual([
      { name: 'MY_TOKEN', storedAs: 'ENG_MY_TOKEN', updatedAt: expect.any(String) },
    ]);
    expect((await call('GET', '/api/mappings/OPS/secrets')).json.secrets).toEqual([]);
    expect((await call('GET', '/api/global-secrets')).json.secrets).toEqual([
      { name: 'SHARED_KEY', storedAs: 'SHARED_KEY', updatedAt: expect.any(String) },
    ]);

    const responses = [created.text, global.text, eng.text, (await call('GET', '/api/global-secrets')).text];
    expect((await call('DELETE', '/api/mappings/ENG/secrets/MY_TOKEN')).json).toEqual({
      deleted: 'MY_TOKEN',
    });
    expect(fly.apps.get(APP)!.has('ENG_MY_TOKEN')).toBe(false);
    expect((await call('DELETE', '/api/mappings/ENG/secrets/MY_TOKEN')).status).toBe(404);
    expect((await call('DELETE', '/api/global-secrets/SHARED_KEY')).status).toBe(200);

    for (const text of [...responses, ...logLines]) expect(text).not.toContain(value);
    expect(logLines.join('')).toContain('ENG_MY_TOKEN');
    const audit = await h.store.db.selectFrom('secret_changes').selectAll().execute();
    expect(audit.map((row) => [row.action, row.stored_as, row.actor])).toEqual(
      expect.arrayContaining([
        ['set', 'ENG_MY_TOKEN', 'API token'],
        ['set', 'SHARED_KEY', 'API token'],
        ['delete', 'ENG_MY_TOKEN', 'API token'],
        ['delete', 'SHARED_KEY', 'API token'],
      ]),
    );
    expect(JSON.stringify(audit)).not.toContain(value);
  });

  it('refuses bad names, a global name with a team prefix, and unknown teams', async () => {
    await build();
    const bad = await call('POST', '/api/mappings/ENG/secrets', { name: 'MY-TOKEN', value: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.json.fields).toEqual([
      { field: 'name', message: expect.stringMatching(/letters, digits and underscores/) },
    ]);
    const prefixed = await call('POST', '/api/global-secrets', { name: 'OPS_DEPLOY_KEY', value: 'x' });
    expect(prefixed.status).toBe(400);
    expect(prefixed.json.message).toMatch(/OPS_:.*project mapping OPS/);
    expect((await call('POST', '/api/global-secrets', { name: 'NOVALUE', value: '' })).json.fields).toEqual([
      { field: 'value', message: 'value is required' },
    ]);
    expect((await call('POST', '/api/global-secrets', { name: 'X' })).status).toBe(400);
    expect((await call('GET', '/api/mappings/NOPE/secrets')).status).toBe(404);
    expect((await call('POST', '/api/mappings/NOPE/secrets', { name: 'A', value: 'b' })).status).toBe(404);
    expect(fly.apps.get(APP)!.size).toBe(0);
  });

  it('turns Fly failures into clear 502/503 answers without the value', async () => {
    await build();
    const value = `v-${randomBytes(16).toString('hex')}`;
    fly.failNext(500, `boom ${value}`);
    const failed = await call('POST', '/api/global-secrets', { name: 'A_KEY', value });
    expect(failed.status).toBe(502);
    expect(failed.json.message).toMatch(/Fly failed \(500\)/);
    expect(failed.text).not.toContain(value);

    fly.failNext(401);
    const refused = await call('GET', '/api/global-secrets');
    expect(refused.status).toBe(502);
    expect(refused.json).toMatchObject({ error: 'fly_error', category: 'auth' });
    expect(refused.json.message).toMatch(/Fly refused FLY_SESSIONS_TOKEN/);

    await build({ envSettings: { flySessionsApp: 'no-such-app' } });
    const missing = await call('GET', '/api/mappings/ENG/secrets');
    expect(missing.status).toBe(502);
    expect(missing.json.message).toMatch(/Fly has no app no-such-app/);

    await build({ fly: undefined });
    const unconfigured = await call('GET', '/api/global-secrets');
    expect(unconfigured.status).toBe(503);
    expect(unconfigured.json.message).toMatch(/FLY_SESSIONS_TOKEN/);
  });

  it('deletes a mapping together with its secrets when asked', async () => {
    await build();
    await call('POST', '/api/mappings/ENG/secrets', { name: 'A', value: 'one' });
    await call('POST', '/api/mappings/ENG/secrets', { name: 'B', value: 'two' });
    await call('POST', '/api/mappings/OPS/secrets', { name: 'A', value: 'three' });
    const deleted = await call('DELETE', '/api/mappings/ENG?deleteSecrets=true');
    expect(deleted.json).toEqual({ deleted: 'ENG', deletedSecrets: ['ENG_A', 'ENG_B'] });
    expect([...fly.apps.get(APP)!.keys()]).toEqual(['OPS_A']);
  });
});

describe('admin forms', () => {
  it('refuse a post without the session’s CSRF field, and store nothing', async () => {
    await build();
    const signIn = await app.request('/admin/sign-in', {
      method: 'POST',
      body: new URLSearchParams({ code: CODE, next: '/admin/secrets' }),
    });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    for (const [path, fields] of [
      ['/admin/secrets', { scope: 'global', name: 'SHARED', value: 'forged-value-123' }],
      ['/admin/runner-mode', { mode: 'gha', back: 'reaper' }],
      ['/admin/settings', { flySessionsApp: 'forged' }],
    ] as const) {
      const response = await app.request(path, {
        method: 'POST',
        headers: { cookie },
        body: new URLSearchParams({ ...fields, csrf: 'wrong' }),
      });
      expect(response.status, path).toBe(403);
    }
    expect(fly.apps.get(APP)!.size).toBe(0);
    expect((await call('GET', '/api/runner-mode')).json.databaseValue).toBeNull();
    expect((await call('GET', '/api/settings')).json.flySessionsApp).toMatchObject({ databaseValue: null });
  });
});
