import { serve, type ServerType } from '@hono/node-server';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Hono } from 'hono';

/**
 * Browser-test plumbing: Debian's chromium driven by playwright-core (no downloaded browser;
 * `.ci/run` installs the package), screenshots under test-results/screenshots/ (gitignored),
 * and an in-process server for tests that need the harness's clock.
 */

export const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`browser tests need ${CHROMIUM}: apt-get install -y chromium (.ci/run does this)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Saves a screenshot of the viewport (or the whole page) as test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/**
 * Watches a page for anything a script-injection would do: a dialog it did not expect, or a
 * script error. Confirm dialogs (the UI's "Delete …?") are accepted and recorded.
 */
export function watchPage(page: Page): { alerts: string[]; errors: string[]; confirms: string[] } {
  const seen = { alerts: [] as string[], errors: [] as string[], confirms: [] as string[] };
  page.on('dialog', (dialog) => {
    if (dialog.type() === 'confirm') {
      seen.confirms.push(dialog.message());
      void dialog.accept();
    } else {
      seen.alerts.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    }
  });
  page.on('pageerror', (error) => seen.errors.push(error.message));
  page.on('console', (message) => {
    // 4xx answers the UI expects (a wrong code, a refused step) are logged as resource errors.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      seen.errors.push(message.text());
    }
  });
  return seen;
}

/**
 * A page of `browser` (viewport `width` × `height`) watched by `watchPage`, signed in with
 * `code` through the sign-in form at `path` (which returns to `path`), once the page's `heading`
 * (level 1) shows. Actions wait at most 10 s.
 */
export async function signedInPage(
  browser: Browser,
  options: { url: string; code: string; width: number; height: number; path?: string; heading?: string },
): Promise<{ page: Page; seen: ReturnType<typeof watchPage> }> {
  const page = await (
    await browser.newContext({ viewport: { width: options.width, height: options.height } })
  ).newPage();
  const seen = watchPage(page);
  page.setDefaultTimeout(10_000);
  await page.goto(`${options.url}${options.path ?? '/admin/sign-in'}`);
  await page.getByLabel('Access code').fill(options.code);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: options.heading ?? 'Overview' }).waitFor();
  return { page, seen };
}

/** Serves a Hono app on 127.0.0.1 (a free port), as `npm start` would, for harness-backed tests. */
export async function serveApp(app: Hono): Promise<{ url: string; close(): Promise<void> }> {
  let server: ServerType | undefined;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server!.close(() => resolve())),
  };
}
