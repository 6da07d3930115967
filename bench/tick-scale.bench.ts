/**
 * The tick at scale (issue 11): the real product (`npm start`) against a fake Linear built from
 * Linear's schema (which scores every query and refuses one over Linear's complexity cap) with
 * N teams × M labelled tickets, and a fake GitHub with the App installed.
 *
 * It creates one mapping per team (capacity 1) through the admin API, then measures:
 * - time from the last mapping to every team's slot dispatched, and in how many ticks;
 * - per steady tick (every slot taken): Linear requests by operation, tick wall time, product CPU
 *   (from `/proc/<pid>/stat` between two tick completions, and `lastTick.cpuMs` of `/healthz`
 *   when the product reports it);
 * - peak RSS of the product's node process (`VmHWM`) over the whole run.
 * A tenth of the teams have an urgent ticket blocked by an open issue: none may be dispatched.
 *
 * Run: `node bench/tick-scale.bench.ts [teams] [ticketsPerTeam] [steadyTicks]` (Node 24 from
 * node_modules/.bin). `BENCH_PRODUCT_DIR=/path/to/checkout` measures another checkout of the
 * product (e.g. an older commit) with this bench and these fakes; `BENCH_NODE_ARGS` runs
 * `node <args> scripts/start.mjs` instead of `npm start`, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
 * Results: bench/README.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createFakeGitHub, generateTestAppKeyPair } from '../test/fakes/github/fake-github-server.ts';
import { startFakeLinear } from '../test/fakes/linear/fake-linear-server.ts';
import { startProduct } from './product-process.ts';

const TEAMS = Number(process.argv[2] ?? 500);
const PER_TEAM = Number(process.argv[3] ?? 20);
const STEADY_TICKS = Number(process.argv[4] ?? 4);
const POLL_INTERVAL_MS = 10_000;
const REPOS = 10;
const APP_ID = 4242;
const checkout = path.resolve(process.env.BENCH_PRODUCT_DIR ?? path.join(import.meta.dirname, '..'));

const keys = generateTestAppKeyPair();
const github = await createFakeGitHub({ appId: APP_ID, publicKey: keys.publicKey });
const repos = Array.from({ length: REPOS }, (_, i) => `repo-${i}`);
for (const repo of repos) {
  github.addRepo({
    owner: 'acme',
    repo,
    defaultBranch: 'main',
    workflows: ['claude-implement.yml', 'claude-plan.yml'].map((file) => ({
      file,
      inputs: ['issue_id', 'issue_identifier', 'payload'],
    })),
  });
}
github.addInstallation({ id: APP_ID + 1, account: 'acme', repos: repos.map((r) => `acme/${r}`) });

// The request budget is the product's to spend; the fake counts, it does not refuse.
const linear = await startFakeLinear({ apiKey: 'lin_api_bench', requestsLimit: 1e9 });
linear.addLabel({ name: 'AI-Implement' });
const teamKey = (i: number) => `T${String(i).padStart(3, '0')}`;
const blocked = new Set<string>();
const seedStart = performance.now();
for (let t = 0; t < TEAMS; t += 1) {
  const key = teamKey(t);
  linear.addTeam({ key });
  if (t % 10 === 0) {
    const prerequisite = linear.addIssue({ team: key, title: 'Prerequisite', state: 'In Progress' });
    blocked.add(
      linear.addIssue({
        team: key,
        title: 'Urgent but blocked',
        labels: ['AI-Implement'],
        priority: 1,
        blockedBy: [prerequisite.id],
      }).identifier,
    );
  }
  const marked = t % 10 === 0 ? PER_TEAM - 1 : PER_TEAM;
  for (let i = 0; i < marked; i += 1) {
    linear.addIssue({
      team: key,
      title: `Ticket ${i} of ${key}`,
      description: `Do thing ${i}.`,
      labels: ['AI-Implement'],
      priority: 1 + ((i * 7 + t) % 4),
    });
  }
}
const seeded = Math.round(performance.now() - seedStart);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-implement-tick-bench-'));
const product = await startProduct(
  checkout,
  {
    GITHUB_APP_ID: String(APP_ID),
    GITHUB_APP_PRIVATE_KEY: keys.privateKey.trim().replace(/\n/g, '\\n'),
    GITHUB_API_URL: github.url,
    LINEAR_API_KEY: linear.apiKey,
    LINEAR_API_URL: linear.url,
    ADMIN_ACCESS_CODE: 'bench-access-code',
    POLL_INTERVAL_MS: String(POLL_INTERVAL_MS),
    DEDUP_DB_PATH: path.join(dir, 'dedup.sqlite'),
    RUNNER_TOKEN_SECRET: 'bench-runner-token-secret-0123456789abcdef',
    RUNNER_CALLBACK_BASE_URL: 'http://127.0.0.1:1',
  },
  (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
);

async function api(method: string, route: string, body?: unknown, token?: string) {
  const response = await fetch(product.url + route, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

interface Health {
  ticks: number;
  lastTick?: { durationMs: number; cpuMs: number };
}
/** `/healthz`, retried: a product busy for seconds may drop a kept-alive connection. */
async function health(): Promise<Health> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return (await api('GET', '/healthz')).body as unknown as Health;
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** Progress on stderr, so a long run shows where it is. */
const progress = (what: string) => console.error(`${new Date().toISOString()} ${what}`);

