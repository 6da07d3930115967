import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.ts';
import { NAV } from '../../src/http/admin/layout.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';
import { launchChromium, screenshot, serveApp, signedInPage, type watchPage } from './browser-support.ts';

/**
 * A fresh install in a real browser (issue 19): the Overview says what to do first and leads to
 * the stepper, empty states link to their action, no internal names show through, and every
 * panel fits 1024 px without sideways scrolling.
 */

const CODE = 'first-run-code';
let h: Harness;
let server: Awaited<ReturnType<typeof serveApp>>;
let browser: Browser;
let page: Page;
let seen: ReturnType<typeof watchPage>;

beforeAll(async () => {
  h = await createHarness();
  // The browser keeps the session cookie only if its expiry is ahead of the real clock.
  h.advance(Date.now() - h.ctx.clock().getTime());
  const app = createHttpApp({
    orchestrator: h.ctx,
    adminAccessCode: CODE,
    statusChecks: async () => [
      { name: 'ticketing:linear', ok: false, detail: 'LINEAR_API_KEY was refused: set a valid key' },
      { name: 'runner-callback', ok: true, detail: 'runners report to https://orchestrator.example' },
    ],
  });
  server = await serveApp(app);
  browser = await launchChromium();
  ({ page, seen } = await signedInPage(browser, { url: server.url, code: CODE, width: 1024, height: 800 }));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await h?.close();
});

describe('a fresh install', () => {
  it('says what to do first on the Overview and leads to the stepper', async () => {
    await page.goto(`${server.url}/admin/overview`);
    await page.getByRole('heading', { name: 'Get started' }).waitFor();
    await page.locator('[data-live="config-status"] .checks').waitFor();
    const text = (await page.locator('main').textContent())!;
    expect(text).toContain('Linear connection');
    expect(text).toContain('no projects yet');
    for (const internal of ['ticketing:linear', 'linear:', '0 of 0 slots', 'All 0 repositories']) {
      expect(text).not.toContain(internal);
    }
    await screenshot(page, 'docs-work-overview-first-run');
    // The check that needs attention links to where it is fixed.
    await page.locator('[data-live="config-status"]').getByRole('link', { name: 'How to fix' }).click();
    await expect.poll(() => new URL(page.url()).hash).toBe('#h-fix-ticketing-linear');
    expect(await page.locator('#h-fix-ticketing-linear').textContent()).toBe('Linear connection');
    expect(await page.locator('main').textContent()).toContain('LINEAR_API_KEY');
    await page.goto(`${server.url}/admin/overview`);
    await page.getByRole('link', { name: 'Create a project' }).first().click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/admin/projects/new');
  });

  it('links the empty states to the action that fills them', async () => {
    for (const panel of ['issues', 'projects', 'models']) {
      await page.goto(`${server.url}/admin/${panel}`);
      expect(await page.locator('td.empty a[href="/admin/projects/new"]').count()).toBeGreaterThan(0);
    }
  });

  it('fits every panel in 1024 px without sideways scrolling', async () => {
    const wide: string[] = [];
    for (const item of NAV.flatMap((group) => group.items)) {
      await page.goto(`${server.url}/admin/${item.path}`);
      const overflow = (await page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      )) as number;
      if (overflow > 0) wide.push(`${item.path} +${overflow}px`);
    }
    expect(wide).toEqual([]);
    expect(seen.errors).toEqual([]);
  });
});
