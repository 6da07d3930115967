import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFlyClient } from '../../src/fly/fly-client.ts';
import { createGitHubAppClient } from '../../src/github/github-app.ts';
import { createFakeGitHub, type FakeGitHub } from '../fakes/github/fake-github-server.ts';
import { APP_ID, APP_KEYS, silentLog } from '../github/github-test-setup.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { createPlatform } from '../../src/orchestrator/platform/platform.ts';
import { createFlyMachinesClient } from '../../src/fly/machines.ts';
import { createSessionsService } from '../../src/orchestrator/sessions/sessions.ts';
import { createReaper, type Reaper } from '../../src/orchestrator/reaper/reaper.ts';
import { startFakeFly, type FakeFly } from '../fakes/fly/fake-fly-server.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';
import { launchChromium, screenshot, serveApp, watchPage } from './browser-support.ts';

/**
 * The Platform forms in a real browser with JavaScript turned off (they are plain HTML posts):
 * the runner-mode toggle on Reaper and Runners, the Settings form with inline validation, and
 * adding and deleting per-project and global secrets against the fake Fly. A random secret
 * value never appears in any page or log line.
 */

const CODE = 'platform-browser-code';
const APP = 'ai-sessions';
let h: Harness;
let fly: FakeFly;
let github: FakeGitHub;
let server: Awaited<ReturnType<typeof serveApp>>;
let browser: Browser;
let page: Page;
let seen: ReturnType<typeof watchPage>;
const logLines: string[] = [];
let dryReaper: Reaper;
const platformMachines = () =>
  createFlyMachinesClient(createFlyClient({ apiUrl: fly.url, token: fly.token }), { minDelayMs: 1 });
const pages: string[] = [];

beforeAll(async () => {
  h = await createHarness();
  // The session cookie expires by the harness clock: bring it to the browser's now.
  h.advance(Date.now() - h.ctx.clock().getTime());
  fly = await startFakeFly();
  fly.addApp(APP);
  await h.addMapping({ teamKey: 'ENG' });
  await h.addMapping({ teamKey: 'OPS', repo: 'ops' });
  github = await createFakeGitHub({ appId: APP_ID, publicKey: APP_KEYS.publicKey });
  github.addRepo({ owner: 'acme', repo: 'api' });
  github.addRepo({ owner: 'acme', repo: 'ops' });
  github.addInstallation({ id: 1, account: 'acme', repos: ['acme/api'], permissions: { secrets: 'write' } });
  github.addInstallation({ id: 2, account: 'acme', repos: ['acme/ops'], permissions: { metadata: 'read' } });
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
    envSettings: { flySessionsApp: APP },
    fly: createFlyClient({ apiUrl: fly.url, token: fly.token }),
    github: createGitHubAppClient({
      appId: APP_ID,
      privateKey: APP_KEYS.privateKey,
      baseUrl: github.url,
      log: silentLog,
    }),
    clock: h.ctx.clock,
    logger,
  });
  h.ctx.runnerMode = () => platform.runnerMode.effective();
  platform.sessions = createSessionsService({
    ctx: h.ctx,
    machines: platformMachines(),
    app: () => APP,
  });
  const reaperOptions = {
    ctx: h.ctx,
    machines: platformMachines(),
    app: () => APP,
    alertThreshold: 10,
    tenant: 'acme',
  };
  platform.reaper = createReaper({ ...reaperOptions, dryRun: false });
  dryReaper = createReaper({ ...reaperOptions, dryRun: true });
  server = await serveApp(
    createHttpApp({ orchestrator: h.ctx, adminAccessCode: CODE, statusChecks: async () => [], platform }),
  );
  browser = await launchChromium();
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    javaScriptEnabled: false,
  });
  page = await context.newPage();
  page.on('response', (response) => {
    if (response.headers()['content-type']?.startsWith('text/html')) {
      void response.text().then(
        (text) => pages.push(text),
        () => undefined,
      );
    }
  });
  seen = watchPage(page);
  page.setDefaultTimeout(10_000);
  await page.goto(`${server.url}/admin/secrets`);
  await page.getByLabel('Access code').fill(CODE);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Secrets' }).waitFor();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fly?.close();
  await github?.close();
  await h?.close();
});

