import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.ts';
import { createMetrics, type OrchestratorMetrics } from '../../src/orchestrator/metrics.ts';
import { handleRunResult } from '../../src/orchestrator/run-results.ts';
import { runTick } from '../../src/orchestrator/tick.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';

/** `GET /metrics` (issue 16, CONTRACTS.md §10), parsed with a Prometheus text-format parser. */

const TOKEN = 'metrics-token-0123456789';
let h: Harness;
let metrics: OrchestratorMetrics;

beforeEach(async () => {
  h = await createHarness();
  h.linear.addTeam({ key: 'ENG' });
  metrics = createMetrics(h.store.db, h.ctx.clock);
  h.ctx.metrics = metrics;
});
afterEach(() => h.close());

function app(token: string | undefined) {
  return createHttpApp({
    orchestrator: h.ctx,
    adminAccessCode: undefined,
    statusChecks: async () => [],
    metricsToken: token,
    metrics,
  });
}

async function scrape(): Promise<Map<string, PrometheusFamily>> {
  const response = await app(TOKEN).request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const families = parsePrometheusTextFormat(await response.text());
  return new Map(families.map((family) => [family.name, family]));
}

const value = (family: PrometheusFamily | undefined, labels: Record<string, string>) =>
  family?.metrics.find((sample) => Object.entries(labels).every(([k, v]) => sample.labels?.[k] === v))?.value;

describe('GET /metrics', () => {
  it('is absent (404) while METRICS_TOKEN is unset, and wants the bearer token', async () => {
    expect((await app(undefined).request('/metrics')).status).toBe(404);
    expect((await app(TOKEN).request('/metrics')).status).toBe(401);
    const wrong = await app(TOKEN).request('/metrics', { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });

  it('reports dispatches, ticks, in-flight and capacity, blockers, spend and callbacks in the text format', async () => {
    await h.addMapping({ teamKey: 'ENG', planningEnabled: false, maxInProgressAiIssues: 1 });
    h.linear.addIssue({ team: 'ENG', title: 'One', labels: ['AI-Implement'], state: 'Todo', priority: 1 });
    h.linear.addIssue({ team: 'ENG', title: 'Two', labels: ['AI-Implement'], state: 'Todo', priority: 2 });
    await runTick(h.ctx);
    metrics.tick(0.2);
    const before = await scrape();
    expect(before.get('ai_implement_dispatches_total')?.type).toBe('COUNTER');
    expect(
      value(before.get('ai_implement_dispatches_total'), {
        phase: 'implementation',
        outcome: 'dispatched',
        mode: 'github-actions',
      }),
    ).toBe('1');
    expect(value(before.get('ai_implement_runs_in_flight'), { team: 'ENG' })).toBe('1');
    expect(value(before.get('ai_implement_capacity'), { team: 'ENG' })).toBe('1');
    expect(value(before.get('ai_implement_blockers'), { reason: 'capacity' })).toBe('1');
    const ticks = before.get('ai_implement_tick_duration_seconds');
    expect(ticks?.type).toBe('HISTOGRAM');
    expect(ticks?.metrics[0]?.count).toBe('1');

    const payload = h.backend.dispatched[0]!.payload;
    await handleRunResult(h.ctx, payload.dispatchId, { status: 'success', usage: { costUsd: 1.5 } });
    const after = await scrape();
    expect(value(after.get('ai_implement_spend_usd'), { team: 'ENG', period: 'day' })).toBe('1.5');
    expect(value(after.get('ai_implement_spend_usd'), { team: 'ENG', period: 'month' })).toBe('1.5');
    expect(value(after.get('ai_implement_runs_in_flight'), { team: 'ENG' })).toBe('0');
  });

  it('counts webhook deliveries by source and status and times runner callbacks', async () => {
    const http = app(TOKEN);
    await http.request('/api/linear/webhook', { method: 'POST', body: '{}' });
    await http.request('/runner/result', { method: 'POST', body: '{}' });
    const families = await scrape();
    expect(
      value(families.get('ai_implement_webhook_deliveries_total'), { source: 'linear', status: '503' }),
    ).toBe('1');
    expect(families.get('ai_implement_runner_callback_duration_seconds')?.type).toBe('HISTOGRAM');
    // The parser folds a labelled histogram's samples into one bucket map (it drops their
    // labels, count and sum), so the labelled count is read from the text it parsed.
    const text = await (
      await http.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } })
    ).text();
    expect(text).toMatch(
      /^ai_implement_runner_callback_duration_seconds_count\{route="result",status="401"\} 1$/m,
    );
  });
});
