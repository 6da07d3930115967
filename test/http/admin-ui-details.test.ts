import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.ts';
import { handleRunProgress } from '../../src/orchestrator/run-results.ts';
import { runTick } from '../../src/orchestrator/tick.ts';
import { getDispatch } from '../../src/store/dispatches.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';
import { reaperRecentTable } from '../../src/http/admin/panels/reaper-cards.ts';

/** Issue 19's details, page by page: what the operator reads and where each id leads. */
const CODE = 'admin-ui-details-code';
let h: Harness;
let app: ReturnType<typeof createHttpApp>;
let cookie: string;

beforeEach(async () => {
  h = await createHarness();
  app = createHttpApp({ orchestrator: h.ctx, adminAccessCode: CODE, statusChecks: async () => [] });
  const auth = await app.request('/admin/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ code: CODE }).toString(),
  });
  cookie = auth.headers.get('set-cookie')?.split(';')[0] ?? '';
});
afterEach(() => h.close());

async function page(path: string): Promise<string> {
  const response = await app.request(path, { headers: { cookie } });
  expect(response.status).toBe(200);
  return response.text();
}

/** The part of `text` from `start` to the next `end`. */
function between(text: string, start: string, end: string): string {
  const from = text.indexOf(start);
  expect(from, `${start} on the page`).toBeGreaterThanOrEqual(0);
  return text.slice(from, text.indexOf(end, from));
}

/** One ticket of ENG dispatched; its dispatch id and job id. */
async function dispatchOne() {
  h.linear.addTeam({ key: 'ENG' });
  await h.addMapping({ teamKey: 'ENG' });
  const issue = h.linear.addIssue({ team: 'ENG', title: 'Export CSV', labels: ['AI-Implement'] });
  await runTick(h.ctx);
  const dispatchId = h.backend.dispatched.at(-1)!.payload.dispatchId;
  return { dispatchId, jobId: (await getDispatch(h.ctx.db, dispatchId))!.job_id, issue };
}

describe('the job page’s run log', () => {
  it('lists every report in words, long outputs under their line, live from the steps API', async () => {
    const { dispatchId, jobId } = await dispatchOne();
    await handleRunProgress(h.ctx, dispatchId, { step: 'checkout', status: 'started', elapsedMs: 0 });
    h.advance(4_000);
    await handleRunProgress(h.ctx, dispatchId, {
      step: 'checkout',
      status: 'succeeded',
      elapsedMs: 4_000,
      output: { branch: 'ai/eng-1', sha: 'abc123' },
    });
    h.advance(65_000);
    await handleRunProgress(h.ctx, dispatchId, {
      step: 'verify',
      status: 'failed',
      elapsedMs: 65_000,
      output: { error: 'npm test failed:\n<script>alert(1)</script>\nFAIL test/a.test.ts', exitCode: 1 },
    });

    const api = await app.request(`/api/jobs/${jobId}/steps`, { headers: { cookie } });
    const { log } = (await api.json()) as { log: { text: string; detail: string | null }[] };
    expect(log.map((line) => line.text)).toEqual([
      'checkout started',
      'checkout succeeded in 4 s — branch: ai/eng-1, sha: abc123',
      'verify failed in 1 min 5 s — exitCode: 1',
    ]);
    expect(log[2]!.detail).toBe('error:\nnpm test failed:\n<script>alert(1)</script>\nFAIL test/a.test.ts');

    const html = await page(`/admin/jobs/${jobId}`);
    const runLog = between(html, 'data-live="run-log"', '</ol>');
    expect(runLog).toContain('checkout succeeded in 4 s — branch: ai/eng-1, sha: abc123');
    expect(runLog).toContain('planning #1');
    expect(runLog).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(runLog).not.toContain('<script>');
    expect(html).toContain('data-live="job-steps"');
    expect(html).toContain('data-active="true"');
  });

  it('says what will appear before anything is reported', async () => {
    const { jobId } = await dispatchOne();
    expect(between(await page(`/admin/jobs/${jobId}`), 'data-live="run-log"', '</ol>')).toContain(
      'Nothing reported yet',
    );
  });
});

describe('Pipelines', () => {
  it('has a Session image column: the image a session ran, or why there is none', async () => {
    const { dispatchId } = await dispatchOne();
    let html = await page('/admin/jobs');
    expect(html).toContain('<th scope="col">Session image</th>');
    let row = between(html, '<tbody>', '</tr>');
    expect(row).toContain('GitHub Actions');
    expect(row).toContain('the workflow’s runner');

    await h.store.db
      .updateTable('dispatches')
      .set({ runner_mode: 'fly-machines', image: 'registry.fly.io/ai-runner:2026-12' })
      .where('id', '=', dispatchId)
      .execute();
    html = await page('/admin/jobs');
    row = between(html, '<tbody>', '</tr>');
    expect(row).toContain('Fly Machines');
    expect(row).toContain('<code>registry.fly.io/ai-runner:2026-12</code>');
  });
});