describe('Platform forms (plain HTML posts; the stepper with its script)', () => {
  it('adds, validates and deletes secrets; the value never comes back', async () => {
    const value = `browser-${randomBytes(12).toString('hex')}`;
    const eng = page.getByRole('form', { name: 'Add secret for ENG' });
    await eng.getByLabel('Name of the secret for ENG').fill('BAD-NAME');
    await eng.getByLabel('Value (write-only: never shown again)').fill(value);
    await eng.getByRole('button', { name: 'Save secret for ENG' }).click();
    await expect
      .poll(() => page.locator('#secret-ENG-name-err').textContent())
      .toMatch(/letters, digits and underscores/);
    expect(await page.locator('#secret-ENG-name').inputValue()).toBe('BAD-NAME');
    expect(await page.locator('#secret-ENG-value').inputValue()).toBe('');

    await page.locator('#secret-ENG-name').fill('MY_TOKEN');
    await page.locator('#secret-ENG-value').fill(value);
    await page.getByRole('button', { name: 'Save secret for ENG' }).click();
    await page.getByText('Secret ENG_MY_TOKEN saved.').waitFor();
    await page.locator('tr[data-secret="ENG_MY_TOKEN"]').waitFor();
    expect(fly.apps.get(APP)!.get('ENG_MY_TOKEN')!.value).toBe(value);

    const global = page.getByRole('form', { name: 'Add global secret' });
    await global.getByLabel('Name of the global secret').fill('OPS_SHARED');
    await global.getByLabel('Value (write-only: never shown again)').fill(value);
    await global.getByRole('button', { name: 'Save global secret' }).click();
    await expect
      .poll(() => page.locator('#secret-global-name-err').textContent())
      .toMatch(/project mapping OPS/);
    await page.locator('#secret-global-name').fill('SHARED');
    await page.locator('#secret-global-value').fill(value);
    await page.getByRole('button', { name: 'Save global secret' }).click();
    await page.locator('tr[data-secret="SHARED"]').waitFor();
    await screenshot(page, 'platform-secrets', true);

    await page.getByRole('button', { name: 'Delete ENG_MY_TOKEN' }).click();
    await page.getByText('Secret ENG_MY_TOKEN deleted.').waitFor();
    expect(fly.apps.get(APP)!.has('ENG_MY_TOKEN')).toBe(false);
    expect(await page.locator('table[aria-label="Recent secret changes"]').textContent()).toContain(
      'ENG_MY_TOKEN',
    );

    for (const text of [...pages, ...logLines]) expect(text).not.toContain(value);
    expect(fly.violations).toEqual([]);
  });

  it('writes a team secret into the repository’s Actions secrets, or says the App lacks the permission', async () => {
    const value = `gh-browser-${randomBytes(12).toString('hex')}`;
    await page.goto(`${server.url}/admin/secrets`);
    const eng = page.getByRole('form', { name: 'Write GitHub Actions secret for ENG' });
    await eng.getByLabel('Name of the GitHub Actions secret for ENG').fill('DEPLOY_KEY');
    await eng.getByLabel('Value (write-only: never shown again)').fill(value);
    await eng.getByRole('button', { name: 'Write to GitHub' }).click();
    await page.getByText('Secret DEPLOY_KEY written to the Actions secrets of acme/api.').waitFor();
    expect(github.actionsSecret('acme', 'api', 'DEPLOY_KEY')).toBe(value);

    const ops = page.getByRole('form', { name: 'Write GitHub Actions secret for OPS' });
    await ops.getByLabel('Name of the GitHub Actions secret for OPS').fill('DEPLOY_KEY');
    await ops.getByLabel('Value (write-only: never shown again)').fill(value);
    await ops.getByRole('button', { name: 'Write to GitHub' }).click();
    await page
      .getByText(/Secrets: Read and write/)
      .first()
      .waitFor();
    expect(await page.locator('#github-secret-OPS-name').inputValue()).toBe('DEPLOY_KEY');
    for (const text of [...pages, ...logLines]) expect(text).not.toContain(value);
    github.assertNoViolations();
  });

  it('stores the stepper’s Secrets step rows once the project is saved (with JavaScript)', async () => {
    const value = `stepper-${randomBytes(12).toString('hex')}`;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies(await page.context().cookies());
    const js = await context.newPage();
    js.setDefaultTimeout(10_000);
    const jsSeen = watchPage(js);
    await js.goto(`${server.url}/admin/projects/ENG/edit`);
    const stepper = js.locator('#project-stepper');
    // Each Next is checked by the API before the step changes: wait for it every time.
    const next = async (step: number) => {
      await js.getByRole('button', { name: 'Next' }).click();
      await js.locator(`[data-nav-step="${step}"][aria-current="step"]`).waitFor();
    };
    let step = 0;
    while (!(await stepper.locator('fieldset[data-step-id="secrets"]').isVisible())) await next(++step);
    await js.getByLabel('Secret 1 name').fill('STEPPER_KEY');
    await js.getByLabel('Secret 1 value').fill(value);
    while (await js.getByRole('button', { name: 'Next' }).isVisible()) await next(++step);
    await js.getByRole('button', { name: 'Save project' }).click();
    await js.waitForURL(/\/admin\/projects\?saved=ENG/);
    expect(fly.apps.get(APP)!.get('ENG_STEPPER_KEY')!.value).toBe(value);

    // With JavaScript, a secret's Delete asks first, saying what it does to runs.
    await js.goto(`${server.url}/admin/secrets`);
    await js.getByRole('button', { name: 'Delete ENG_STEPPER_KEY' }).click();
    await js.getByText('Secret ENG_STEPPER_KEY deleted.').waitFor();
    expect(jsSeen.confirms).toEqual([
      'Delete ENG_STEPPER_KEY? Runs dispatched from now on no longer get it; runs already started keep the value they were given.',
    ]);
    expect(jsSeen.errors).toEqual([]);
    await context.close();
  });

  it('saves settings, shows the env override and refuses a bad app name inline', async () => {
    await page.goto(`${server.url}/admin/settings`);
    await page.getByLabel('Fly sessions app (flySessionsApp)').fill('Bad_App');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect
      .poll(() => page.locator('#setting-flySessionsApp-err').textContent())
      .toMatch(/lowercase letters, digits and dashes/);
    await page.getByLabel('Fly sessions app (flySessionsApp)').fill('stored-app');
    await page.getByLabel('Default region (flySessionsRegion)').selectOption('fra');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    const app = page.locator('tr[data-setting="flySessionsApp"]');
    expect(await app.textContent()).toMatch(
      /ai-sessions[\s\S]*stored-app[\s\S]*env override[\s\S]*FLY_SESSIONS_APP/,
    );
    expect(await page.locator('tr[data-setting="flySessionsRegion"]').textContent()).toMatch(
      /fra[\s\S]*restart required/,
    );
    await screenshot(page, 'platform-settings', true);
  });

  it('switches the runner mode from Reaper and Runners; the next dispatch uses it', async () => {
    await page.goto(`${server.url}/admin/reaper`);
    await page.getByRole('radio', { name: /gha — every run on GitHub Actions/ }).check();
    // Fly is configured here (FLY_SESSIONS_TOKEN): the fly mode can be chosen.
    expect(await page.getByRole('radio', { name: /fly — every run on Fly Machines/ }).isDisabled()).toBe(
      false,
    );
    await page.getByRole('button', { name: 'Save runner mode' }).click();
    await page.getByText('Runner mode saved').waitFor();
    expect(await page.locator('[data-runner-mode]').getAttribute('data-runner-mode')).toBe('gha');
    expect(await h.ctx.runnerMode()).toBe('gha');

    await page.goto(`${server.url}/admin/runners`);
    await page.getByRole('radio', { name: /shadow/ }).check();
    await page.getByRole('button', { name: 'Save runner mode' }).click();
    await page.getByText('Runner mode saved').waitFor();
    expect(page.url()).toContain('/admin/runners');
    expect(await h.ctx.runnerMode()).toBe('shadow');
    await screenshot(page, 'platform-runners', true);
    expect(seen.errors).toEqual([]);
  });
});

