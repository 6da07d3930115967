import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.ts';
import { NAV } from '../../src/http/admin/layout.ts';
import { handleRunProgress, handleRunResult } from '../../src/orchestrator/run-results.ts';
import { runTick } from '../../src/orchestrator/tick.ts';
import { getDispatch } from '../../src/store/dispatches.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';
import { launchChromium, screenshot, serveApp, signedInPage, type watchPage } from './browser-support.ts';
import { seedWorkload } from './seed-workload.ts';
import { setupJira, type JiraSetup } from '../fakes/jira/jira-test-setup.ts';

/**
 * Issue 19 in a real browser over a seeded day: picked-up tickets keep their tracker state, a
 * held ticket links to its blocker, one truthful Stage per issue.
 */

const CODE = 'operator-day-code';
let h: Harness;
let server: Awaited<ReturnType<typeof serveApp>>;
let browser: Browser;
let page: Page;
let seen: ReturnType<typeof watchPage>;
let jira: JiraSetup;

beforeAll(async () => {
  h = await createHarness();
  h.linear.addTeam({ key: 'ENG' });
  await seedWorkload(h);
  // ENG (cap 2) has one run in flight: of two new tickets one is picked up, one is held.
  h.linear.addIssue({ team: 'ENG', title: 'Held by the cap A', labels: ['AI-Implement'] });
  h.linear.addIssue({ team: 'ENG', title: 'Held by the cap B', labels: ['AI-Implement'] });
  await runTick(h.ctx);
  // A project whose plans wait for a person: one planning run reports its plan and ends.
  h.linear.addTeam({ key: 'PLN' });
  await h.addMapping({ teamKey: 'PLN', repo: 'plans', autoApprovePlans: false });
  h.linear.addIssue({ team: 'PLN', title: 'Plan the billing export', labels: ['AI-Implement'] });
  await runTick(h.ctx);
  const planning = h.backend.dispatched.at(-1)!.payload.dispatchId;
  await handleRunProgress(h.ctx, planning, { step: 'checkout', status: 'started', elapsedMs: 0 });
  h.advance(4_000);
  await handleRunProgress(h.ctx, planning, { step: 'checkout', status: 'succeeded', elapsedMs: 4_000 });
  h.advance(95_000);
  await handleRunProgress(h.ctx, planning, {
    step: 'plan',
    status: 'succeeded',
    elapsedMs: 95_000,
    output: {
      sections: [
        { title: 'Architecture Analysis', body: 'Add an export service.\n<script>alert(1)</script>' },
        { title: 'Test Plan', body: '- unit tests for the CSV writer' },
        { title: 'Work Units', body: '```yaml\n- id: wu-1\n```' },
      ],
      workUnits: ['wu-1'],
    },
  });
  await handleRunResult(h.ctx, planning, { status: 'success', summary: 'Planning produced a plan.' });
  // The memory tracker lists no teams; here it answers as Linear's `teams` query would
  // (the Linear provider's query itself is test/ticketing/linear-teams.test.ts).
  h.ctx.ticketing.get('linear')!.listTeams = async () => [
    { key: 'ENG', name: 'Engineering' },
    { key: 'OPS', name: 'Operations' },
    { key: 'PLN', name: 'Planning' },
    { key: 'WEB', name: 'Web' },
  ];
  // A Jira site for the stepper's project picker (the fake validates the project search).
  jira = await setupJira();
  jira.fake.addProject({ key: 'ACME', name: 'Acme Web' });
  jira.fake.addProject({ key: 'OPS', name: 'Operations' });
  const app = createHttpApp({
    orchestrator: h.ctx,
    adminAccessCode: CODE,
    statusChecks: async () => [],
    jira: jira.provider,
    // Sync workflows answers as the real sync does when it opens a pull request (the sync itself
    // is test/templates/template-routes.test.ts, on the fake GitHub).
    templateSync: {
      templates: [],
      statusAll: async () => [],
      sync: async (target) => ({
        repository: `${target.owner}/${target.repo}`,
        baseBranch: target.defaultBranch,
        branch: 'ai-implement/sync-workflows',
        status: 'opened',
        pullRequest: { number: 7, url: `https://github.com/${target.owner}/${target.repo}/pull/7` },
        commits: 2,
        files: [],
      }),
    },
  });
  server = await serveApp(app);
  browser = await launchChromium();
  ({ page, seen } = await signedInPage(browser, { url: server.url, code: CODE, width: 1280, height: 860 }));
}, 60_000);