describe('Blockers', () => {
  it('links the ticket a dependency blocker waits for, in the panel and the API', async () => {
    h.linear.addTeam({ key: 'ENG' });
    await h.addMapping({ teamKey: 'ENG' });
    const first = h.linear.addIssue({ team: 'ENG', title: 'Prerequisite', state: 'In Progress' });
    const held = h.linear.addIssue({
      team: 'ENG',
      title: 'Needs the prerequisite',
      labels: ['AI-Implement'],
      state: 'Todo',
      blockedBy: [first.id],
    });
    await runTick(h.ctx);

    const api = await app.request('/api/blockers', { headers: { cookie } });
    const { blockers } = (await api.json()) as {
      blockers: { identifier: string; blocking: { identifier: string; url: string }[] }[];
    };
    expect(blockers).toEqual([
      expect.objectContaining({
        identifier: held.identifier,
        blocking: [{ identifier: first.identifier, url: first.url }],
      }),
    ]);
    const row = between(await page('/admin/blockers'), `<tr id="blocker-`, '</tr>');
    expect(row).toContain(`Waits for`);
    expect(row).toContain(
      `<a href="${first.url}" target="_blank" rel="noopener noreferrer">${first.identifier}</a>`,
    );

    // A steady tick leaves the row as it is (its fingerprint includes the blocking tickets).
    const before = await h.store.db.selectFrom('blockers').selectAll().execute();
    h.advance(60_000);
    await runTick(h.ctx);
    expect(await h.store.db.selectFrom('blockers').selectAll().execute()).toEqual(before);
  });
});

describe('Audit log (the dedup window)', () => {
  it('links each id to its object, and says what Delete does to a run in flight', async () => {
    const { jobId, issue } = await dispatchOne();
    const html = await page('/admin/audit-log');
    const row = between(html, '<tbody>', '</tr>');
    expect(row).toContain(
      `<a href="${issue.url}" target="_blank" rel="noopener noreferrer">${issue.identifier}</a>`,
    );
    expect(row).toContain('<a href="/admin/projects/ENG/edit">ENG</a>');
    expect(row).toContain(`<a href="/admin/jobs/${jobId}">planning</a>`);
    expect(row).toContain('neither stops nor repeats that run');
  });

  it('asks a plain question once the run is over, and links its pull request', async () => {
    const { dispatchId } = await dispatchOne();
    await h.store.db
      .updateTable('dispatches')
      .set({ status: 'succeeded', pr_url: 'https://github.com/acme/api/pull/9' })
      .where('id', '=', dispatchId)
      .execute();
    const row = between(await page('/admin/audit-log'), '<tbody>', '</tr>');
    expect(row).toContain('>acme/api#9</a>');
    expect(row).toContain('The next poll may dispatch it again.');
    expect(row).not.toContain('in flight');
  });
});

describe('Projects: Delete says what happens to runs in flight', () => {
  it('names the runs in flight and what stops with the project', async () => {
    await dispatchOne();
    const html = await page('/admin/projects');
    expect(html).toContain('Delete project ENG? Its run in flight goes on to the end and reports back');
    expect(html).toContain('no implementation after a plan, no review or CI fixes');
  });
});

describe('environment checks that need attention', () => {
  it('link to where each is fixed: a panel, or its section of the set-up guide', async () => {
    app = createHttpApp({
      orchestrator: h.ctx,
      adminAccessCode: CODE,
      statusChecks: async () => [
        { name: 'runner-callback', ok: false, detail: 'set RUNNER_CALLBACK_BASE_URL' },
        { name: 'fly-sessions', ok: false, detail: 'no sessions app' },
        { name: 'github-app', ok: true, detail: 'authenticated as ai-implement' },
      ],
    });
    const auth = await app.request('/admin/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ code: CODE }).toString(),
    });
    cookie = auth.headers.get('set-cookie')?.split(';')[0] ?? '';
    const response = await app.request('/api/admin/config-status', { headers: { cookie } });
    const { checks } = (await response.json()) as { checks: { name: string; fix?: unknown }[] };
    expect(Object.fromEntries(checks.map((check) => [check.name, check.fix]))).toEqual({
      'runner-callback': { href: '/admin/setup#h-fix-runner-callback', text: 'How to fix' },
      'fly-sessions': { href: '/admin/settings#setting-flySessionsApp', text: 'Settings: Fly sessions app' },
      'github-app': undefined,
    });

    const guide = await page('/admin/setup');
    expect(between(guide, 'id="h-fix-runner-callback"', '</section>')).toContain(
      '<code>RUNNER_TOKEN_SECRET</code>',
    );
  });
});

describe('Sessions and Reaper without Fly Machines', () => {
  it('say what is missing and link how to set it up', async () => {
    const sessions = await page('/admin/sessions');
    expect(sessions).toContain('Fly Machines sessions are not set up on this orchestrator');
    expect(sessions).toContain('<a href="/admin/setup#h-fix-fly-sessions">');
    expect(sessions).toContain('<a href="/admin/runners">Runners</a>');
    const reaper = await page('/admin/reaper');
    expect(reaper).toContain('The reaper is not set up here');
    expect(reaper).not.toContain('wired');
  });
});

describe('a run known by its dispatch', () => {
  it('opens its job page (Sessions and Reaper link runs this way)', async () => {
    const { dispatchId, jobId } = await dispatchOne();
    const response = await app.request(`/admin/dispatches/${dispatchId}`, { headers: { cookie } });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`/admin/jobs/${jobId}`);
    expect((await app.request('/admin/dispatches/nope', { headers: { cookie } })).status).toBe(404);
  });
});

describe('Reaper actions', () => {
  it('name rules in words and link a known run’s issue to its job', () => {
    const action = {
      at: '2026-12-06T03:00:00.000Z',
      machineId: 'm-1',
      runId: null,
      tenant: null,
      ageSeconds: 5_400,
      dryRun: false,
    };
    const table = String(
      reaperRecentTable([
        { ...action, rule: 'max-age-exceeded', issueIdentifier: 'ENG-7', dispatchId: 'd-7' },
        { ...action, rule: 'orphan', issueIdentifier: null, dispatchId: null },
      ]),
    );
    expect(table).toContain('<a href="/admin/dispatches/d-7">ENG-7</a>');
    expect(table).toContain('Over the age limit');
    expect(table).toContain('Orphaned');
    expect(table).not.toContain('>max-age-exceeded<');
  });
});
