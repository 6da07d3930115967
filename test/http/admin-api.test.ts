import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.ts';
import { runTick } from '../../src/orchestrator/tick.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';
import { expectDocumentedResponse } from '../support/openapi-responses.ts';

const CODE = 'correct-horse-battery';
let h: Harness;
let app: ReturnType<typeof createHttpApp>;

beforeEach(async () => {
  h = await createHarness();
  h.linear.addTeam({ key: 'ENG' });
  app = createHttpApp({ orchestrator: h.ctx, adminAccessCode: CODE, statusChecks: async () => [] });
});
afterEach(() => h.close());

/** Every answer is also checked against the OpenAPI description (issue 16). */
async function call(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; raw?: string } = {},
) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await app.request(path, { method, headers, body });
  await expectDocumentedResponse(method, path, response);
  return response;
}

async function signIn(): Promise<string> {
  const response = await call('POST', '/api/auth', { body: { code: CODE } });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { token: string; expiresAt: string };
  expect(Date.parse(body.expiresAt) - h.ctx.clock().getTime()).toBe(24 * 3_600_000);
  return body.token;
}

describe('admin authentication', () => {
  it('issues a 24 h token for the right code and refuses everything else', async () => {
    expect((await call('GET', '/api/mappings')).status).toBe(401);
    expect((await call('GET', '/api/mappings', { token: 'forged' })).status).toBe(401);
    const token = await signIn();
    expect((await call('GET', '/api/mappings', { token })).status).toBe(200);
    h.advance(24 * 3_600_000 + 1);
    expect((await call('GET', '/api/mappings', { token })).status).toBe(401);
  });

  it('slows down repeated wrong codes', async () => {
    expect((await call('POST', '/api/auth', { body: { code: 'wrong' } })).status).toBe(401);
    const throttled = await call('POST', '/api/auth', { body: { code: CODE } });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    h.advance(1_000);
    expect((await call('POST', '/api/auth', { body: { code: CODE } })).status).toBe(200);
  });

  it('signs out', async () => {
    const token = await signIn();
    expect((await call('POST', '/api/auth/sign-out', { token })).status).toBe(200);
    expect((await call('GET', '/api/mappings', { token })).status).toBe(401);
  });

  it('answers 404 for /admin and /api/* while ADMIN_ACCESS_CODE is unset', async () => {
    const disabled = createHttpApp({
      orchestrator: h.ctx,
      adminAccessCode: undefined,
      statusChecks: async () => [],
    });
    for (const path of ['/admin', '/admin/issues', '/api/auth', '/api/mappings']) {
      expect((await disabled.request(path)).status, path).toBe(404);
    }
    expect((await disabled.request('/healthz')).status).toBe(200);
  });

  it('reports the completed-tick count in /healthz, so tests wait for ticks instead of time', async () => {
    let ticks = 6;
    const app = createHttpApp({
      orchestrator: h.ctx,
      adminAccessCode: undefined,
      statusChecks: async () => [],
      completedTicks: () => ticks,
    });
    expect(await (await app.request('/healthz')).json()).toEqual({
      status: 'ok',
      ok: true,
      ticks: 6,
      leader: true,
    });
    ticks += 1;
    expect(await (await app.request('/healthz')).json()).toMatchObject({ ticks: 7 });
  });

  it('says in /healthz whether this replica leads (CONTRACTS.md §10)', async () => {
    const app = createHttpApp({
      orchestrator: h.ctx,
      adminAccessCode: undefined,
      statusChecks: async () => [],
      isLeader: () => false,
    });
    expect(await (await app.request('/healthz')).json()).toMatchObject({ ok: true, leader: false });
  });
});

