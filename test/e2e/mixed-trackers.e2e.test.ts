import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DispatchPayload } from '../../src/runners/types.ts';
import {
  createFakeGitHub,
  generateTestAppKeyPair,
  type FakeGitHub,
} from '../fakes/github/fake-github-server.ts';
import { startFakeJira, type FakeJira } from '../fakes/jira/fake-jira-server.ts';
import { startFakeLinear, type FakeLinear } from '../fakes/linear/fake-linear-server.ts';
import { freePort } from '../support/free-port.ts';
import { eventually, startOrchestrator, type OrchestratorProcess } from './orchestrator-process.ts';

const APP_ID = 5151;
const ACCESS_CODE = 'mixed-access-code-123';
const INPUTS = ['issue_id', 'issue_identifier', 'payload'];

let github: FakeGitHub;
let linear: FakeLinear;
let jira: FakeJira;
let orchestrator: OrchestratorProcess;
let adminToken: string;

async function api(method: string, route: string, body?: unknown) {
  const response = await fetch(orchestrator.url + route, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const payloads = () => github.dispatches.map((d) => JSON.parse(String(d.inputs.payload)) as DispatchPayload);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  const keys = generateTestAppKeyPair();
  github = await createFakeGitHub({ appId: APP_ID, publicKey: keys.publicKey });
  for (const repo of ['api', 'jira-repo']) {
    github.addRepo({
      owner: 'acme',
      repo,
      defaultBranch: 'main',
      workflows: [{ file: 'claude-implement.yml', inputs: INPUTS }],
    });
  }
  github.addInstallation({ id: 78, account: 'acme', repos: ['acme/api', 'acme/jira-repo'] });
  linear = await startFakeLinear({ apiKey: 'lin_api_mixed' });
  linear.addTeam({ key: 'ENG' });
  jira = await startFakeJira({ auth: 'bearer', repoOptions: ['jira-repo'] });
  jira.addProject({ key: 'OPS' });
  const port = await freePort();
  orchestrator = await startOrchestrator(
    {
      GITHUB_APP_ID: String(APP_ID),
      GITHUB_APP_PRIVATE_KEY: keys.privateKey,
      GITHUB_API_URL: github.url,
      LINEAR_API_KEY: linear.apiKey,
      LINEAR_API_URL: linear.url,
      JIRA_TOKEN: jira.token,
      JIRA_API_URL: jira.apiUrl,
      JIRA_SITE_URL: jira.siteUrl,
      ADMIN_ACCESS_CODE: ACCESS_CODE,
      POLL_INTERVAL_MS: '1000',
      DEDUP_DB_PATH: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ai-implement-mixed-')), 'dedup.sqlite'),
      RUNNER_TOKEN_SECRET: 'mixed-runner-token-secret-0123456789abcdef',
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
  await Promise.all([github?.close(), linear?.close(), jira?.close()]);
});

describe('one orchestrator, a Linear and a Jira mapping', () => {
  it('dispatches from both, each within its own bucket, and moves markers in both trackers', async () => {
    const base = { owner: 'acme', defaultBranch: 'main', planningEnabled: false, maxInProgressAiIssues: 1 };
    expect((await api('POST', '/api/mappings', { ...base, teamKey: 'ENG', repo: 'api' })).status).toBe(201);
    const badJql = await api('POST', '/api/mappings', {
      ...base,
      teamKey: 'OPS',
      repo: 'jira-repo',
      ticketingProvider: 'jira',
      ticketingConfig: { kind: 'jira', jql: 'project = = OPS', repoFieldValue: 'jira-repo' },
    });
    expect(badJql.status).toBe(400);
    const jiraMapping = {
      ...base,
      teamKey: 'OPS',
      repo: 'jira-repo',
      ticketingProvider: 'jira',
      ticketingConfig: { kind: 'jira', jql: 'project = OPS', repoFieldValue: 'jira-repo' },
    };
    expect((await api('POST', '/api/mappings', jiraMapping)).status).toBe(201);
    expect((await api('POST', '/api/jira/validate-jql', { jql: 'project = OPS' })).body).toMatchObject({
      valid: true,
    });

    const l1 = linear.addIssue({ team: 'ENG', title: 'Linear one', priority: 1, labels: ['AI-Implement'] });
    linear.addIssue({ team: 'ENG', title: 'Linear two', priority: 2, labels: ['AI-Implement'] });
    const ready = { 'AI-Implement Status': 'Ready', 'AI-Implement Repo': 'jira-repo' };
    const j1 = jira.addIssue({ project: 'OPS', summary: 'Jira one', priority: 'Highest', fields: ready });
    const j2 = jira.addIssue({ project: 'OPS', summary: 'Jira two', priority: 'Low', fields: ready });

    await eventually('one dispatch per bucket', async () =>
      github.dispatches.length >= 2 ? true : undefined,
    );
    await sleep(2_500);
    expect(
      payloads()
        .map((p) => [p.issue.provider, p.issue.identifier])
        .sort(),
    ).toEqual(
      [
        ['jira', j1.key],
        ['linear', l1.identifier],
      ].sort(),
    );
    expect(github.dispatches.map((d) => d.repo).sort()).toEqual(['api', 'jira-repo']);
    expect(jira.fieldValue(j1.key, jira.statusField!.id)).toBe('Implementing');
    expect(linear.getIssue(l1.id)?.labels).toEqual(['AI-Working']);

    const blockers = (await api('GET', '/api/blockers')).body as {
      blockers: { mapping: string; reason: string; bucket: string }[];
    };
    expect(blockers.blockers.map((b) => [b.mapping, b.reason, b.bucket]).sort()).toEqual(
      [
        ['ENG', 'capacity', 'linear:ENG'],
        ['OPS', 'capacity', 'jira:OPS'],
      ].sort(),
    );

    // The Jira run reports a PR: PR Ready, and the Jira bucket's next issue goes; Linear's waits.
    const jiraRun = payloads().find((p) => p.issue.provider === 'jira')!;
    const result = await fetch(`${orchestrator.url}/runner/result`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${jiraRun.callback!.resultToken}`,
      },
      body: JSON.stringify({
        status: 'success',
        prUrl: 'https://github.com/acme/jira-repo/pull/3',
        branch: 'ai/ops-1',
      }),
    });
    expect(result.status).toBe(200);
    expect(jira.fieldValue(j1.key, jira.statusField!.id)).toBe('PR Ready');
    await eventually('the second Jira issue', async () => (github.dispatches.length >= 3 ? true : undefined));
    expect(payloads()[2]!.issue.identifier).toBe(j2.key);
    await sleep(1_500);
    expect(github.dispatches).toHaveLength(3);

    github.assertNoViolations();
    linear.assertNoRejections();
    jira.assertNoRejections();
  }, 90_000);
});
