import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';

/** The Overview is the first look: with many runs it shows the longest running and links the rest. */
const CODE = 'overview-panel-code';
let h: Harness;
let app: ReturnType<typeof createHttpApp>;

beforeEach(async () => {
  h = await createHarness();
  app = createHttpApp({ orchestrator: h.ctx, adminAccessCode: CODE, statusChecks: async () => [] });
});
afterEach(() => h.close());

it('shows the 50 longest-running jobs, counts them all, and links the rest to Pipelines', async () => {
  await h.addMapping({ teamKey: 'ENG', maxInProgressAiIssues: 100 });
  const now = h.ctx.clock().getTime();
  await h.store.db
    .insertInto('dispatches')
    .values(
      Array.from({ length: 60 }, (_, i) => {
        const created = new Date(now - (i + 1) * 60_000).toISOString();
        return {
          id: randomUUID(),
          job_id: `job-${i}`,
          issue_id: `issue-${i}`,
          issue_identifier: `ENG-${i}`,
          issue_title: `Issue ${i}`,
          issue_url: `https://linear.app/acme/issue/ENG-${i}`,
          ticketing_provider: 'linear',
          team_key: 'ENG',
          bucket: 'linear:ENG',
          repo: 'acme/api',
          phase: 'implementation',
          status: 'running',
          dispatch_number: 1,
          runner_mode: 'github-actions',
          image: null,
          workflow_file: 'claude-implement.yml',
          priority: 2,
          created_at: created,
          deadline_at: new Date(now + 3_600_000).toISOString(),
          dispatch_attempts: 1,
        };
      }),
    )
    .execute();
  const auth = await app.request('/admin/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ code: CODE }).toString(),
  });
  const cookie = auth.headers.get('set-cookie')?.split(';')[0] ?? '';
  const page = await (await app.request('/admin/overview', { headers: { cookie } })).text();

  const running = page.slice(
    page.indexOf('data-live="running-jobs"'),
    page.indexOf('</table>', page.indexOf('data-live="running-jobs"')),
  );
  expect(running.match(/href="\/admin\/jobs\/job-/g)).toHaveLength(50);
  // Longest running first: ENG-59 started an hour ago, ENG-10 is the 50th.
  expect(running).toContain('>ENG-59<');
  expect(running).toContain('>ENG-10<');
  expect(running).not.toContain('>ENG-9<');
  expect(running).toMatch(/10 more running — <a href="\/admin\/jobs">all under Pipelines<\/a>/);
  expect(page).toMatch(/data-kpi="running"[^>]*>60</);
});
