import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFlyClient } from '../../src/fly/fly-client.ts';
import { createGitHubAppClient } from '../../src/github/github-app.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { createMetrics, type OrchestratorMetrics } from '../../src/orchestrator/metrics.ts';
import { createJiraProvider } from '../../src/ticketing/jira/jira-provider.ts';
import { createAgentClient } from '../../src/ticketing/linear/agent/agent-client.ts';
import { createLinearProvider } from '../../src/ticketing/linear/linear-provider.ts';
import { startFakeFly } from '../fakes/fly/fake-fly-server.ts';
import { startFakeJira } from '../fakes/jira/fake-jira-server.ts';
import { startFakeLinear } from '../fakes/linear/fake-linear-server.ts';
import { APP_ID, APP_KEYS, silentLog } from '../github/github-test-setup.ts';
import { createFakeGitHub } from '../fakes/github/fake-github-server.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';

/**
 * Requests to the trackers, GitHub and Fly in `GET /metrics` (issue 16): each client reports
 * through the one `RequestObserver` hook; read back with a Prometheus text-format parser.
 */

const TOKEN = 'metrics-token-0123456789';
let h: Harness;
let metrics: OrchestratorMetrics;
const closers: (() => Promise<void>)[] = [];

beforeEach(async () => {
  h = await createHarness();
  metrics = createMetrics(h.store.db, h.ctx.clock);
});
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await h.close();
});

async function scrape(): Promise<Map<string, PrometheusFamily>> {
  const app = createHttpApp({
    orchestrator: h.ctx,
    adminAccessCode: undefined,
    statusChecks: async () => [],
    metricsToken: TOKEN,
    metrics,
  });
  const response = await app.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  const families = parsePrometheusTextFormat(await response.text());
  return new Map(families.map((family) => [family.name, family]));
}

/** The sample of `family` whose labels include `labels` (undefined: none). */
function sample(families: Map<string, PrometheusFamily>, name: string, labels: Record<string, string>) {
  return families
    .get(name)
    ?.metrics.find((s) => Object.entries(labels).every(([key, value]) => s.labels?.[key] === value));
}
const count = (families: Map<string, PrometheusFamily>, labels: Record<string, string>) =>
  sample(families, 'ai_implement_outbound_requests_total', labels)?.value;

describe('outbound request metrics', () => {
  it('Linear: requests by GraphQL operation and outcome, the request budget left, rate-limit waits', async () => {
    const fake = await startFakeLinear();
    closers.push(() => fake.close());
    fake.addTeam({ key: 'ENG' });
    const linear = createLinearProvider({
      apiKey: fake.apiKey,
      apiUrl: fake.url,
      retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 5_000 },
      sleep: async () => {},
      observer: metrics,
    });
    fake.failNext('http-429', 1, { retryAfterSeconds: 2 });
    await linear.listTeams!();
    const operation = fake.lastRequests(1)[0]!.operationName!;
    // The agent's own client (app token) reports to the same hook: a refused token is `auth`.
    const agent = createAgentClient(fake.url, async () => 'not-an-app-token', metrics);
    await expect(agent.whoAmI()).rejects.toThrow(/refused the app token/);

    const families = await scrape();
    expect(count(families, { provider: 'linear', operation, outcome: 'rate_limited' })).toBe('1');
    expect(count(families, { provider: 'linear', operation, outcome: 'ok' })).toBe('1');
    expect(count(families, { provider: 'linear', operation: 'AgentWhoAmI', outcome: 'auth' })).toBe('1');
    expect(families.get('ai_implement_outbound_request_duration_seconds')?.type).toBe('HISTOGRAM');
    const remaining = Number(
      sample(families, 'ai_implement_rate_limit_remaining', { provider: 'linear' })?.value,
    );
    expect(remaining).toBeGreaterThan(0);
    expect(sample(families, 'ai_implement_rate_limit_waits_total', { provider: 'linear' })?.value).toBe('1');
    expect(
      sample(families, 'ai_implement_rate_limit_wait_seconds_total', { provider: 'linear' })?.value,
    ).toBe('2');
  });

  it('GitHub: requests by route template, a failure by its kind, the rate limit left', async () => {
    const fake = await createFakeGitHub({ appId: APP_ID, publicKey: APP_KEYS.publicKey });
    closers.push(() => fake.close());
    fake.addRepo({ owner: 'acme', repo: 'api', defaultBranch: 'main', workflows: [] });
    fake.addInstallation({ id: 9001, account: 'acme', repos: ['acme/api'] });
    const github = createGitHubAppClient({
      appId: APP_ID,
      privateKey: APP_KEYS.privateKey,
      baseUrl: fake.url,
      log: silentLog,
      observer: metrics,
    });
    await github.getApp();
    await expect(github.repoOctokit('acme', 'missing')).rejects.toThrow();
    fake.failNext(1, 403, { resetInSeconds: 60 });
    await expect(github.getApp()).rejects.toThrow();

    const families = await scrape();
    expect(count(families, { provider: 'github', operation: 'GET /app', outcome: 'ok' })).toBe('1');
    expect(count(families, { provider: 'github', operation: 'GET /app', outcome: 'rate_limited' })).toBe('1');
    expect(
      count(families, {
        provider: 'github',
        operation: 'GET /repos/{owner}/{repo}/installation',
        outcome: 'not_found',
      }),
    ).toBe('1');
    // The injected primary rate limit said none are left.
    expect(sample(families, 'ai_implement_rate_limit_remaining', { provider: 'github' })?.value).toBe('0');
  });

  it('Fly: requests by path with the app and ids as placeholders; Jira: by call name', async () => {
    const fly = await startFakeFly();
    closers.push(() => fly.close());
    fly.addApp('ai-sessions');
    const client = createFlyClient({ apiUrl: fly.url, token: fly.token, observer: metrics });
    await client.listAppSecrets('ai-sessions');
    await expect(client.listAppSecrets('no-such-app')).rejects.toThrow();

    const jira = await startFakeJira();
    closers.push(() => jira.close());
    const provider = createJiraProvider({ config: jira.config(), observer: metrics, retry: { retries: 0 } });
    expect((await provider.checkConnection()).ok).toBe(true);

    const families = await scrape();
    const secrets = { provider: 'fly', operation: 'GET /v1/apps/{app}/secrets' };
    expect(count(families, { ...secrets, outcome: 'ok' })).toBe('1');
    expect(count(families, { ...secrets, outcome: 'not_found' })).toBe('1');
    expect(count(families, { provider: 'jira', operation: 'check connection', outcome: 'ok' })).toBe('1');
  });

  it('counts nothing without an observer', async () => {
    const fly = await startFakeFly();
    closers.push(() => fly.close());
    fly.addApp('ai-sessions');
    await createFlyClient({ apiUrl: fly.url, token: fly.token }).listAppSecrets('ai-sessions');
    expect((await scrape()).get('ai_implement_outbound_requests_total')?.metrics ?? []).toEqual([]);
  });
});