afterAll(async () => {
  await jira?.fake.close();
  jira?.fake.assertNoRejections();
  await browser?.close();
  await server?.close();
  await h?.close();
});

/** The text of each cell of the Inbox table, by column heading. */
async function inboxRows(): Promise<Record<string, string>[]> {
  return (await page.evaluate(`(() => {
    const table = document.querySelector('section table');
    const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
    return [...table.querySelectorAll('tbody tr')].map((tr) =>
      Object.fromEntries([...tr.cells].map((td, i) => [heads[i], td.textContent.replace(/\\s+/g, ' ').trim()])),
    );
  })()`)) as Record<string, string>[];
}

describe('the Issues panel tells the truth', () => {
  it('keeps the tracker state of picked-up tickets and shows one Stage per issue', async () => {
    await page.goto(`${server.url}/admin/issues`);
    const rows = await inboxRows();
    expect(rows.length).toBeGreaterThan(5);
    // Every ticket was read at least once, picked up or not.
    expect(rows.filter((row) => row['Tracker state'] === '—')).toEqual([]);
    const stages = rows.map((row) => row.Stage);
    expect(stages).toContain('Pull request open');
    expect(stages).toContain('Planning');
    expect(await page.locator('th', { hasText: 'Ready' }).count()).toBe(0);
    await screenshot(page, 'docs-work-issues');
  });

  it('links a held ticket to its Blockers row', async () => {
    await page.goto(`${server.url}/admin/issues`);
    const held = page.locator('a[href^="/admin/blockers#blocker-"]').first();
    const reason = await held.textContent();
    expect(reason).toMatch(/cap of runs|depends on|paused/);
    const anchor = (await held.getAttribute('href'))!.split('#')[1]!;
    await held.click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/admin/blockers');
    const row = page.locator(`tr#${anchor}`);
    expect(await row.count()).toBe(1);
    expect(await page.evaluate(`document.querySelector('tr:target')?.id`)).toBe(anchor);
    expect(seen.errors).toEqual([]);
  });
});

describe('plans you can read', () => {
  it('shows the plan in the Approve dialog, and approves only once confirmed', async () => {
    const before = h.backend.dispatched.length;
    await page.goto(`${server.url}/admin/issues`);
    const dialog = page.getByRole('dialog', { name: 'Approve the plan of PLN-1?' });
    await page.getByRole('button', { name: 'Review and approve the plan of PLN-1' }).click();
    await dialog.waitFor();
    expect(await dialog.getByRole('heading', { name: 'Architecture Analysis' }).isVisible()).toBe(true);
    // The plan's Markdown is text: a script in it is shown, not run.
    expect(await dialog.locator('pre').first().textContent()).toContain('<script>alert(1)</script>');
    await screenshot(page, 'docs-work-approve-plan');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(h.backend.dispatched.length).toBe(before);

    await page.getByRole('button', { name: 'Review and approve the plan of PLN-1' }).click();
    await dialog.getByRole('button', { name: 'Approve the plan of PLN-1' }).click();
    await expect.poll(() => h.backend.dispatched.length).toBe(before + 1);
    expect(h.backend.dispatched.at(-1)!.payload.phase).toBe('implementation');
    // The page reloads after the approval: PLN-1 is now being implemented.
    await page.locator('tr', { hasText: 'PLN-1' }).filter({ hasText: 'Implementing' }).waitFor();
    expect(seen.alerts).toEqual([]);
  });

  it('shows the plan and one row per step on the job page', async () => {
    const { job_id: jobId } = (await getDispatch(h.ctx.db, h.backend.dispatched.at(-1)!.payload.dispatchId))!;
    await page.goto(`${server.url}/admin/jobs/${encodeURIComponent(jobId)}`);
    await page.getByRole('heading', { name: 'Plan', exact: true }).waitFor();
    expect(await page.getByRole('heading', { name: 'Test Plan' }).isVisible()).toBe(true);
    const steps =
      (await page.evaluate(`[...document.querySelectorAll('table[data-live="job-steps"] tbody tr')]
      .map((tr) => [...tr.cells].slice(1, 4).map((td) => td.textContent.trim()).join(' | '))`)) as string[];
    expect(steps).toEqual(['checkout | succeeded | 4 s', 'plan | succeeded | 1 min 35 s']);
    // The run log: every report in words, the plan named rather than repeated.
    const log = (await page.locator('[data-live="run-log"]').textContent())!.replace(/\s+/g, ' ');
    expect(log).toContain('checkout succeeded in 4 s');
    expect(log).toContain('plan succeeded in 1 min 35 s — 3 plan sections (see Plan), workUnits: ["wu-1"]');
    await screenshot(page, 'docs-work-job', true);
    expect(seen.errors).toEqual([]);
  });
});