describe('Sessions (plain HTML, destroy asks first)', () => {
  it('lists live Machines on Sessions and Runners, and destroys one after confirmation', async () => {
    const keep = fly.machines.plant(APP, {
      ageMs: 5 * 60_000,
      metadata: { ai_implement_issue: 'ENG-41', ai_implement_repo: 'acme/api' },
    });
    const doomed = fly.machines.plant(APP, { ageMs: 60_000, metadata: { ai_implement_issue: 'ENG-42' } });
    fly.machines.plant(APP, { state: 'stopped' });

    await page.goto(`${server.url}/admin/runners`);
    expect(await page.locator('[data-kpi="live-sessions"]').textContent()).toBe('2');
    expect(await page.locator(`tr[data-machine-id="${keep.id}"]`).textContent()).toContain('acme/api');

    await page.goto(`${server.url}/admin/sessions`);
    const row = page.locator(`tr[data-machine-id="${doomed.id}"]`);
    expect(await row.textContent()).toContain('ENG-42');
    await row.getByRole('link', { name: `Destroy ${doomed.id}` }).click();
    const confirm = page.getByRole('form', { name: 'Confirm destroy' });
    expect(await confirm.textContent()).toContain('session destroyed');
    // Nothing is destroyed until the confirmation is submitted.
    expect(fly.machines.get(doomed.id)?.state).toBe('started');
    await confirm.getByRole('button', { name: `Destroy ${doomed.id}` }).click();
    await page.getByText(`destroyed; its ticket is asked again`).waitFor();
    expect(fly.machines.get(doomed.id)?.state).toBe('destroyed');
    expect(await page.locator(`tr[data-machine-id="${doomed.id}"]`).count()).toBe(0);
    expect(await page.locator(`tr[data-machine-id="${keep.id}"]`).count()).toBe(1);
    await screenshot(page, 'platform-sessions', true);
    expect(seen.errors).toEqual([]);
  });
});

