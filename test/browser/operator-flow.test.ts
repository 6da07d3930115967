import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DispatchPayload } from '../../src/runners/types.ts';
import { startOrchestrator, type OrchestratorProcess } from '../e2e/orchestrator-process.ts';
import {
  createFakeGitHub,
  generateTestAppKeyPair,
  type FakeGitHub,
} from '../fakes/github/fake-github-server.ts';
import { startFakeLinear, type FakeLinear } from '../fakes/linear/fake-linear-server.ts';
import { freePort } from '../support/free-port.ts';
import { launchChromium, screenshot, watchPage } from './browser-support.ts';

/**
 * The operator's path through the admin UI in a real browser, against the real process
 * (`npm start`) with fake Linear and GitHub: sign in (wrong, then right code), create a project
 * through all eight stepper steps (with refused values), watch a labelled ticket's dispatch
 * appear live, follow a job's steps, pause the project, delete a dedup row, sign out.
 */

const ACCESS_CODE = 'browser-access-code-42';
const TOKEN_SECRET = 'browser-runner-token-secret-0123456789abcdef';
const HOSTILE_TITLE = '<img src=x onerror="alert(1)"><script>alert("xss")</script> Export & import';

let github: FakeGitHub;
let linear: FakeLinear;
let orchestrator: OrchestratorProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let seen: ReturnType<typeof watchPage>;

async function bearer(): Promise<string> {
  const response = await fetch(`${orchestrator.url}/api/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: ACCESS_CODE }),
  });
  return ((await response.json()) as { token: string }).token;
}

async function apiGet<T>(route: string, token: string): Promise<T> {
  const response = await fetch(orchestrator.url + route, { headers: { authorization: `Bearer ${token}` } });
  return (await response.json()) as T;
}

beforeAll(async () => {
  const keys = generateTestAppKeyPair();
  github = await createFakeGitHub({ appId: 4343, publicKey: keys.publicKey });
  const inputs = ['issue_id', 'issue_identifier', 'payload'];
  github.addRepo({
    owner: 'acme',
    repo: 'api',
    defaultBranch: 'main',
    workflows: [
      { file: 'claude-implement.yml', inputs },
      { file: 'claude-plan.yml', inputs },
    ],
  });
  github.addInstallation({ id: 78, account: 'acme', repos: ['acme/api'] });
  linear = await startFakeLinear({ apiKey: 'lin_api_browser' });
  linear.addTeam({ key: 'ENG' });
  const port = await freePort();
  orchestrator = await startOrchestrator(
    {
      GITHUB_APP_ID: '4343',
      GITHUB_APP_PRIVATE_KEY: keys.privateKey.trim().replace(/\n/g, '\\n'),
      GITHUB_API_URL: github.url,
      LINEAR_API_KEY: linear.apiKey,
      LINEAR_API_URL: linear.url,
      ADMIN_ACCESS_CODE: ACCESS_CODE,
      POLL_INTERVAL_MS: '1000',
      DEDUP_DB_PATH: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ai-implement-ui-')), 'dedup.sqlite'),
      RUNNER_TOKEN_SECRET: TOKEN_SECRET,
      RUNNER_CALLBACK_BASE_URL: `http://127.0.0.1:${port}`,
    },
    port,
  );
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  page = await context.newPage();
  seen = watchPage(page);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await orchestrator?.stop();
  await github?.close();
  await linear?.close();
});

