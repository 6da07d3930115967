import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';
import { launchChromium, screenshot, serveApp, watchPage } from './browser-support.ts';
import { seedWorkload } from './seed-workload.ts';

/**
 * The admin UI in a real browser over a day of seeded work (the orchestrator harness served by
 * @hono/node-server, so the test owns the clock): one screenshot per sidebar group for
 * docs/admin-ui.md, keyboard use, editing a project, and a session that expires under an open,
 * live-refreshing page.
 */

const CODE = 'browser-harness-code';
let h: Harness;
let server: Awaited<ReturnType<typeof serveApp>>;
let browser: Browser;
let page: Page;
let seen: ReturnType<typeof watchPage>;

beforeAll(async () => {
  h = await createHarness();
  h.linear.addTeam({ key: 'ENG' });
  await seedWorkload(h);
  const app = createHttpApp({
    orchestrator: h.ctx,
    adminAccessCode: CODE,
    statusChecks: async () => [
      { name: 'ticketing:linear', ok: true, detail: 'Connected to Linear as AI-Implement Bot' },
      { name: 'github-app', ok: true, detail: 'authenticated as ai-implement' },
      { name: 'runner-callback', ok: true, detail: 'runners report to https://orchestrator.example' },
      { name: 'gap-fill-trigger', ok: false, detail: 'set GAP_FILL_TRIGGER_SECRET to enable /ai-implement' },
    ],
    // The App's repositories (GitHub's side is test/http/github-repositories-api.test.ts).
    listRepositories: async () => ({
      repositories: [
        { owner: 'acme', repo: 'api', fullName: 'acme/api', defaultBranch: 'main', private: true },
        { owner: 'acme', repo: 'web-app', fullName: 'acme/web-app', defaultBranch: 'trunk', private: false },
      ],
      truncated: false,
    }),
  });
  server = await serveApp(app);
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
  seen = watchPage(page);
  page.setDefaultTimeout(10_000);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await h?.close();
});

