import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.ts';
import { handleRunResult } from '../../src/orchestrator/run-results.ts';
import { runTick } from '../../src/orchestrator/tick.ts';
import { closePullRequest } from '../../src/store/pull-requests.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';
import { launchChromium, screenshot, serveApp, signedInPage, type watchPage } from './browser-support.ts';

/**
 * The Analytics panel in a real browser (issue 16) on seeded data: every figure drawn as an SVG
 * chart with its table behind "Show as a table", the team filter, the CSV link, 1024 px wide.
 */

const CODE = 'analytics-browser-code';
let h: Harness;
let server: Awaited<ReturnType<typeof serveApp>>;
let browser: Browser;
let page: Page;
let seen: ReturnType<typeof watchPage>;

/** Two teams; ENG: one PR merged, one closed unmerged, one failed run; OPS: one PR still open. */
async function seed() {
  await h.addMapping({ teamKey: 'ENG', planningEnabled: false, maxInProgressAiIssues: 10 });
  await h.addMapping({ teamKey: 'OPS', repo: 'ops', planningEnabled: false, maxInProgressAiIssues: 10 });
  h.linear.addTeam({ key: 'ENG' });
  h.linear.addTeam({ key: 'OPS' });
  for (const title of ['Merged', 'Closed', 'Failed']) {
    h.linear.addIssue({ team: 'ENG', title, labels: ['AI-Implement'], state: 'Todo' });
  }
  h.linear.addIssue({ team: 'OPS', title: 'Open', labels: ['AI-Implement'], state: 'Todo' });
  await runTick(h.ctx);
  const byTitle = new Map(h.backend.dispatched.map((d) => [d.payload.issue.title, d.payload.dispatchId]));
  h.advance(30 * 60_000);
  const pr = (repo: string, n: number, costUsd: number) => ({
    status: 'success' as const,
    prUrl: `https://github.com/acme/${repo}/pull/${n}`,
    branch: `ai/${n}`,
    usage: { costUsd },
  });
  await handleRunResult(h.ctx, byTitle.get('Merged')!, pr('api', 1, 1.2));
  await handleRunResult(h.ctx, byTitle.get('Closed')!, pr('api', 2, 0.8));
  await handleRunResult(h.ctx, byTitle.get('Open')!, pr('ops', 3, 2.5));
  await handleRunResult(h.ctx, byTitle.get('Failed')!, {
    status: 'failure',
    error: 'step implement failed: tests did not pass',
    usage: { costUsd: 0.5 },
  });
  h.advance(60 * 60_000);
  await closePullRequest(h.store.db, 'acme/api', 1, { state: 'merged', at: h.ctx.clock() });
  await closePullRequest(h.store.db, 'acme/api', 2, { state: 'closed', at: h.ctx.clock() });
}

/** The rows of a section's table, cells joined by ` | `. */
function cells(scope: ReturnType<Page['locator']>): Promise<string[]> {
  return scope
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((row) =>
        [...row.querySelectorAll('td')].map((cell) => (cell.textContent ?? '').trim()).join(' | '),
      ),
    );
}

beforeAll(async () => {
  h = await createHarness();
  // The browser keeps the session cookie only if its expiry is ahead of the real clock.
  h.advance(Date.now() - h.ctx.clock().getTime() - 2 * 3_600_000);
  await seed();
  const app = createHttpApp({ orchestrator: h.ctx, adminAccessCode: CODE, statusChecks: async () => [] });
  server = await serveApp(app);
  browser = await launchChromium();
  ({ page, seen } = await signedInPage(browser, { url: server.url, code: CODE, width: 1024, height: 800 }));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await h?.close();
});

describe('Analytics panel', () => {
  it('draws every figure as a chart with its table behind Show as a table', async () => {
    await page.getByRole('link', { name: 'Analytics' }).click();
    await page.getByRole('heading', { level: 1, name: 'Analytics' }).waitFor();
    const charts = page.locator('figure.chart svg[role="img"]');
    expect(await charts.count()).toBe(5);
    const titles = await charts.locator('title[id]').allTextContents();
    expect(titles.join('\n')).toMatch(/Pull requests opened .* merge rate 50 %/);

    const pulls = page.locator('section', { has: page.getByRole('heading', { name: 'Pull requests' }) });
    // Four bars (opened, merged, closed unmerged, still open), each a rect with a height.
    expect(await pulls.locator('svg rect').count()).toBe(4);
    await expect.poll(() => pulls.locator('table').isVisible()).toBe(false);
    await pulls.getByText('Show as a table').click();
    expect(await cells(pulls)).toEqual(['Opened | 3', 'Merged | 1', 'Closed unmerged | 1', 'Still open | 1']);

    const teams = page.locator('section', {
      has: page.getByRole('heading', { name: 'Cost per team', exact: true }),
    });
    await teams.getByText('Show as a table').click();
    expect(await cells(teams)).toEqual(['ENG | $2.50', 'OPS | $2.50']);
    const overflow = (await page.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    )) as number;
    expect(overflow).toBe(0);
    await screenshot(page, 'docs-work-analytics', true);
  });

  it('filters by team and offers the same window as CSV', async () => {
    await page.locator('form.inline-form input[name="teamKey"]').fill('ENG');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('teamKey')).toBe('ENG');
    expect(await page.locator('main').textContent()).toContain('team ENG');
    const csv = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    const answer = await page.request.get(`${server.url}${csv}`);
    expect(answer.headers()['content-type']).toMatch(/^text\/csv/);
    const text = await answer.text();
    expect(text).toContain('pull_requests,opened,2');
    expect(text).not.toContain('OPS/');
    expect(seen.errors).toEqual([]);
  });
});
