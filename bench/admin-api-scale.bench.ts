/**
 * The admin JSON API and every admin panel over a ledger of 100,000 dispatches (issue 11), on
 * SQLite and on PostgreSQL: p50 and p99 per endpoint, through the real app (bearer token or
 * session cookie, routing, store queries, rendering) — everything but the socket, as
 * bench/admin-panels.bench.ts does.
 *
 * The ledger: 100,000 dispatches of 25,000 issues in 500 teams over 30 days (planning then
 * implementation, twice each; 500 in flight), 12,500 pull requests, 10,000 inbox rows, 9,500
 * blockers, the last day's dedup entries, 500 mappings. Lists are read at their first page and
 * at a page deep in the list (through `nextCursor`).
 *
 * Run: `node bench/admin-api-scale.bench.ts [sqlite|postgres] [rounds]` (Node 24 from
 * node_modules/.bin; PostgreSQL from /usr/lib/postgresql/15/bin). Results: bench/README.md.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql, type Insertable } from 'kysely';
import { MappingInputSchema } from '../src/domain/mapping.ts';
import { createHttpApp } from '../src/http/app.ts';
import { openStore } from '../src/store/database.ts';
import { upsertMapping } from '../src/store/mappings.ts';
import type { Database } from '../src/store/schema.ts';
import { createHarness } from '../test/support/orchestrator-harness.ts';
import { startPostgres } from '../test/support/postgres-server.ts';
import { quantile } from './product-process.ts';

const DIALECT = process.argv[2] === 'postgres' ? 'postgres' : 'sqlite';
const ROUNDS = Number(process.argv[3] ?? 200);
const DISPATCHES = 100_000;
const ISSUES = 25_000;
const TEAMS = 500;
const HOUR = 3_600_000;

const h = await createHarness();
const server = DIALECT === 'postgres' ? await startPostgres() : undefined;
const store = server
  ? await openStore({ kind: 'postgres', connectionString: server.connectionString })
  : h.store;
const ctx = { ...h.ctx, db: store.db };
const db = store.db;
const now = ctx.clock().getTime();
const at = (msAgo: number) => new Date(now - msAgo).toISOString();
const team = (i: number) => `T${String(i % TEAMS).padStart(3, '0')}`;

const seedStart = performance.now();
for (let t = 0; t < TEAMS; t += 1) {
  await upsertMapping(
    db,
    MappingInputSchema.parse({
      teamKey: team(t),
      owner: 'acme',
      repo: `repo-${t % 20}`,
      defaultBranch: 'main',
      maxInProgressAiIssues: 1,
    }),
    new Date(now),
  );
}

const SPAN = 30 * 24 * HOUR;
async function insertAll<T extends keyof Database>(table: T, rows: Insertable<Database[T]>[], chunk = 500) {
  for (let i = 0; i < rows.length; i += chunk) {
    await db
      .insertInto(table)
      .values(rows.slice(i, i + chunk) as never)
      .execute();
  }
}

const dispatches: Insertable<Database['dispatches']>[] = [];
const pulls: Insertable<Database['pull_requests']>[] = [];
for (let i = 0; i < DISPATCHES; i += 1) {
  const issue = i % ISSUES;
  const round = Math.floor(i / ISSUES); // 0 planning, 1 implementation, 2 planning, 3 implementation
  const created = at(((DISPATCHES - i) / DISPATCHES) * SPAN);
  const status = i >= DISPATCHES - 500 ? 'running' : i % 10 === 0 ? 'failed' : 'succeeded';
  const identifier = `${team(issue)}-${issue}`;
  const prNumber = round === 3 && status === 'succeeded' ? i : null;
  dispatches.push({
    id: randomUUID(),
    job_id: `job-${issue}-${round >> 1}`,
    issue_id: `issue-${issue}`,
    issue_identifier: identifier,
    issue_title: `Issue ${issue}: a title long enough to look like a real one`,
    issue_url: `https://linear.app/acme/issue/${identifier}`,
    ticketing_provider: 'linear',
    team_key: team(issue),
    bucket: `linear:${team(issue)}`,
    repo: `acme/repo-${issue % 20}`,
    phase: round % 2 === 0 ? 'planning' : 'implementation',
    status,
    dispatch_number: round + 1,
    runner_mode: 'github-actions',
    image: null,
    workflow_file: 'claude-implement.yml',
    priority: issue % 4,
    created_at: created,
    dispatched_at: created,
    finished_at: status === 'running' ? null : created,
    deadline_at: at(-2 * HOUR),
    error: status === 'failed' ? 'tests failed after 3 iterations' : null,
    result_json: status === 'succeeded' ? JSON.stringify({ status: 'success', summary: 'done' }) : null,
    pr_url: prNumber ? `https://github.com/acme/repo-${issue % 20}/pull/${prNumber}` : null,
    pr_number: prNumber,
    dispatch_attempts: 1,
  });
  if (prNumber && pulls.length < 12_500) {
    pulls.push({
      repo: `acme/repo-${issue % 20}`,
      number: prNumber,
      url: `https://github.com/acme/repo-${issue % 20}/pull/${prNumber}`,
      branch: `ai/${identifier}`,
      issue_id: `issue-${issue}`,
      issue_identifier: identifier,
      issue_url: `https://linear.app/acme/issue/${identifier}`,
      team_key: team(issue),
      job_id: `job-${issue}-1`,
      status: 'completed',
      cost_usd: 0.5,
      created_at: created,
      updated_at: created,
      last_dispatch_at: created,
    });
  }
}
await insertAll('dispatches', dispatches, 400);
await insertAll('pull_requests', pulls);
const waiting = Array.from({ length: 10_000 }, (_, k) => ISSUES + k);
await insertAll(
  'tracked_issues',
  waiting.map((issue) => ({
    issue_id: `issue-${issue}`,
    issue_identifier: `${team(issue)}-${issue}`,
    issue_title: `Issue ${issue}`,
    issue_url: `https://linear.app/acme/issue/${team(issue)}-${issue}`,
    team_key: team(issue),
    ticketing_provider: 'linear',
    state_name: 'Todo',
    state_type: 'unstarted',
    stage: 'planning_pending',
    priority: issue % 4,
    seen_at: at(0),
  })),
);
await insertAll(
  'blockers',
  waiting.slice(0, 9_500).map((issue) => ({
    issue_id: `issue-${issue}`,
    issue_identifier: `${team(issue)}-${issue}`,
    issue_title: `Issue ${issue}`,
    issue_url: `https://linear.app/acme/issue/${team(issue)}-${issue}`,
    team_key: team(issue),
    bucket: `linear:${team(issue)}`,
    reason: issue % 50 === 0 ? 'dependency' : 'capacity',
    detail: '1 of 1 runs in progress',
    recorded_at: at(0),
  })),
);
const lastDay = dispatches.filter((d) => Date.parse(d.created_at) > now - 24 * HOUR);
const dedup = new Map(lastDay.map((d) => [d.issue_id, d]));
await insertAll(
  'dedup_window',
  [...dedup.values()].map((d) => ({
    issue_id: d.issue_id,
    issue_identifier: d.issue_identifier,
    issue_title: d.issue_title,
    team_key: d.team_key,
    dispatched_at: d.created_at,
  })),
);
// What autovacuum does on a live PostgreSQL after bulk writes: statistics for the planner and the
// visibility map for index-only scans. SQLite's planner needs neither.
if (server) await sql`VACUUM ANALYZE`.execute(db);
const seeded = Math.round(performance.now() - seedStart);

const app = createHttpApp({ orchestrator: ctx, adminAccessCode: 'bench', statusChecks: async () => [] });
const signIn = await app.request('/admin/sign-in', {
  method: 'POST',
  body: new URLSearchParams({ code: 'bench' }),
});
const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
const auth = await app.request('/api/auth', {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ code: 'bench' }),
});
const token = ((await auth.json()) as { token: string }).token;

/** The cursor of page `depth` of a list (following `nextCursor`). */
async function cursorAt(path: string, depth: number): Promise<string> {
  let cursor = '';
  for (let page = 0; page < depth; page += 1) {
    const response = await app.request(`${path}${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    cursor = ((await response.json()) as { nextCursor: string }).nextCursor;
  }
  return cursor;
}
const deep = async (path: string, depth: number) =>
  `${path}?cursor=${encodeURIComponent(await cursorAt(path, depth))}`;

const job = dispatches.at(-1)!.job_id;
const targets: [string, string][] = [
  ['GET /api/log', '/api/log'],
  ['GET /api/log (page 50)', await deep('/api/log', 50)],
  ['GET /api/issues', '/api/issues'],
  ['GET /api/issues (page 200)', await deep('/api/issues', 200)],
  ['GET /api/pulls', '/api/pulls'],
  ['GET /api/pulls (page 100)', await deep('/api/pulls', 100)],
  ['GET /api/blockers', '/api/blockers'],
  ['GET /api/blockers (page 90)', await deep('/api/blockers', 90)],
  ['GET /api/overview', '/api/overview'],
  ['GET /api/dedup', '/api/dedup'],
  ...[
    'overview',
    'issues',
    'jobs',
    'pulls',
    'blockers',
    'projects',
    'projects/new',
    'pipelines-steps',
    'models',
    'runners',
    'sessions',
    'reaper',
    'secrets',
    'settings',
    'audit-log',
    `jobs/${job}`,
  ].map((panel): [string, string] => [`/admin/${panel.replace(job, ':jobId')}`, `/admin/${panel}`]),
];

console.log(
  `${DIALECT}: ${DISPATCHES.toLocaleString('en-US')} dispatches, ${pulls.length} PRs, 10,000 inbox rows, 9,500 blockers, ${dedup.size} dedup entries, ${TEAMS} mappings (seeded in ${seeded} ms); ${ROUNDS} requests each\n`,
);
console.log('| Endpoint | p50 ms | p99 ms | max ms | KB |');
console.log('|---|---:|---:|---:|---:|');
for (const [name, path] of targets) {
  const headers: Record<string, string> = path.startsWith('/api/')
    ? { authorization: `Bearer ${token}` }
    : { cookie };
  const times: number[] = [];
  let size = 0;
  for (let round = 0; round < ROUNDS + 5; round += 1) {
    const start = performance.now();
    const response = await app.request(path, { headers });
    const body = await response.text();
    if (response.status !== 200)
      throw new Error(`${name} answered ${response.status}: ${body.slice(0, 300)}`);
    if (round >= 5) times.push(performance.now() - start); // the first five warm up the JIT
    size = body.length;
  }
  console.log(
    `| ${name} | ${quantile(times, 0.5).toFixed(1)} | ${quantile(times, 0.99).toFixed(1)} | ${Math.max(...times).toFixed(1)} | ${(size / 1024).toFixed(0)} |`,
  );
}
if (server) {
  await store.close();
  await server.stop();
}
await h.close();
