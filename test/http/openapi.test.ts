import { Validator } from '@seriousme/openapi-schema-validator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openApiPath } from '../../src/http/api/openapi/describe-route.ts';
import { createHttpApp } from '../../src/http/app.ts';
import type { Platform } from '../../src/orchestrator/platform/platform.ts';
import { handleRunResult } from '../../src/orchestrator/run-results.ts';
import { runTick } from '../../src/orchestrator/tick.ts';
import type { JiraProvider } from '../../src/ticketing/jira/jira-provider.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';
import { expectDocumentedAnswer } from '../support/openapi-responses.ts';

/** `GET /api/openapi.json` (issue 16): complete, valid OpenAPI 3.1, true to what the routes answer. */

const CODE = 'openapi-code';
let h: Harness;
let app: ReturnType<typeof createHttpApp>;
let token: string;

/** Only route registration reads these: every optional route group is mounted. */
const everything = {
  platform: { sessions: {}, reaper: {}, runnerMode: {}, settings: {}, secrets: {} } as unknown as Platform,
  jira: {} as JiraProvider,
};

beforeEach(async () => {
  h = await createHarness();
  h.linear.addTeam({ key: 'ENG' });
  app = createHttpApp({
    orchestrator: h.ctx,
    adminAccessCode: CODE,
    // One check needing attention, so its `fix` link is in the answer too.
    statusChecks: async () => [
      { name: 'ticketing:linear', ok: false, detail: 'LINEAR_API_KEY was refused' },
      { name: 'runner-callback', ok: true, detail: 'runners report to https://orchestrator.test' },
    ],
    ...everything,
  });
  const auth = await app.request('/api/auth', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: CODE }),
  });
  expectDocumentedAnswer('POST', '/api/auth', auth.status, await auth.clone().json());
  token = ((await auth.json()) as { token: string }).token;
});
afterEach(() => h.close());