describe('the admin UI in a real browser against npm start', () => {
  it('signs in with a wrong, then the right access code', async () => {
    await page.goto(`${orchestrator.url}/admin`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/admin/sign-in');
    await page.getByLabel('Access code').fill('not-the-code');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong access code.' }).waitFor();
    await screenshot(page, 'sign-in-wrong-code');
    // Wrong codes are slowed down (500 ms after the first); wait that out as a person would.
    await page.waitForTimeout(700);
    await page.getByLabel('Access code').fill(ACCESS_CODE);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/overview');
    const cookie = (await context.cookies()).find((c) => c.name === 'ai_implement_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
  });

  it('creates a project through every step of the stepper, refusing bad values inline', async () => {
    await page.getByRole('link', { name: 'Projects' }).click();
    await page.getByRole('link', { name: '+ New project' }).click();
    const next = page.getByRole('button', { name: 'Next' });
    const current = page.locator('[data-nav-step][aria-current="step"] .step-title');

    await expect.poll(() => current.textContent()).toBe('Ticketing System');
    await page.getByLabel('Team key').fill('ENG');
    await next.click();

    await expect.poll(() => current.textContent()).toBe('Source');
    await page.getByLabel('GitHub owner').fill('acme');
    await page.getByLabel('Repository name').fill('api repo!');
    await next.click();
    // Refused by the server's rules, shown next to each field; the step does not advance.
    await expect.poll(() => page.locator('#err-repo').textContent()).toMatch(/only letters, digits/);
    await expect.poll(() => page.locator('#err-defaultBranch').textContent()).toMatch(/is required/);
    expect(await page.getByLabel('Repository name').getAttribute('aria-invalid')).toBe('true');
    expect(await current.textContent()).toBe('Source');
    await screenshot(page, 'stepper-source-refused');
    await page.getByLabel('Repository name').fill('api');
    await page.getByLabel(/Default branch/).fill('main');
    await next.click();

    await expect.poll(() => current.textContent()).toBe('Planning');
    expect(await page.getByLabel('Run a planning phase first').isChecked()).toBe(true);
    await next.click();
    await expect.poll(() => current.textContent()).toBe('Runner');
    await next.click();

    await expect.poll(() => current.textContent()).toBe('Provider');
    await page.getByLabel('AWS Bedrock').check();
    await next.click();
    await expect
      .poll(() => page.locator('#err-awsRegion').textContent())
      .toBe('is required when provider is bedrock');
    await page.getByLabel('Anthropic').check();
    await next.click();

    await expect.poll(() => current.textContent()).toBe('Capacity');
    await page.getByLabel(/maxTurns/).fill('0');
    await next.click();
    await expect.poll(() => page.locator('#err-maxTurns').textContent()).toMatch(/at least 1/);
    await page.getByLabel(/maxTurns/).fill('40');
    await page.getByLabel(/maxJobMinutes/).fill('60');
    await page.getByLabel(/ignoredChecks/).fill('coverage,  preview-deploy ,');
    await page.getByLabel(/maxRunCostUsd/).fill('2.5');
    await page.getByLabel(/dailyBudgetUsd/).fill('40');
    await page.getByLabel(/maxPullRequestsAwaitingReview/).fill('3');
    await next.click();

    await expect.poll(() => current.textContent()).toBe('Secrets');
    await next.click();
    await expect.poll(() => current.textContent()).toBe('Review');
    const summary = page.locator('[data-review-summary]');
    await expect.poll(() => summary.textContent()).toContain('claude-implement.yml');
    await screenshot(page, 'stepper-review');
    await page.getByRole('button', { name: 'Create project' }).click();

    await page.getByText('Project ENG saved.').waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/projects');
    const { mappings } = await apiGet<{ mappings: Record<string, unknown>[] }>(
      '/api/mappings',
      await bearer(),
    );
    expect(mappings).toMatchObject([
      {
        teamKey: 'ENG',
        owner: 'acme',
        repo: 'api',
        defaultBranch: 'main',
        maxTurns: 40,
        maxJobMinutes: 60,
        ignoredChecks: ['coverage', 'preview-deploy'],
        maxCiFixAttempts: 2,
        maxRunCostUsd: 2.5,
        dailyBudgetUsd: 40,
        maxPullRequestsAwaitingReview: 3,
      },
    ]);
  });

  it('shows a labelled ticket’s dispatch live on the Overview and in Pipelines, titles as text', async () => {
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByText('No runs in flight.').waitFor();
    const issue = linear.addIssue({ team: 'ENG', title: HOSTILE_TITLE, labels: ['AI-Implement'] });

    // No reload: the running-jobs table refreshes itself.
    const running = page.locator('table[data-live="running-jobs"]');
    await expect.poll(() => running.textContent(), { timeout: 20_000 }).toContain(issue.identifier);
    expect(await running.textContent()).toContain(HOSTILE_TITLE);
    await expect.poll(() => page.locator('[data-kpi="running"]').textContent()).toBe('1');
    await page.locator('[data-live="config-status"] .checks').waitFor();
    await screenshot(page, 'work-overview', true);

    await page.getByRole('link', { name: 'Pipelines', exact: true }).click();
    const row = page.locator('table.jobs tbody tr').first();
    expect(await row.textContent()).toContain(issue.identifier);
    expect(await row.textContent()).toContain(HOSTILE_TITLE);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(seen.alerts).toEqual([]);
    await screenshot(page, 'work-pipelines');

    // A job's steps refresh while it runs.
    await row.getByRole('link', { name: issue.identifier, exact: true }).click();
    await page.getByText('No progress reported yet.').waitFor();
    const payload = JSON.parse(String(github.dispatches[0]!.inputs.payload)) as DispatchPayload;
    const progress = await fetch(`${orchestrator.url}/runner/progress`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${payload.callback!.progressToken}`,
      },
      body: JSON.stringify({ step: 'analyze-codebase', status: 'started', elapsedMs: 1500 }),
    });
    expect(progress.status).toBe(200);
    const steps = page.locator('table[data-live="job-steps"]');
    await expect.poll(() => steps.textContent(), { timeout: 15_000 }).toContain('analyze-codebase');
    // …and so does the run log, with the same refresh.
    expect(await page.locator('[data-live="run-log"]').textContent()).toContain('analyze-codebase started');
    await screenshot(page, 'work-job-steps');
  });

  it('renders every other panel, pauses the project, deletes a dedup row and signs out', async () => {
    for (const [group, label] of [
      ['work', 'Issues'],
      ['work', 'Pull requests'],
      ['work', 'Blockers'],
      ['configure', 'Pipelines & steps'],
      ['configure', 'Models & providers'],
      ['platform', 'Runners'],
      ['platform', 'Sessions'],
      ['platform', 'Reaper'],
      ['platform', 'Secrets'],
      ['platform', 'Settings'],
      ['developer', 'Customizations'],
    ] as const) {
      await page.getByRole('navigation').getByRole('link', { name: label, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: label }).waitFor();
      await screenshot(page, `${group}-${label.toLowerCase().replace(/[^a-z]+/g, '-')}`, true);
    }

    await page.getByRole('link', { name: 'Projects' }).click();
    await page.getByRole('button', { name: 'Pause ENG' }).click();
    await page.getByRole('button', { name: 'Resume ENG' }).waitFor();
    expect(await page.locator('tr[data-team-key="ENG"] .badge').textContent()).toBe('paused');
    await screenshot(page, 'configure-projects');
    const token = await bearer();
    const { mappings } = await apiGet<{ mappings: { paused: boolean }[] }>('/api/mappings', token);
    expect(mappings[0]!.paused).toBe(true);

    await page.getByRole('link', { name: 'Audit log' }).click();
    const identifier = `ENG-1`;
    await page.getByRole('button', { name: `Remove ${identifier} from the dedup window` }).click();
    await page.getByText(`Done: Remove ${identifier} from the dedup window.`).waitFor();
    // Its run is still in flight: the question says what removing the entry does to it.
    expect(seen.confirms).toEqual([
      `${identifier} has a planning run in flight. Removing it from the dedup window neither stops nor repeats that run: ` +
        `it goes on, and once it ends the next poll may dispatch ${identifier} again if it still carries the AI-Implement label. Remove it?`,
    ]);
    expect(await page.getByText('The dedup window is empty:').count()).toBe(0);
    await page.reload();
    await page.getByText('The dedup window is empty:').waitFor();
    await screenshot(page, 'developer-audit-log');
    const dedup = await apiGet<{ entries: unknown[] }>('/api/dedup', token);
    expect(dedup.entries).toEqual([]);

    const session = (await context.cookies()).find((c) => c.name === 'ai_implement_session')!.value;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    expect((await context.cookies()).some((c) => c.name === 'ai_implement_session')).toBe(false);
    // Ended on the server too: the old cookie no longer opens the API.
    const replay = await fetch(`${orchestrator.url}/api/mappings`, {
      headers: { cookie: `ai_implement_session=${session}` },
    });
    expect(replay.status).toBe(401);
    await page.goto(`${orchestrator.url}/admin/overview`);
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
    expect(seen.alerts).toEqual([]);
    expect(seen.errors).toEqual([]);
  });
});
