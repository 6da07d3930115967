/**
 * The tick at scale (issue 11): the real product (`npm start`) against a fake Linear built from
 * Linear's schema (which scores every query and refuses one over Linear's complexity cap) with
 * N teams × M labelled tickets — or, with `--tracker=jira`, a fake Jira with N projects × M
 * issues at "AI-Implement Status" Ready (bench/tick-scale-trackers.ts) — and a fake GitHub with
 * the App installed.
 *
 * It creates one mapping per team (capacity 1) through the admin API, then measures:
 * - time from the last mapping to every team's slot dispatched, and in how many ticks;
 * - per steady tick (every slot taken): tracker requests by kind (Linear's operation, Jira's
 *   method and path), tick wall time, product CPU
 *   (from `/proc/<pid>/stat` between two tick completions, and `lastTick.cpuMs` of `/healthz`
 *   when the product reports it);
 * - peak RSS of the product's node process (`VmHWM`) over the whole run.
 * A tenth of the teams have an urgent ticket blocked by an open issue: none may be dispatched.
 *
 * Run: `node bench/tick-scale.bench.ts [teams] [ticketsPerTeam] [steadyTicks] [--tracker=jira]`
 * (Node 24 from node_modules/.bin). `BENCH_PRODUCT_DIR=/path/to/checkout` measures another checkout of the
 * product (e.g. an older commit) with this bench and these fakes; `BENCH_NODE_ARGS` runs
 * `node <args> scripts/start.mjs` instead of `npm start`, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
 * Results: bench/README.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createFakeGitHub, generateTestAppKeyPair } from '../test/fakes/github/fake-github-server.ts';
import { startProduct } from './product-process.ts';
import { startTrackerBed } from './tick-scale-trackers.ts';

const flags = process.argv.slice(2).filter((arg) => arg.startsWith('--'));
const [TEAMS = 500, PER_TEAM = 20, STEADY_TICKS = 4] = process.argv
  .slice(2)
  .filter((arg) => !arg.startsWith('--'))
  .map(Number);
const TRACKER = flags.find((flag) => flag.startsWith('--tracker='))?.slice('--tracker='.length) ?? 'linear';
const unknown = flags.filter((flag) => !flag.startsWith('--tracker='));
if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')} (only --tracker=linear|jira)`);
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

const seedStart = performance.now();
const bed = await startTrackerBed(TRACKER, { teams: TEAMS, perTeam: PER_TEAM, repos });
const seeded = Math.round(performance.now() - seedStart);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-implement-tick-bench-'));
const product = await startProduct(
  checkout,
  {
    GITHUB_APP_ID: String(APP_ID),
    GITHUB_APP_PRIVATE_KEY: keys.privateKey.trim().replace(/\n/g, '\\n'),
    GITHUB_API_URL: github.url,
    ...bed.env,
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
progress(`seeded ${TEAMS} ${TRACKER} teams × ${PER_TEAM} in ${seeded} ms; creating mappings`);
const ticksBeforeMapping = (await health()).ticks;
const mapStart = performance.now();
// Four at a time: a Jira mapping is checked against Jira (its JQL, fields and repo option) before
// it is saved, and all 500 must exist before the next poll.
let nextTeam = 0;
async function createMappings() {
  for (let t = nextTeam++; t < TEAMS; t = nextTeam++) {
    const key = bed.keys[t]!;
    const created = await api('POST', '/api/mappings', bed.mapping(key, repos[t % REPOS]!), token);
    if (created.status !== 201) throw new Error(`mapping ${key}: ${JSON.stringify(created.body)}`);
  }
}
await Promise.all(Array.from({ length: 4 }, createMappings));
const mapped = performance.now();
const ticksAtMapped = (await health()).ticks;
if (ticksAtMapped > ticksBeforeMapping) progress('a tick ended while the mappings were being created');
const requestsAtMapped = bed.requestCount();

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
const firstTick = { ...seen.health.lastTick, requests: bed.requestsSince(requestsAtMapped) };
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
  const startCount = bed.requestCount();
  const cpuBefore = product.cpuMs();
  const next = await nextTick(seen.health.ticks, 3_600_000);
  const peakNow = product.peakRssMb();
  steady.push({
    requests: bed.requestsSince(startCount),
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
const blockedDispatched = dispatched.filter((identifier) => bed.blocked.has(identifier));
const rejected = bed.rejections();

console.log(
  JSON.stringify(
    {
      checkout,
      tracker: bed.tracker,
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
      rejected: rejected.length,
      firstTick,
      steady,
      idleRssMb: Math.round(idleRss),
      peakRssMb: Math.round(product.peakRssMb()),
    },
    null,
    2,
  ),
);
if (rejected.length > 0) console.error(rejected.slice(0, 3));

await product.stop();
await Promise.all([github.close(), bed.close()]);
fs.rmSync(dir, { recursive: true, force: true });