describe('Reaper (summary by rule, recent actions, the Runners card)', () => {
  it('shows what the reaper destroyed and what a dry run only recorded', async () => {
    const destroyed = fly.machines.plant(APP, {
      ageMs: 30 * 60_000,
      metadata: { ai_implement_issue: 'ENG-50' },
    });
    await platformReaper().sweep();
    expect(fly.machines.get(destroyed.id)?.state).toBe('destroyed');
    const spared = fly.machines.plant(APP, { ageMs: 30 * 60_000 });
    await dryReaper.sweep();
    expect(fly.machines.get(spared.id)?.state).toBe('started');

    await page.goto(`${server.url}/admin/reaper`);
    // The summary counts what was carried out; the dry run's record is in the recent actions.
    expect(await page.locator('[data-kpi="reaper-orphan"]').textContent()).toBe('1');
    expect(await page.locator('[data-kpi="reaper-total"]').textContent()).toBe('1');
    expect(await page.locator(`tr[data-reaper-target="${destroyed.id}"] .badge`).textContent()).toBe(
      'destroyed',
    );
    expect(await page.locator(`tr[data-reaper-target="${destroyed.id}"]`).textContent()).toContain('ENG-50');
    expect(await page.locator(`tr[data-reaper-target="${spared.id}"] .badge`).textContent()).toBe('dry run');
    expect(await page.getByText('Last sweep:').textContent()).toContain('UTC');
    // The runner-mode toggle stays at the top.
    expect(await page.getByRole('form', { name: 'Runner mode' }).count()).toBe(1);
    await screenshot(page, 'platform-reaper', true);

    await page.goto(`${server.url}/admin/runners`);
    expect(await page.locator('[data-kpi="reaper-destructions"]').textContent()).toBe('1');
    expect(seen.errors).toEqual([]);
  });
});

function platformReaper(): Reaper {
  return createReaper({
    ctx: h.ctx,
    machines: platformMachines(),
    app: () => APP,
    dryRun: false,
    alertThreshold: 10,
    tenant: 'acme',
  });
}