async function call(method: string, path: string, body?: unknown) {
  const response = await app.request(path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function document() {
  const answer = await call('GET', '/api/openapi.json');
  expect(answer.status).toBe(200);
  return answer.json as { openapi: string; paths: Record<string, Record<string, unknown>> };
}

describe('GET /api/openapi.json', () => {
  it('needs the admin API authentication', async () => {
    expect((await app.request('/api/openapi.json')).status).toBe(401);
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(await document());
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes every /api route the app serves, and none it does not', async () => {
    const served = new Set(
      app.routes
        .filter(
          (route) => route.path.startsWith('/api/') && route.method !== 'ALL' && !route.path.includes('*'),
        )
        .map((route) => `${route.method.toLowerCase()} ${openApiPath(route.path)}`),
    );
    const described = new Set(
      Object.entries((await document()).paths).flatMap(([path, item]) =>
        Object.keys(item).map((method) => `${method} ${path}`),
      ),
    );
    expect(
      [...served].filter((route) => !described.has(route)),
      'served but not described',
    ).toEqual([]);
    expect(
      [...described].filter((route) => !served.has(route)),
      'described but not served',
    ).toEqual([]);
    expect(served.size).toBeGreaterThan(40);
  });
});

describe('API reference page', () => {
  it('renders every described route under /admin, behind sign-in', async () => {
    expect((await app.request('/admin/api-reference')).status).toBe(303);
    const auth = await app.request('/admin/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ code: CODE }).toString(),
    });
    const cookie = auth.headers.get('set-cookie')?.split(';')[0] ?? '';
    const page = await (await app.request('/admin/api-reference', { headers: { cookie } })).text();
    const operations = [...page.matchAll(/data-operation="([^"]+)"/g)].map((m) => m[1]);
    const described = Object.entries((await document()).paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(described.sort());
    expect(page).toContain('href="/api/openapi.json"');
  });
});

describe('answers of the API match the description', () => {
  /** A ticket with a PR, a failed one and one still running, so the lists and figures have rows. */
  async function seed() {
    await h.addMapping({ teamKey: 'ENG', planningEnabled: false, maxInProgressAiIssues: 10 });
    for (const title of ['Opened', 'Failed', 'Running']) {
      h.linear.addIssue({ team: 'ENG', title, labels: ['AI-Implement'], state: 'Todo' });
    }
    await runTick(h.ctx);
    const [opened, failed] = h.backend.dispatched.map((d) => d.payload);
    h.advance(600_000);
    await handleRunResult(h.ctx, opened!.dispatchId, {
      status: 'success',
      prUrl: 'https://github.com/acme/api/pull/1',
      branch: 'ai/1',
      usage: { costUsd: 1.25, inputTokens: 1000, outputTokens: 200, turns: 7, model: 'claude-sonnet-4-5' },
    });
    await handleRunResult(h.ctx, failed!.dispatchId, { status: 'failure', error: 'step implement failed' });
    return opened!;
  }

  it('on the key read routes, with seeded data', async () => {
    const opened = await seed();
    for (const path of [
      '/api/mappings',
      '/api/overview',
      '/api/analytics',
      '/api/log',
      '/api/issues',
      '/api/blockers',
      '/api/pulls',
      '/api/dedup',
      '/api/admin/config-status',
    ]) {
      const answer = await call('GET', path);
      expect(answer.status, path).toBe(200);
      expectDocumentedAnswer('GET', path, 200, answer.json);
    }
    expect((await call('GET', '/api/overview')).json.runningJobs).toHaveLength(1);
    const checks = (await call('GET', '/api/admin/config-status')).json.checks as { fix?: unknown }[];
    expect(checks[0]!.fix).toBeDefined();
    const jobs = (await call('GET', '/api/log')).json.jobs as { jobId: string }[];
    expect(jobs.length).toBeGreaterThan(0);
    expect((await call('GET', '/api/pulls')).json.pulls).toHaveLength(1);
    const steps = await call('GET', `/api/jobs/${jobs[0]!.jobId}/steps`);
    expect(steps.status).toBe(200);
    expectDocumentedAnswer('GET', '/api/jobs/:jobId/steps', 200, steps.json);
    const dispatch = await call('GET', `/api/dispatches/${opened.dispatchId}`);
    expectDocumentedAnswer('GET', '/api/dispatches/:dispatchId', dispatch.status, dispatch.json);
  });

  it('on writes and their refusals', async () => {
    const created = await call('POST', '/api/mappings', {
      teamKey: 'ENG',
      owner: 'acme',
      repo: 'api',
      defaultBranch: 'main',
    });
    expect(created.status).toBe(201);
    expectDocumentedAnswer('POST', '/api/mappings', 201, created.json);
    const patched = await call('PATCH', '/api/mappings/ENG', { paused: true });
    expectDocumentedAnswer('PATCH', '/api/mappings/:teamKey', patched.status, patched.json);
    const refused = await call('POST', '/api/mappings', { teamKey: 'bad key' });
    expect(refused.status).toBe(400);
    expectDocumentedAnswer('POST', '/api/mappings', 400, refused.json);
    const missing = await call('DELETE', '/api/mappings/NOPE');
    expect(missing.status).toBe(404);
    expectDocumentedAnswer('DELETE', '/api/mappings/:teamKey', 404, missing.json);
    const badWindow = await call('GET', '/api/analytics?from=yesterday');
    expectDocumentedAnswer('GET', '/api/analytics', badWindow.status, badWindow.json);
    const deleted = await call('DELETE', '/api/mappings/ENG');
    expectDocumentedAnswer('DELETE', '/api/mappings/:teamKey', deleted.status, deleted.json);
  });

  it('fails an answer the description does not allow', () => {
    expect(() => expectDocumentedAnswer('GET', '/api/mappings', 200, { mappings: [], extra: 1 })).toThrow();
    expect(() => expectDocumentedAnswer('GET', '/api/nowhere', 200, {})).toThrow(/not described/);
  });
});