describe('the stepper checks the team key against the tracker', () => {
  it('offers the tracker’s teams and refuses an unknown team inline with the list', async () => {
    await page.goto(`${server.url}/admin/projects/new`);
    const current = page.locator('[data-nav-step][aria-current="step"] .step-title');
    await page.locator('#tracker-teams-help').waitFor();
    expect(
      await page
        .locator('#tracker-teams option')
        .evaluateAll((options) => options.map((o) => o.getAttribute('value'))),
    ).toEqual(['ENG', 'OPS', 'PLN', 'WEB']);
    await page.getByLabel(/Team key/).fill('NOPE');
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => current.textContent()).toBe('Source');
    await page.getByLabel(/GitHub owner/).fill('acme');
    await page.getByLabel(/Repository name/).fill('other');
    await page.getByLabel(/Default branch/).fill('main');
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => current.textContent()).toBe('Ticketing System');
    const error = await page.locator('#err-teamKey').textContent();
    expect(error).toContain('Linear has no team NOPE');
    expect(error).toContain('ENG (Engineering), OPS (Operations), PLN (Planning), WEB (Web)');
    expect(await page.getByLabel(/Team key/).getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'docs-configure-stepper-unknown-team');

    // The API refuses it too, on the field.
    const refused = await page.request.post(`${server.url}/api/mappings/validate`, {
      headers: { 'x-csrf-token': (await page.locator('meta[name="csrf-token"]').getAttribute('content'))! },
      data: { teamKey: 'NOPE', owner: 'acme', repo: 'other', defaultBranch: 'main' },
    });
    expect(refused.status()).toBe(400);
    expect(((await refused.json()) as { fields: { field: string }[] }).fields[0]!.field).toBe('teamKey');
  });
});

describe('the stepper offers Jira’s projects', () => {
  it('fills the JQL and the team key from the project picked', async () => {
    await page.goto(`${server.url}/admin/projects/new`);
    await page.getByLabel('Jira', { exact: true }).check();
    const picker = page.getByLabel('Jira project');
    await picker.waitFor();
    expect(await picker.locator('option').allTextContents()).toEqual([
      'pick one to fill the JQL…',
      'ACME — Acme Web',
      'OPS — Operations',
    ]);
    await picker.selectOption('OPS');
    expect(await page.getByLabel('JQL', { exact: true }).inputValue()).toBe('project = OPS');
    expect(await page.getByLabel(/Team key/).inputValue()).toBe('OPS');
    expect(seen.errors).toEqual([]);
  });
});

describe('Sync workflows says where it went', () => {
  it('names the repository and links the pull request it opened', async () => {
    await page.goto(`${server.url}/admin/projects`);
    await page.getByRole('button', { name: 'Sync workflows into acme/plans' }).click();
    const flash = page.locator('#flash');
    await expect.poll(() => flash.textContent()).toContain('acme/plans: opened pull request #7');
    const link = flash.getByRole('link', { name: 'Open pull request #7' });
    expect(await link.getAttribute('href')).toBe('https://github.com/acme/plans/pull/7');
    expect(seen.errors).toEqual([]);
  });
});

describe('every panel fits 1024 px', () => {
  it('scrolls no panel sideways at 1024 px wide, with a day of data', async () => {
    await page.setViewportSize({ width: 1024, height: 800 });
    const { job_id: jobId } = (await getDispatch(h.ctx.db, h.backend.dispatched[0]!.payload.dispatchId))!;
    const paths = [
      ...NAV.flatMap((group) => group.items.map((item) => `/admin/${item.path}`)),
      `/admin/jobs/${encodeURIComponent(jobId)}`,
      '/admin/projects/new',
    ];
    const wide: string[] = [];
    for (const path of paths) {
      await page.goto(server.url + path);
      const overflow = (await page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      )) as number;
      if (overflow > 0) wide.push(`${path} +${overflow}px`);
    }
    expect(wide).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 860 });
  });
});