/** Waits for the next tick completion; returns when it saw it and the health then. */
async function nextTick(after: number, timeoutMs = 600_000): Promise<{ at: number; health: Health }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await health();
    if (now.ticks > after) return { at: performance.now(), health: now };
    if (Date.now() > deadline) throw new Error(`no tick after ${after} within ${timeoutMs} ms`);
    // Every 500 ms, not faster: each /healthz is served by the product during its tick and
    // counts in the tick's reported CPU (process.cpuUsage is per process).
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const token = String((await api('POST', '/api/auth', { code: 'bench-access-code' })).body.token);
const idleRss = product.rssMb();

// Mappings are created between two ticks, so the next tick is the first that sees them all.
await nextTick((await health()).ticks);
progress(`seeded ${TEAMS} teams × ${PER_TEAM} in ${seeded} ms; creating mappings`);
const mapStart = performance.now();
for (let t = 0; t < TEAMS; t += 1) {
  const created = await api(
    'POST',
    '/api/mappings',
    {
      teamKey: teamKey(t),
      owner: 'acme',
      repo: repos[t % REPOS],
      defaultBranch: 'main',
      maxInProgressAiIssues: 1,
    },
    token,
  );
  if (created.status !== 201) throw new Error(`mapping ${teamKey(t)}: ${JSON.stringify(created.body)}`);
}
const mapped = performance.now();
const ticksAtMapped = (await health()).ticks;
const requestsAtMapped = linear.requestCount;

progress('mappings created; waiting for every slot to fill');
// Every team's slot: one dispatch per team.
while (github.dispatches.length < TEAMS) {
  if (performance.now() - mapped > 20 * 60_000) throw new Error('slots not filled in 20 minutes');
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const filled = performance.now();
progress(
  `slots filled ${Math.round(filled - mapped)} ms after the last mapping; waiting for that tick to end`,
);
let seen = await nextTick(ticksAtMapped, 3_600_000);
const firstTick = { ...seen.health.lastTick, requests: operations(requestsAtMapped) };
const ticksToFill = seen.health.ticks - ticksAtMapped;

progress(`first tick ended ${Math.round(seen.at - mapped)} ms after the last mapping; steady ticks`);
const firstTickEndedMs = Math.round(seen.at - mapped);
// Steady ticks: every slot taken, 10,000 tickets waiting.
const steady: {
  requests: Record<string, number>;
  wallMs: number;
  cpuMs: number;
  reportedCpuMs?: number;
  reportedMs?: number;
  peakRssMb: number;
}[] = [];
for (let k = 0; k < STEADY_TICKS; k += 1) {
  const startCount = linear.requestCount;
  const cpuBefore = product.cpuMs();
  const next = await nextTick(seen.health.ticks, 3_600_000);
  const peakNow = product.peakRssMb();
  steady.push({
    requests: operations(startCount),
    // The next tick starts POLL_INTERVAL_MS after the previous one ended.
    wallMs: Math.round(next.at - seen.at - POLL_INTERVAL_MS),
    cpuMs: Math.round(product.cpuMs() - cpuBefore),
    reportedCpuMs: next.health.lastTick?.cpuMs,
    reportedMs: next.health.lastTick?.durationMs,
    peakRssMb: Math.round(peakNow),
  });
  seen = next;
  progress(`steady tick ${k + 1}: ${JSON.stringify(steady.at(-1))}`);
}

const dispatched = github.dispatches.map((d) => String(d.inputs.issue_identifier));
const teamsFilled = new Set(dispatched.map((identifier) => identifier.split('-')[0])).size;
const blockedDispatched = dispatched.filter((identifier) => blocked.has(identifier));
const rejected = linear.rejectedDocuments.length;

console.log(
  JSON.stringify(
    {
      checkout,
      teams: TEAMS,
      perTeam: PER_TEAM,
      labelled: TEAMS * PER_TEAM,
      seededMs: seeded,
      mappingsCreatedMs: Math.round(mapped - mapStart),
      fillMs: Math.round(filled - mapped),
      firstTickEndedMs,
      ticksToFill,
      teamsFilled,
      dispatches: dispatched.length,
      blockedDispatched: blockedDispatched.length,
      rejectedDocuments: rejected,
      firstTick,
      steady,
      idleRssMb: Math.round(idleRss),
      peakRssMb: Math.round(product.peakRssMb()),
    },
    null,
    2,
  ),
);
if (rejected > 0) console.error(linear.rejectedDocuments.slice(0, 3));

await product.stop();
await Promise.all([github.close(), linear.close()]);
fs.rmSync(dir, { recursive: true, force: true });

/** Linear requests since `from`, counted by operation name. */
function operations(from: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const request of linear.lastRequests(linear.requestCount - from)) {
    const name = request.operationName ?? '(anonymous)';
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}