describe('the admin UI over a day of work', () => {
  it('signs in from the keyboard and skips to the content', async () => {
    await page.goto(`${server.url}/admin/jobs`);
    // The code field has focus on arrival: type and press Enter.
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('code');
    await page.keyboard.type(CODE);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Pipelines' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement?.id')).toBe('main');
  });

  it('shows each group’s main panel with real numbers (docs screenshots)', async () => {
    await page.goto(`${server.url}/admin/overview`);
    // The panel and its JSON API agree (the page's cookie opens the API for reading).
    const api = (await (await page.request.get(`${server.url}/api/overview`)).json()) as {
      runningJobs: unknown[];
      failedLast24h: { count: number };
    };
    expect(api.runningJobs.length).toBeGreaterThan(0);
    expect(api.failedLast24h.count).toBeGreaterThan(0);
    expect(await page.locator('[data-kpi="running"]').textContent()).toBe(String(api.runningJobs.length));
    expect(await page.locator('[data-kpi="failed"]').textContent()).toBe(String(api.failedLast24h.count));
    await page.locator('[data-live="config-status"] .checks').waitFor();
    expect(await page.locator('.chart rect').count()).toBeGreaterThan(5);
    await screenshot(page, 'docs-work-overview');

    await page.getByRole('link', { name: 'Pull requests' }).click();
    expect(await page.locator('tbody tr').count()).toBeGreaterThan(2);
    await screenshot(page, 'docs-work-pull-requests');

    await page.getByRole('link', { name: 'Projects' }).click();
    expect(await page.locator('tbody tr').count()).toBe(3);
    await screenshot(page, 'docs-configure-projects');

    await page.getByRole('link', { name: 'Runners' }).click();
    await page.getByRole('heading', { level: 1, name: 'Runners' }).waitFor();
    await screenshot(page, 'docs-platform-runners');

    await page.getByRole('link', { name: 'Audit log' }).click();
    expect(await page.locator('tbody tr').count()).toBeGreaterThan(3);
    await screenshot(page, 'docs-developer-audit-log');
    expect(seen.alerts).toEqual([]);
    expect(seen.errors).toEqual([]);
  });

  it('labels every stepper field and edits a project from the keyboard', async () => {
    await page.goto(`${server.url}/admin/projects/WEB/edit`);
    // Evaluated in the page (a string: the test's TypeScript has no DOM types).
    const unlabelled = await page.evaluate(
      `[...document.querySelectorAll('#project-stepper input, #project-stepper select, #project-stepper textarea')]
        .filter((input) => input.labels.length === 0)
        .map((input) => input.name)`,
    );
    expect(unlabelled).toEqual([]);
    expect(await page.getByLabel(/Team key/).inputValue()).toBe('WEB');
    expect(await page.getByLabel(/Team key/).getAttribute('readonly')).not.toBeNull();
    expect(await page.getByLabel('AWS Bedrock').isChecked()).toBe(true);

    const current = page.locator('[data-nav-step][aria-current="step"] .step-title');
    // Enter in a field means "Next" on every step before Review.
    await page.getByLabel(/Team key/).press('Enter');
    await expect.poll(() => current.textContent()).toBe('Source');
    for (const title of ['Planning', 'Runner']) {
      await page.keyboard.press('Enter');
      await expect.poll(() => current.textContent()).toBe(title);
    }
    // The Runner step opens on a select, where Enter does not submit: use the Next button.
    await page.getByRole('button', { name: 'Next' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => current.textContent()).toBe('Provider');
    expect(await page.getByLabel('AWS region').inputValue()).toBe('us-west-2');
    await page.getByLabel('AWS region').press('Enter');
    await expect.poll(() => current.textContent()).toBe('Capacity');
    await page.getByLabel(/Concurrent runs/).fill('2');
    await page.getByLabel(/Concurrent runs/).press('Enter');
    await expect.poll(() => current.textContent()).toBe('Secrets');
    expect(await page.getByText('AWS_BEDROCK_ROLE_ARN').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => current.textContent()).toBe('Review');
    await screenshot(page, 'docs-configure-stepper-review');
    await page.getByRole('button', { name: 'Save project' }).click();
    await page.getByText('Project WEB saved.').waitFor();
    expect(await page.locator('tr[data-team-key="WEB"]').textContent()).toMatch(/\d+ \/ 2/);
  });

  it('fills the source from the repository picker, offered from the GitHub App’s repositories', async () => {
    await page.goto(`${server.url}/admin/projects/new`);
    const current = page.locator('[data-nav-step][aria-current="step"] .step-title');
    await page.getByLabel(/Team key/).fill('PICK');
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => current.textContent()).toBe('Source');
    const picker = page.getByLabel('Pick a repository of the GitHub App');
    expect(await page.locator('#github-repositories option').count()).toBe(2);
    await picker.fill('acme/web-app');
    await picker.dispatchEvent('change');
    expect(await page.getByLabel(/GitHub owner/).inputValue()).toBe('acme');
    expect(await page.getByLabel(/Repository name/).inputValue()).toBe('web-app');
    expect(await page.getByLabel(/Default branch/).inputValue()).toBe('trunk');
  });

  it('refuses a new project whose team key is taken, on the team key itself', async () => {
    await page.goto(`${server.url}/admin/projects/new`);
    const current = page.locator('[data-nav-step][aria-current="step"] .step-title');
    await page.getByLabel(/Team key/).fill('ENG');
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => current.textContent()).toBe('Source');
    await page.getByLabel(/GitHub owner/).fill('acme');
    await page.getByLabel(/Repository name/).fill('other');
    await page.getByLabel(/Default branch/).fill('main');
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => current.textContent()).toBe('Ticketing System');
    expect(await page.locator('#err-teamKey').textContent()).toMatch(/exists already/);
    expect(await page.getByLabel(/Team key/).getAttribute('aria-invalid')).toBe('true');
  });

  it('sends an open page back to sign-in when its session expires', async () => {
    await page.goto(`${server.url}/admin/overview`);
    h.advance(24 * 3_600_000 + 60_000);
    // The running-jobs refresh meets a 401 and takes the operator to sign in, then back here.
    await page.waitForURL(/\/admin\/sign-in\?/, { timeout: 15_000 });
    await page.getByText('Your session has expired or was ended. Sign in again to continue.').waitFor();
    await page.getByLabel('Access code').fill(CODE);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/overview');
  });
});