describe('mappings API', () => {
  it('creates with defaults, replaces, patches and deletes', async () => {
    const token = await signIn();
    const created = await call('POST', '/api/mappings', {
      token,
      body: { teamKey: 'ENG', owner: 'acme', repo: 'api', defaultBranch: 'main' },
    });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { mapping: Record<string, unknown> }).mapping).toMatchObject({
      workflowFile: 'claude-implement.yml',
      planningWorkflowFile: 'claude-plan.yml',
      maxInProgressAiIssues: 3,
      executionMode: 'github-actions',
      planningEnabled: true,
      autoApprovePlans: true,
      provider: 'anthropic',
      ticketingProvider: 'linear',
      ticketingConfig: { kind: 'linear' },
      machineMemoryMb: 4096,
      paused: false,
    });
    const patched = await call('PATCH', '/api/mappings/ENG', {
      token,
      body: { paused: true, maxInProgressAiIssues: 5 },
    });
    expect(((await patched.json()) as { mapping: Record<string, unknown> }).mapping).toMatchObject({
      paused: true,
      maxInProgressAiIssues: 5,
    });
    expect((await call('PATCH', '/api/mappings/NOPE', { token, body: { paused: true } })).status).toBe(404);
    expect((await call('DELETE', '/api/mappings/ENG', { token })).status).toBe(200);
    expect((await call('DELETE', '/api/mappings/ENG', { token })).status).toBe(404);
  });

  it('accepts every seed field this build acts on, and sends a stored mapping back as it is', async () => {
    const token = await signIn();
    const base = { teamKey: 'ENG', owner: 'acme', repo: 'api', defaultBranch: 'main' };
    const response = await call('POST', '/api/mappings', {
      token,
      body: {
        ...base,
        sessionMode: 'interactive',
        machineCpus: 4,
        machineMemoryMb: 8192,
        extraEnv: { DATABASE_URL: 'postgres://db' },
        runnerImage: 'ghcr.io/acme/runner:1',
      },
    });
    expect(response.status).toBe(201);
    const { mapping } = (await response.json()) as { mapping: Record<string, unknown> };
    expect(mapping).toMatchObject({ sessionMode: 'interactive', machineCpus: 4 });
    expect((await call('POST', '/api/mappings', { token, body: mapping })).status).toBeLessThan(300);
    const refused = await call('POST', '/api/mappings', { token, body: { ...base, sessionMode: 'chatty' } });
    expect(refused.status).toBe(400);
  });

  it('names every failing field and why', async () => {
    const token = await signIn();
    const response = await call('POST', '/api/mappings', {
      token,
      body: {
        teamKey: 'ENG',
        owner: 'acme',
        repo: 'api',
        provider: 'bedrock',
        executionMode: 'fly-machines',
        machineMemoryMb: 128,
      },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { fields: { field: string; message: string }[] };
    const fields = Object.fromEntries(body.fields.map((f) => [f.field, f.message]));
    expect(fields.defaultBranch).toMatch(/required/);
    expect(fields.machineMemoryMb).toMatch(/at least 256/);
    // zod reports cross-field rules only once the fields themselves parse.
    const second = await call('POST', '/api/mappings', {
      token,
      body: {
        teamKey: 'ENG',
        owner: 'acme',
        repo: 'api',
        defaultBranch: 'main',
        provider: 'bedrock',
        executionMode: 'fly-machines',
      },
    });
    const rules = ((await second.json()) as { fields: { field: string; message: string }[] }).fields;
    expect(rules).toEqual(
      expect.arrayContaining([
        { field: 'awsRegion', message: 'is required when provider is bedrock' },
        {
          field: 'provider',
          message: 'bedrock is not supported with executionMode fly-machines; use github-actions',
        },
      ]),
    );
    const jira = await call('POST', '/api/mappings', {
      token,
      body: {
        teamKey: 'J',
        owner: 'acme',
        repo: 'api',
        defaultBranch: 'main',
        ticketingProvider: 'jira',
        ticketingConfig: { kind: 'jira', jql: '' },
      },
    });
    expect(((await jira.json()) as { fields: { field: string }[] }).fields.map((f) => f.field)).toEqual(
      expect.arrayContaining(['ticketingConfig.jql', 'ticketingConfig.repoFieldValue']),
    );
    const malformed = await call('POST', '/api/mappings', { token, raw: '{"teamKey":' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { message: string }).message).toMatch(/must be JSON/);
    const unknownField = await call('PATCH', '/api/mappings/ENG', { token, body: { owner: 'x' } });
    expect(unknownField.status).toBe(400);
  });

  it('refuses a mapping whose tracker has no credentials here', async () => {
    const token = await signIn();
    const response = await call('POST', '/api/mappings', {
      token,
      body: {
        teamKey: 'J',
        owner: 'acme',
        repo: 'api',
        defaultBranch: 'main',
        ticketingProvider: 'jira',
        ticketingConfig: { kind: 'jira', jql: 'project = J', repoFieldValue: 'acme/api' },
      },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/JIRA_TOKEN/);
  });
});

describe('work views and operator actions', () => {
  it('shows blockers, the log, issues and the dedup window, and lets an operator clear the window', async () => {
    const token = await signIn();
    await h.addMapping({ teamKey: 'ENG', maxInProgressAiIssues: 1 });
    const first = h.linear.addIssue({
      team: 'ENG',
      title: '<script>alert(1)</script>',
      labels: ['AI-Implement'],
      priority: 1,
    });
    const second = h.linear.addIssue({ team: 'ENG', title: 'Second', labels: ['AI-Implement'], priority: 3 });
    await runTick(h.ctx);

    const blockers = (await (await call('GET', '/api/blockers', { token })).json()) as Record<
      string,
      unknown
    >;
    expect(blockers).toMatchObject({
      total: 1,
      teamsAffected: 1,
      blockedByConcurrencyCap: 1,
      blockedByDedupWindow: 0,
    });
    expect(blockers.blockers).toMatchObject([
      { identifier: second.identifier, reason: 'capacity', mapping: 'ENG' },
    ]);

    const log = (await (await call('GET', '/api/log', { token })).json()) as {
      jobs: { issue: { title: string }; dispatches: unknown[] }[];
    };
    expect(log.jobs).toHaveLength(1);
    expect(log.jobs[0]!.issue.title).toBe('<script>alert(1)</script>');

    const issues = (await (await call('GET', '/api/issues', { token })).json()) as {
      issues: { identifier: string; stage: string }[];
      inProgressByMapping: unknown[];
    };
    expect(Object.fromEntries(issues.issues.map((i) => [i.identifier, i.stage]))).toEqual({
      [first.identifier]: 'planning',
      [second.identifier]: 'planning_pending',
    });
    expect(issues.inProgressByMapping).toEqual([
      { teamKey: 'ENG', bucket: 'linear:ENG', inProgress: 1, cap: 1, paused: false },
    ]);

    const dedup = (await (await call('GET', '/api/dedup', { token })).json()) as {
      entries: { issueId: string }[];
    };
    expect(dedup.entries.map((e) => e.issueId)).toEqual([first.id]);
    expect((await call('DELETE', `/api/dedup/${first.id}`, { token })).status).toBe(200);
    expect((await call('DELETE', `/api/dedup/${first.id}`, { token })).status).toBe(404);
  });

  it('approves a waiting plan through the API', async () => {
    const token = await signIn();
    await h.addMapping({ teamKey: 'ENG', autoApprovePlans: false });
    const issue = h.linear.addIssue({ team: 'ENG', title: 'Plan me', labels: ['AI-Implement'] });
    expect((await call('POST', `/api/issues/${issue.id}/approve-plan`, { token })).status).toBe(404);
    await runTick(h.ctx);
    expect((await call('POST', `/api/issues/${issue.id}/approve-plan`, { token })).status).toBe(409);
    const { handleRunResult } = await import('../../src/orchestrator/run-results.ts');
    await handleRunResult(h.ctx, h.backend.dispatched[0]!.payload.dispatchId, { status: 'success' });
    const issues = (await (await call('GET', '/api/issues', { token })).json()) as {
      issues: { stage: string }[];
    };
    expect(issues.issues[0]!.stage).toBe('awaiting_plan_approval');
    const approved = await call('POST', `/api/issues/${issue.id}/approve-plan`, { token });
    expect(approved.status).toBe(202);
    expect(((await approved.json()) as { dispatch: { status: string } }).dispatch.status).toBe('dispatched');
    expect(h.backend.dispatched.at(-1)!.payload.phase).toBe('implementation');
    expect((await call('POST', `/api/issues/${issue.id}/approve-plan`, { token })).status).toBe(409);
  });
});
