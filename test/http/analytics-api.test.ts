import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.ts';
import { handleRunResult } from '../../src/orchestrator/run-results.ts';
import { runTick } from '../../src/orchestrator/tick.ts';
import { closePullRequest } from '../../src/store/pull-requests.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';
import { expectDocumentedResponse } from '../support/openapi-responses.ts';

/** `GET /api/analytics` and the Analytics panel (issue 16) on seeded data. */

const CODE = 'analytics-code';
let h: Harness;
let app: ReturnType<typeof createHttpApp>;
let token: string;

beforeEach(async () => {
  h = await createHarness(); // 2026-11-21T09:00:00Z, a Saturday
  h.linear.addTeam({ key: 'ENG' });
  app = createHttpApp({ orchestrator: h.ctx, adminAccessCode: CODE, statusChecks: async () => [] });
  const auth = await app.request('/api/auth', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: CODE }),
  });
  token = ((await auth.json()) as { token: string }).token;
});
afterEach(() => h.close());

const minutes = (n: number) => n * 60_000;

async function get(path: string) {
  const response = await app.request(path, { headers: { authorization: `Bearer ${token}` } });
  await expectDocumentedResponse('GET', path, response);
  return response;
}

/** Three tickets: two PRs (one merged after an hour, one closed unmerged), one failed run. */
async function seed() {
  await h.addMapping({ teamKey: 'ENG', planningEnabled: false, maxInProgressAiIssues: 10 });
  for (const title of ['Merged', 'Closed', 'Failed']) {
    h.linear.addIssue({ team: 'ENG', title, labels: ['AI-Implement'], state: 'Todo' });
  }
  await runTick(h.ctx);
  const [merged, closed, failed] = h.backend.dispatched.map((d) => d.payload);
  h.advance(minutes(30));
  await handleRunResult(h.ctx, merged!.dispatchId, {
    status: 'success',
    prUrl: 'https://github.com/acme/api/pull/1',
    branch: 'ai/1',
    usage: { costUsd: 1.2 },
  });
  await handleRunResult(h.ctx, closed!.dispatchId, {
    status: 'success',
    prUrl: 'https://github.com/acme/api/pull/2',
    branch: 'ai/2',
    usage: { costUsd: 0.8 },
  });
  await handleRunResult(h.ctx, failed!.dispatchId, {
    status: 'failure',
    error: "step implement failed: the run's budget is spent",
    usage: { costUsd: 0.5 },
  });
  h.advance(minutes(60));
  await closePullRequest(h.store.db, 'acme/api', 1, { state: 'merged', at: h.ctx.clock() });
  await closePullRequest(h.store.db, 'acme/api', 2, { state: 'closed', at: h.ctx.clock() });
}

describe('GET /api/analytics', () => {
  it('reports outcomes, timing, cost and failures of the last 30 days', async () => {
    await seed();
    const response = await get('/api/analytics');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      from: '2026-10-22T10:30:00.000Z',
      to: '2026-11-21T10:30:00.000Z',
      teamKey: null,
      runs: [
        { phase: 'implementation', outcome: 'failed', count: 1 },
        { phase: 'implementation', outcome: 'succeeded', count: 2 },
      ],
      pullRequests: { opened: 2, merged: 1, closedUnmerged: 1, open: 0 },
      mergeRate: 0.5,
      pickupToPrSeconds: { median: 1800, p90: 1800, count: 2 },
      prToMergeSeconds: { median: 3600, p90: 3600, count: 1 },
      reviewFixPassesPerMergedPr: 0,
      costPerMergedPrUsd: 1.2,
      costByTeamWeek: [{ teamKey: 'ENG', weekStart: '2026-11-16T00:00:00.000Z', costUsd: 2.5 }],
      topFailureReasons: [{ reason: "step implement failed: the run's budget is spent", count: 1 }],
    });
  });

  it('filters by team and window, exports CSV, and names a bad parameter', async () => {
    await seed();
    const other = (await (await get('/api/analytics?teamKey=OPS')).json()) as { runs: unknown[] };
    expect(other.runs).toEqual([]);
    const before = (await (
      await get('/api/analytics?from=2026-11-01T00:00:00Z&to=2026-11-21T00:00:00Z')
    ).json()) as { pullRequests: { opened: number } };
    expect(before.pullRequests.opened).toBe(0);

    const csv = await get('/api/analytics?format=csv');
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toBe('section,key,value');
    expect(text).toContain('pull_requests,merge_rate,0.5\r\n');
    expect(text).toContain('cost_by_team_week,ENG/2026-11-16T00:00:00.000Z,2.5\r\n');

    const bad = await get('/api/analytics?from=yesterday');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ fields: [{ field: 'from' }] });
    const reversed = await get('/api/analytics?from=2026-11-21T00:00:00Z&to=2026-11-20T00:00:00Z');
    expect(reversed.status).toBe(400);
    expect(await reversed.json()).toMatchObject({
      fields: [{ field: 'from', message: 'must be before to' }],
    });
  });

  it('renders the Analytics panel from the same figures', async () => {
    await seed();
    const auth = await app.request('/admin/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ code: CODE }).toString(),
    });
    const cookie = auth.headers.get('set-cookie')?.split(';')[0] ?? '';
    const page = await (await app.request('/admin/analytics', { headers: { cookie } })).text();
    expect(page).toContain('Analytics');
    expect(page).toContain('50 %');
    expect(page).toContain('$1.20');
    expect(page).toContain('the run&#39;s budget is spent');
    expect(page).toContain('format=csv');
    // The weekly cost as an SVG chart, its numbers behind "Show as a table".
    expect(page).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="cost-week-title"/);
    expect(page).toContain('<title>11-16: $2.50</title>');
    expect(page).toContain('Show as a table');
  });
});
