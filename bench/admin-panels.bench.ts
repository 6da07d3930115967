/**
 * How fast the admin panels render over a big ledger: 10,000 dispatches (all in the last 24
 * hours, the worst case for the Overview), 2,000 pull requests, 3,000 tracked issues, 300
 * blockers, 1,500 dedup entries and 20 projects in SQLite, each panel requested through the
 * real app (session cookie, routing, rendering) as a browser would — minus the socket.
 *
 * Run: `node bench/admin-panels.bench.ts` (Node 24 from node_modules/.bin). Prints median, p95
 * and max per panel in milliseconds, and the page size. The target: well under 100 ms each.
 * Results and the machine they came from are in bench/README.md.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createHttpApp } from '../src/http/app.ts';
import type { Database } from '../src/store/schema.ts';
import { createHarness } from '../test/support/orchestrator-harness.ts';
import type { Insertable } from 'kysely';

const DISPATCHES = 10_000;
const ISSUES = 3_000;
const PROJECTS = 20;
const ROUNDS = 40;
const HOUR = 3_600_000;

const h = await createHarness();
const now = h.ctx.clock().getTime();
const at = (msAgo: number) => new Date(now - msAgo).toISOString();
const team = (i: number) => `T${String(i % PROJECTS).padStart(2, '0')}`;

for (let p = 0; p < PROJECTS; p += 1) {
  await h.addMapping({ teamKey: team(p), repo: `repo-${p}`, maxInProgressAiIssues: 5 });
}

const dispatches: Insertable<Database['dispatches']>[] = [];
for (let i = 0; i < DISPATCHES; i += 1) {
  const issue = i % ISSUES;
  const round = Math.floor(i / ISSUES);
  const created = at(((DISPATCHES - i) / DISPATCHES) * 23.5 * HOUR);
  const status = i > DISPATCHES - 40 ? 'running' : i % 10 === 0 ? 'failed' : 'succeeded';
  dispatches.push({
    id: randomUUID(),
    job_id: `job-${issue}-${Math.floor(round / 2)}`,
    issue_id: `issue-${issue}`,
    issue_identifier: `${team(issue)}-${issue}`,
    issue_title: `Issue ${issue}: <b>a title long enough to look like a real one</b>`,
    issue_url: `https://linear.app/acme/issue/${team(issue)}-${issue}`,
    ticketing_provider: 'linear',
    team_key: team(issue),
    bucket: `linear:${team(issue)}`,
    repo: `acme/repo-${issue % PROJECTS}`,
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
    pr_url:
      round % 2 === 1 && status === 'succeeded'
        ? `https://github.com/acme/repo-${issue % PROJECTS}/pull/${i}`
        : null,
    dispatch_attempts: 1,
  });
}
await h.store.db.transaction().execute(async (trx) => {
  for (let i = 0; i < dispatches.length; i += 500) {
    await trx
      .insertInto('dispatches')
      .values(dispatches.slice(i, i + 500))
      .execute();
  }
  const prs = dispatches.filter((d) => d.pr_url).slice(0, 2_000);
  for (let i = 0; i < prs.length; i += 500) {
    await trx
      .insertInto('pull_requests')
      .values(
        prs.slice(i, i + 500).map((d) => ({
          repo: d.repo,
          number: Number(d.pr_url!.split('/').at(-1)),
          url: d.pr_url!,
          branch: `ai/${d.issue_identifier}`,
          issue_id: d.issue_id,
          issue_identifier: d.issue_identifier,
          issue_url: d.issue_url,
          team_key: d.team_key,
          job_id: d.job_id,
          status: 'completed',
          cost_usd: 0.5,
          created_at: d.created_at,
          updated_at: d.created_at,
          last_dispatch_at: d.created_at,
        })),
      )
      .execute();
  }
  for (let i = 0; i < ISSUES; i += 500) {
    const rows = Array.from({ length: Math.min(500, ISSUES - i) }, (_, k) => i + k);
    await trx
      .insertInto('tracked_issues')
      .values(
        rows.map((issue) => ({
          issue_id: `issue-${issue}`,
          issue_identifier: `${team(issue)}-${issue}`,
          issue_title: `Issue ${issue}`,
          issue_url: `https://linear.app/acme/issue/${team(issue)}-${issue}`,
          team_key: team(issue),
          ticketing_provider: 'linear',
          state_name: 'In Progress',
          state_type: 'started',
          stage: 'ready',
          priority: issue % 4,
          seen_at: at(0),
        })),
      )
      .execute();
    await trx
      .insertInto('dedup_window')
      .values(
        rows.slice(0, 250).map((issue) => ({
          issue_id: `issue-${issue}`,
          issue_identifier: `${team(issue)}-${issue}`,
          issue_title: `Issue ${issue}`,
          team_key: team(issue),
          dispatched_at: at(issue * 10_000),
        })),
      )
      .execute();
    await trx
      .insertInto('blockers')
      .values(
        rows.slice(0, 50).map((issue) => ({
          issue_id: `issue-${issue}`,
          issue_identifier: `${team(issue)}-${issue}`,
          issue_title: `Issue ${issue}`,
          issue_url: `https://linear.app/acme/issue/${team(issue)}-${issue}`,
          team_key: team(issue),
          bucket: `linear:${team(issue)}`,
          reason: issue % 2 ? 'capacity' : 'dedup',
          detail: 'held back',
          recorded_at: at(0),
        })),
      )
      .execute();
  }
});

const app = createHttpApp({ orchestrator: h.ctx, adminAccessCode: 'bench', statusChecks: async () => [] });
const signIn = await app.request('/admin/sign-in', {
  method: 'POST',
  body: new URLSearchParams({ code: 'bench' }),
});
const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
const job = dispatches.at(-1)!.job_id;
const panels = [
  'overview',
  'issues',
  'jobs',
  'pulls',
  'blockers',
  'projects',
  'projects/new',
  'models',
  'runners',
  'audit-log',
  `jobs/${job}`,
];

console.log(
  `${DISPATCHES} dispatches, ${ISSUES} issues, ${PROJECTS} projects; ${ROUNDS} requests per panel\n`,
);
console.log(
  'panel'.padEnd(22),
  'median ms'.padStart(10),
  'p95 ms'.padStart(8),
  'max ms'.padStart(8),
  'KB'.padStart(7),
);
for (const panel of panels) {
  const times: number[] = [];
  let size = 0;
  for (let round = 0; round < ROUNDS + 3; round += 1) {
    const start = performance.now();
    const response = await app.request(`/admin/${panel}`, { headers: { cookie } });
    const body = await response.text();
    if (response.status !== 200) throw new Error(`${panel} answered ${response.status}`);
    if (round >= 3) times.push(performance.now() - start); // the first three warm up the JIT
    size = body.length;
  }
  times.sort((a, b) => a - b);
  const pick = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(1);
  console.log(
    panel.replace(job, ':jobId').padEnd(22),
    pick(0.5).padStart(10),
    pick(0.95).padStart(8),
    times.at(-1)!.toFixed(1).padStart(8),
    (size / 1024).toFixed(0).padStart(7),
  );
}
await h.close();
