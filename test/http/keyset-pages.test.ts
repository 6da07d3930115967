import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';
import { expectDocumentedResponse } from '../support/openapi-responses.ts';

/** Keyset pages of the list endpoints: every row once, in order, whatever the page size. */
const CODE = 'correct-horse-battery';
let h: Harness;
let app: ReturnType<typeof createHttpApp>;
let token: string;

beforeEach(async () => {
  h = await createHarness();
  app = createHttpApp({ orchestrator: h.ctx, adminAccessCode: CODE, statusChecks: async () => [] });
  const auth = await app.request('/api/auth', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: CODE }),
  });
  token = ((await auth.json()) as { token: string }).token;
});
afterEach(() => h.close());

async function get<T>(path: string): Promise<{ status: number; body: T }> {
  const response = await app.request(path, { headers: { authorization: `Bearer ${token}` } });
  await expectDocumentedResponse('GET', path, response);
  return { status: response.status, body: (await response.json()) as T };
}

/** Follows `nextCursor` from the first page to the last, collecting `pick` of each page. */
async function walk<T>(path: string, limit: number, pick: (body: T) => string[]): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const query: string = `${path}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const { status, body } = await get<T & { nextCursor: string | null }>(query);
    expect(status).toBe(200);
    pages.push(pick(body));
    cursor = body.nextCursor;
  } while (cursor !== null && pages.length < 100);
  return pages;
}

const teamOf = (issue: number) => (issue >= 40 ? 'WEB' : issue % 3 === 0 ? 'OPS' : 'ENG');

async function seedDispatches(count: number): Promise<void> {
  const base = h.ctx.clock().getTime();
  await h.store.db
    .insertInto('dispatches')
    .values(
      Array.from({ length: count }, (_, i) => {
        // Pairs share a timestamp, so the id breaks ties.
        const created = new Date(base - Math.floor(i / 2) * 60_000).toISOString();
        const team = teamOf(i % 40);
        return {
          id: randomUUID(),
          job_id: `job-${i}`,
          issue_id: `issue-${i % 40}`,
          issue_identifier: `${team}-${i % 40}`,
          issue_title: `Issue ${i % 40}`,
          issue_url: `https://linear.app/acme/issue/${team}-${i % 40}`,
          ticketing_provider: 'linear',
          team_key: team,
          bucket: `linear:${team}`,
          repo: 'acme/api',
          phase: 'implementation',
          status: 'succeeded',
          dispatch_number: Math.floor(i / 40) + 1,
          runner_mode: 'github-actions',
          image: null,
          workflow_file: 'claude-implement.yml',
          priority: 2,
          created_at: created,
          deadline_at: created,
          dispatch_attempts: 1,
        };
      }),
    )
    .execute();
}

describe('keyset pages', () => {
  it('the dispatch log pages newest first, every dispatch once', async () => {
    await seedDispatches(95);
    const pages = await walk<{ jobs: { dispatches: { dispatchId: string; createdAt: string }[] }[] }>(
      '/api/log',
      20,
      (body) => body.jobs.flatMap((job) => job.dispatches.map((d) => `${d.createdAt} ${d.dispatchId}`)),
    );
    expect(pages.map((page) => page.length)).toEqual([20, 20, 20, 20, 15]);
    const all = pages.flat();
    expect(new Set(all).size).toBe(95);
    expect([...all].sort().reverse()).toEqual(all);
  });

  it('the inbox pages by team and identifier over the ledger and the poll, each issue once', async () => {
    await seedDispatches(120);
    await h.store.db
      .insertInto('tracked_issues')
      .values(
        Array.from({ length: 30 }, (_, i) => ({
          issue_id: `issue-${i + 30}`,
          issue_identifier: `${teamOf(i + 30)}-${i + 30}`,
          issue_title: 't',
          issue_url: 'u',
          team_key: teamOf(i + 30),
          ticketing_provider: 'linear',
          state_name: 'Todo',
          state_type: 'unstarted',
          stage: 'ready',
          priority: 0,
          seen_at: h.ctx.clock().toISOString(),
        })),
      )
      .execute();
    const pages = await walk<{ issues: { issueId: string; teamKey: string; identifier: string }[] }>(
      '/api/issues',
      7,
      (body) => body.issues.map((issue) => issue.issueId),
    );
    const all = pages.flat();
    // 40 issues in the ledger, 30 in the inbox; issue-30…39 in both.
    expect(new Set(all).size).toBe(all.length);
    expect(new Set(all)).toEqual(new Set(Array.from({ length: 60 }, (_, i) => `issue-${i}`)));
    expect(pages.slice(0, -1).every((page) => page.length === 7)).toBe(true);
  });

  it('blockers page by team and identifier; the counts cover every blocker', async () => {
    await h.store.db
      .insertInto('blockers')
      .values(
        Array.from({ length: 45 }, (_, i) => ({
          issue_id: `issue-${i}`,
          issue_identifier: `ENG-${String(i).padStart(2, '0')}`,
          issue_title: 't',
          issue_url: 'u',
          team_key: i % 2 ? 'ENG' : 'OPS',
          bucket: 'linear:ENG',
          reason: i % 3 ? 'capacity' : 'dedup',
          detail: 'd',
          recorded_at: h.ctx.clock().toISOString(),
        })),
      )
      .execute();
    const first = await get<{ total: number; teamsAffected: number; blockers: unknown[] }>(
      '/api/blockers?limit=10',
    );
    expect(first.body).toMatchObject({ total: 45, teamsAffected: 2, blockedByConcurrencyCap: 30 });
    const pages = await walk<{ blockers: { mapping: string; identifier: string }[] }>(
      '/api/blockers',
      10,
      (body) => body.blockers.map((b) => `${b.mapping} ${b.identifier}`),
    );
    expect(pages.map((page) => page.length)).toEqual([10, 10, 10, 10, 5]);
    expect(pages.flat()).toEqual([...pages.flat()].sort());
  });

  it('refuses a malformed limit or cursor, naming the field', async () => {
    const badLimit = await get<{ fields: { field: string }[] }>('/api/pulls?limit=0');
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.fields).toEqual([expect.objectContaining({ field: 'limit' })]);
    const badCursor = await get<{ fields: { field: string }[] }>('/api/log?cursor=not-a-cursor');
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.fields).toEqual([expect.objectContaining({ field: 'cursor' })]);
    expect((await get('/api/issues?limit=1001')).status).toBe(400);
  });
});
