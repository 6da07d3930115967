/**
 * Tracker webhooks (issue 21): the real product (`npm start`) against the fake Linear — which
 * sends signed `Issue` / `IssueLabel` webhooks as Linear does — and the fake GitHub.
 *
 * 1. Latency: one mapping (capacity 100, no planning), polls ten minutes apart so only the
 *    webhook can start a run. For each of N tickets in turn, the label `AI-Implement` is applied
 *    in the fake Linear and the time until the fake GitHub has received the `workflow_dispatch`
 *    is measured (the bench looks every millisecond). p50 / p99 / max.
 * 2. Delegation → first agent activity: the OAuth app installed through the product's routes,
 *    N issues delegated one at a time in the fake Linear; time until the session has its first
 *    activity (the acknowledging `thought`).
 * 3. Idle cost: 10 mapped teams, no activity; Linear requests counted at the fake over a window,
 *    once in polling mode and once in webhooks mode (one delivery seen, then silence). The
 *    periods are scaled down by `SCALE` (60 s → 60 s / SCALE) so the window is short; requests
 *    per hour are then given for the real periods (POLL_INTERVAL_MS 60000, RECONCILE_INTERVAL_MS
 *    300000, the defaults): the window's requests × 3600 / (window seconds × SCALE).
 *
 * Run: `node bench/tracker-webhooks.bench.ts [tickets] [idleWindowSeconds]`. Results: bench/README.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createFakeGitHub, generateTestAppKeyPair } from '../test/fakes/github/fake-github-server.ts';
import { startFakeLinear, type FakeLinear } from '../test/fakes/linear/fake-linear-server.ts';
import { startProduct } from './product-process.ts';

const TICKETS = Number(process.argv[2] ?? 100);
const IDLE_WINDOW_S = Number(process.argv[3] ?? 60);
const SCALE = 20;
const SECRET = 'lin_wh_bench_secret_0123456789abcdef';
const APP_ID = 4545;
const checkout = path.resolve(import.meta.dirname, '..');
const progress = (what: string) => console.error(`${new Date().toISOString()} ${what}`);

const keys = generateTestAppKeyPair();
const github = await createFakeGitHub({ appId: APP_ID, publicKey: keys.publicKey });
github.addRepo({
  owner: 'acme',
  repo: 'api',
  defaultBranch: 'main',
  workflows: ['claude-implement.yml', 'claude-plan.yml'].map((file) => ({
    file,
    inputs: ['issue_id', 'issue_identifier', 'payload'],
  })),
});
github.addInstallation({ id: APP_ID + 1, account: 'acme', repos: ['acme/api'] });

async function product(linear: FakeLinear, env: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-implement-webhook-bench-'));
  const started = await startProduct(checkout, {
    GITHUB_APP_ID: String(APP_ID),
    GITHUB_APP_PRIVATE_KEY: keys.privateKey.trim().replace(/\n/g, '\\n'),
    GITHUB_API_URL: github.url,
    LINEAR_API_KEY: linear.apiKey,
    LINEAR_API_URL: linear.url,
    ADMIN_ACCESS_CODE: 'bench-access-code',
    DEDUP_DB_PATH: path.join(dir, 'dedup.sqlite'),
    RUNNER_TOKEN_SECRET: 'bench-runner-token-secret-0123456789abcdef',
    RUNNER_CALLBACK_BASE_URL: 'http://127.0.0.1:1',
    ...env,
  });
  const call = async (method: string, route: string, body?: unknown, token?: string) => {
    const response = await fetch(started.url + route, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const token = String((await call('POST', '/api/auth', { code: 'bench-access-code' })).body.token);
  return {
    ...started,
    token,
    api: (method: string, route: string, body?: unknown) => call(method, route, body, token),
    healthz: async () => (await call('GET', '/healthz')).body as { ticks: number; poll?: { mode: string } },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

// 1. Label → workflow_dispatch latency.
const latencies: number[] = [];
{
  const linear = await startFakeLinear({ apiKey: 'lin_api_bench', requestsLimit: 1e9 });
  linear.addTeam({ key: 'ENG', labels: ['AI-Implement'] });
  const p = await product(linear, {
    LINEAR_WEBHOOK_SECRET: SECRET,
    POLL_INTERVAL_MS: '600000',
    RECONCILE_INTERVAL_MS: '600000',
  });
  linear.webhooks.configure({ url: `${p.url}/api/linear/webhook`, secret: SECRET });
  const created = await p.api('POST', '/api/mappings', {
    teamKey: 'ENG',
    owner: 'acme',
    repo: 'api',
    defaultBranch: 'main',
    planningEnabled: false,
    maxInProgressAiIssues: 100,
  });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
  const issues = Array.from({ length: TICKETS }, (_, i) =>
    linear.addIssue({ team: 'ENG', title: `Ticket ${i}`, state: 'Todo' }),
  );
  await linear.webhooks.settled();
  progress(`latency: ${TICKETS} tickets, labelling one at a time`);
  for (const issue of issues) {
    const before = github.dispatches.length;
    const start = performance.now();
    linear.updateIssue(issue.id, { labels: ['AI-Implement'] });
    await waitFor(`dispatch of ${issue.identifier}`, () => github.dispatches.length > before, 30_000);
    latencies.push(performance.now() - start);
  }
  const health = await p.healthz();
  progress(`latency done; product ticks ${health.ticks}, mode ${health.poll?.mode}`);
  await p.stop();
  await linear.close();
}

// 2. Delegation → first agent activity (the acknowledgement), N delegations one at a time.
const firstActivity: number[] = [];
{
  const linear = await startFakeLinear({ apiKey: 'lin_api_bench', requestsLimit: 1e9 });
  linear.addTeam({ key: 'ENG', labels: ['AI-Implement'] });
  const p = await product(linear, {
    LINEAR_WEBHOOK_SECRET: SECRET,
    LINEAR_OAUTH_CLIENT_ID: linear.agent.app.clientId,
    LINEAR_OAUTH_CLIENT_SECRET: linear.agent.app.clientSecret,
    POLL_INTERVAL_MS: '600000',
    RECONCILE_INTERVAL_MS: '600000',
  });
  linear.webhooks.configure({ url: `${p.url}/api/linear/webhook`, secret: SECRET });
  const install = await fetch(`${p.url}/api/linear/oauth/install`, {
    headers: { authorization: `Bearer ${p.token}` },
    redirect: 'manual',
  });
  const consent = new URL(install.headers.get('location')!);
  const code = linear.agent.authorize(consent.searchParams.get('redirect_uri')!);
  const state = encodeURIComponent(consent.searchParams.get('state')!);
  const installed = await p.api('GET', `/api/linear/oauth/callback?code=${code}&state=${state}`);
  if (installed.status !== 200) throw new Error(JSON.stringify(installed.body));
  await p.api('POST', '/api/mappings', {
    teamKey: 'ENG',
    owner: 'acme',
    repo: 'api',
    defaultBranch: 'main',
    planningEnabled: false,
    maxInProgressAiIssues: 100,
  });
  progress(`agent: ${TICKETS} delegations, one at a time`);
  for (let i = 0; i < TICKETS; i += 1) {
    const issue = linear.addIssue({ team: 'ENG', title: `Delegated ${i}`, state: 'Todo' });
    await linear.webhooks.settled();
    const start = performance.now();
    const sessionId = linear.webhooks.delegate(issue.id);
    const session = linear.agent.sessions.find((s) => s.id === sessionId)!;
    await waitFor(`first activity of ${issue.identifier}`, () => session.activities.length > 0, 30_000);
    firstActivity.push(performance.now() - start);
  }
  await p.stop();
  await linear.close();
}

// 3. Idle Linear requests, polling vs webhooks, periods scaled down by SCALE.
async function idle(mode: 'polling' | 'webhooks') {
  const linear = await startFakeLinear({ apiKey: 'lin_api_bench', requestsLimit: 1e9 });
  const teams = Array.from({ length: 10 }, (_, i) => `T${i}`);
  for (const key of teams) linear.addTeam({ key, labels: ['AI-Implement'] });
  const p = await product(linear, {
    ...(mode === 'webhooks' ? { LINEAR_WEBHOOK_SECRET: SECRET } : {}),
    POLL_INTERVAL_MS: String(60_000 / SCALE),
    RECONCILE_INTERVAL_MS: String(300_000 / SCALE),
  });
  for (const key of teams) {
    await p.api('POST', '/api/mappings', { teamKey: key, owner: 'acme', repo: 'api', defaultBranch: 'main' });
  }
  if (mode === 'webhooks') {
    linear.webhooks.configure({ url: `${p.url}/api/linear/webhook`, secret: SECRET });
    // One unrelated change proves the webhook works; then silence.
    linear.addIssue({ team: 'T0', title: 'Not for the AI' });
    await linear.webhooks.settled();
    await waitFor('webhooks mode', async () => (await p.healthz()).poll?.mode === 'webhooks');
  }
  // Start the window at a tick's end, so it holds whole periods.
  const startTicks = (await p.healthz()).ticks;
  await waitFor('a tick', async () => (await p.healthz()).ticks > startTicks, 120_000);
  const requests0 = linear.requestCount;
  const ticks0 = (await p.healthz()).ticks;
  await new Promise((resolve) => setTimeout(resolve, IDLE_WINDOW_S * 1000));
  const requests = linear.requestCount - requests0;
  const ticks = (await p.healthz()).ticks - ticks0;
  await p.stop();
  await linear.close();
  // The window at real periods lasts SCALE times longer: requests per real hour.
  const perHour = Math.round((requests * 3_600) / (IDLE_WINDOW_S * SCALE));
  return {
    mode,
    windowS: IDLE_WINDOW_S,
    ticks,
    requests,
    requestsPerTick: ticks > 0 ? requests / ticks : 0,
    perHour,
  };
}
progress('idle: polling');
const polling = await idle('polling');
progress('idle: webhooks');
const webhooks = await idle('webhooks');
await github.close();

const sorted = [...latencies].sort((a, b) => a - b);
const round = (n: number) => Math.round(n * 10) / 10;
console.log(
  JSON.stringify(
    {
      latencyMs: {
        tickets: latencies.length,
        p50: round(percentile(sorted, 50)),
        p99: round(percentile(sorted, 99)),
        max: round(sorted.at(-1)!),
        mean: round(latencies.reduce((a, b) => a + b, 0) / latencies.length),
      },
      delegationToFirstActivityMs: (() => {
        const agentSorted = [...firstActivity].sort((a, b) => a - b);
        return {
          delegations: firstActivity.length,
          p50: round(percentile(agentSorted, 50)),
          p99: round(percentile(agentSorted, 99)),
          max: round(agentSorted.at(-1)!),
        };
      })(),
      idle: { polling, webhooks, ratio: round(polling.perHour / webhooks.perHour) },
    },
    null,
    2,
  ),
);
process.exit(0);
