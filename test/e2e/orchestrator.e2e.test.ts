import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunTokenSigner } from '../../src/orchestrator/run-tokens.ts';
import type { DispatchPayload } from '../../src/runners/types.ts';
import {
  createFakeGitHub,
  generateTestAppKeyPair,
  type FakeGitHub,
} from '../fakes/github/fake-github-server.ts';
import { startFakeLinear, type FakeLinear } from '../fakes/linear/fake-linear-server.ts';
import { freePort } from '../support/free-port.ts';
import { eventually, startOrchestrator, type OrchestratorProcess } from './orchestrator-process.ts';

const APP_ID = 4242;
const ACCESS_CODE = 'e2e-access-code-123';
const TOKEN_SECRET = 'e2e-runner-token-secret-0123456789abcdef';
const INPUTS = ['issue_id', 'issue_identifier', 'payload'];

let github: FakeGitHub;
let linear: FakeLinear;
let orchestrator: OrchestratorProcess;
let env: Record<string, string>;
let port: number;
let adminToken: string;

async function api<T = Record<string, unknown>>(
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(orchestrator.url + route, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function runner(route: '/runner/result' | '/runner/progress', token: string, body: unknown) {
  const response = await fetch(orchestrator.url + route, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const payloads = () => github.dispatches.map((d) => JSON.parse(String(d.inputs.payload)) as DispatchPayload);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  const keys = generateTestAppKeyPair();
  github = await createFakeGitHub({ appId: APP_ID, publicKey: keys.publicKey });
  github.addRepo({
    owner: 'acme',
    repo: 'api',
    defaultBranch: 'main',
    workflows: [
      { file: 'claude-implement.yml', inputs: INPUTS },
      { file: 'claude-plan.yml', inputs: INPUTS },
    ],
  });
  github.addInstallation({ id: 77, account: 'acme', repos: ['acme/api'] });
  linear = await startFakeLinear({ apiKey: 'lin_api_e2e' });
  linear.addTeam({ key: 'ENG' });
  port = await freePort();
  env = {
    GITHUB_APP_ID: String(APP_ID),
    // As operators set it: one line, newlines written as \n.
    GITHUB_APP_PRIVATE_KEY: keys.privateKey.trim().replace(/\n/g, '\\n'),
    GITHUB_API_URL: github.url,
    LINEAR_API_KEY: linear.apiKey,
    LINEAR_API_URL: linear.url,
    ADMIN_ACCESS_CODE: ACCESS_CODE,
    POLL_INTERVAL_MS: '1000',
    DEDUP_DB_PATH: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ai-implement-e2e-')), 'dedup.sqlite'),
    RUNNER_TOKEN_SECRET: TOKEN_SECRET,
    RUNNER_CALLBACK_BASE_URL: `http://127.0.0.1:${port}`,
  };
  orchestrator = await startOrchestrator(env, port);
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

describe('orchestrator end to end (npm start against fake Linear and GitHub)', () => {
  it('walks a team from labelled tickets to results, and survives a restart without dispatching twice', async () => {
    expect(
      (
        await api('POST', '/api/mappings', {
          teamKey: 'ENG',
          owner: 'acme',
          repo: 'api',
          defaultBranch: 'main',
        })
      ).status,
    ).toBe(201);

    const prerequisite = linear.addIssue({ team: 'ENG', title: 'Prerequisite', state: 'In Progress' });
    const label = (title: string, priority: number, blockedBy?: string[]) =>
      linear.addIssue({ team: 'ENG', title, priority, state: 'Todo', labels: ['AI-Implement'], blockedBy });
    const a = label('Export users', 1);
    const b = label('Import users', 2);
    const c = label('Audit log', 3);
    const d = label('Dark mode', 4);
    const blocked = label('Needs prerequisite', 1, [prerequisite.id]);

    // Exactly three planning dispatches (the cap), in priority order; the rest are blockers.
    await eventually('three dispatches', async () => (github.dispatches.length >= 3 ? true : undefined));
    await sleep(2_500);
    expect(github.dispatches.map((x) => [x.workflow, x.ref])).toEqual([
      ['claude-plan.yml', 'main'],
      ['claude-plan.yml', 'main'],
      ['claude-plan.yml', 'main'],
    ]);
    expect(payloads().map((p) => p.issue.identifier)).toEqual([a.identifier, b.identifier, c.identifier]);
    expect(github.dispatches[0]!.inputs).toMatchObject({ issue_id: a.id, issue_identifier: a.identifier });
    const blockers = await api<{ total: number; blockers: { identifier: string; reason: string }[] }>(
      'GET',
      '/api/blockers',
    );
    expect(blockers.body.blockers.map((x) => [x.identifier, x.reason]).sort()).toEqual(
      [
        [blocked.identifier, 'dependency'],
        [d.identifier, 'capacity'],
      ].sort(),
    );
    for (const issue of [a, b, c]) {
      expect(linear.getIssue(issue.id)).toMatchObject({
        labels: ['AI-Planning'],
        state: { name: 'In Progress' },
      });
    }
    expect(linear.getIssue(d.id)?.labels).toEqual(['AI-Implement']);

    // Planning succeeds → Plan-Complete, and the auto-approved implementation run is dispatched.
    const planning = payloads()[0]!;
    expect(planning.callback?.url).toBe(`http://127.0.0.1:${port}`);
    expect(
      (await runner('/runner/result', planning.callback!.resultToken, { status: 'success', summary: 'plan' }))
        .status,
    ).toBe(200);
    await eventually('implementation dispatch', async () =>
      github.dispatches.length >= 4 ? true : undefined,
    );
    const implementation = payloads()[3]!;
    expect([github.dispatches[3]!.workflow, implementation.phase, implementation.issue.id]).toEqual([
      'claude-implement.yml',
      'implementation',
      a.id,
    ]);
    expect(linear.getIssue(a.id)?.labels).toEqual(['AI-Working']);

    // Progress and the result: the PR is recorded, the ticket is Ready for Review, the slot frees.
    const progressToken = implementation.callback!.progressToken;
    expect(
      (await runner('/runner/progress', progressToken, { step: 'implement', status: 'started' })).status,
    ).toBe(200);
    expect(
      (
        await runner('/runner/progress', progressToken, {
          step: 'implement',
          status: 'succeeded',
          elapsedMs: 4200,
        })
      ).status,
    ).toBe(200);
    const result = {
      status: 'success',
      prUrl: 'https://github.com/acme/api/pull/12',
      branch: 'ai-implement/eng-1',
      summary: 'Added export',
      usage: { costUsd: 0.42, inputTokens: 1000, outputTokens: 200, turns: 12 },
    };
    expect((await runner('/runner/result', implementation.callback!.resultToken, result)).status).toBe(200);
    expect(linear.getIssue(a.id)?.labels).toEqual(['Ready for Review']);
    await eventually('the fourth issue dispatched', async () =>
      github.dispatches.length >= 5 ? true : undefined,
    );
    expect(payloads()[4]!.issue.identifier).toBe(d.identifier);

    // Replays, conflicts and forgeries.
    expect((await runner('/runner/result', implementation.callback!.resultToken, result)).body).toMatchObject(
      { duplicate: true },
    );
    expect(
      (await runner('/runner/result', implementation.callback!.resultToken, { ...result, summary: 'other' }))
        .status,
    ).toBe(409);
    const forged = await createRunTokenSigner('someone-else-secret-0123456789abcdef').mint(
      implementation.dispatchId,
      new Date(Date.now() + 60_000),
    );
    expect((await runner('/runner/result', forged.resultToken, result)).status).toBe(401);
    expect((await runner('/runner/result', progressToken, result)).status).toBe(401);

    // The views agree.
    const log = await api<{
      jobs: { issue: { identifier: string }; dispatches: { phase: string; dispatchNumber: number }[] }[];
    }>('GET', '/api/log');
    const jobOfA = log.body.jobs.find((job) => job.issue.identifier === a.identifier)!;
    expect(jobOfA.dispatches.map((x) => [x.phase, x.dispatchNumber])).toEqual([
      ['planning', 1],
      ['implementation', 2],
    ]);
    const jobId = (
      await api<{ jobs: { jobId: string; issue: { identifier: string } }[] }>('GET', '/api/log')
    ).body.jobs.find((job) => job.issue.identifier === a.identifier)!.jobId;
    const steps = await api<{ steps: { step: string; status: string; elapsedMs: number | null }[] }>(
      'GET',
      `/api/jobs/${jobId}/steps`,
    );
    expect(steps.body.steps.map((s) => [s.step, s.status, s.elapsedMs])).toEqual([
      ['implement', 'started', null],
      ['implement', 'succeeded', 4200],
    ]);
    const pulls = await api<{
      pulls: { number: number; status: string; costUsd: number; issue: { identifier: string } }[];
    }>('GET', '/api/pulls');
    expect(pulls.body.pulls).toMatchObject([
      { number: 12, status: 'completed', costUsd: 0.42, issue: { identifier: a.identifier } },
    ]);
    const issues = await api<{ issues: { identifier: string; stage: string }[] }>('GET', '/api/issues');
    expect(Object.fromEntries(issues.body.issues.map((i) => [i.identifier, i.stage]))).toMatchObject({
      [a.identifier]: 'pr_open',
      [b.identifier]: 'planning',
      [d.identifier]: 'planning',
      [blocked.identifier]: 'planning_pending',
    });

    // Restart on the same database: nothing is dispatched twice.
    await orchestrator.stop();
    expect(orchestrator.output()).toContain('shutting down');
    orchestrator = await startOrchestrator(env, port);
    await sleep(3_000);
    expect(github.dispatches).toHaveLength(5);
    expect((await api<{ total: number }>('GET', '/api/blockers')).body.total).toBeGreaterThanOrEqual(1);

    const status = await api<{ checks: { name: string; ok: boolean; detail: string }[] }>(
      'GET',
      '/api/admin/config-status',
    );
    expect(Object.fromEntries(status.body.checks.map((check) => [check.name, check.ok]))).toEqual({
      'ticketing:linear': true,
      'github-app': true,
      'runner-callback': true,
      'github-webhook': false,
      'gap-fill-trigger': false,
    });

    github.assertNoViolations();
    linear.assertNoRejections();
    for (const secret of [
      linear.apiKey,
      ACCESS_CODE,
      TOKEN_SECRET,
      adminToken,
      implementation.callback!.resultToken,
    ]) {
      expect(orchestrator.output()).not.toContain(secret);
      expect(JSON.stringify(status.body)).not.toContain(secret);
    }
  }, 90_000);
});

describe('start-up without configuration', () => {
  it('stops and names each missing variable and where to get it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-implement-e2e-empty-'));
    const started = startOrchestrator({ DEDUP_DB_PATH: path.join(dir, 'x.sqlite') });
    const error = await started.then(
      () => undefined,
      (failure: unknown) => String(failure),
    );
    expect(error).toMatch(/exited with 1/);
    expect(error).toMatch(/GITHUB_APP_ID is required: .*App ID/);
    expect(error).toMatch(/GITHUB_APP_PRIVATE_KEY/);
    expect(error).toMatch(/LINEAR_API_KEY/);
  }, 30_000);
});
