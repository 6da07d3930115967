import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { dayStart, monthStart } from '../domain/budgets.ts';
import { capacityBucket } from '../domain/mapping.ts';
import type { RequestObserver } from '../domain/outbound-requests.ts';
import { countBlockers } from '../store/blockers.ts';
import { countInFlightByBucket } from '../store/dispatches.ts';
import { listMappings } from '../store/mappings.ts';
import { sumSpendByTeam } from '../store/spend.ts';
import type { Database } from '../store/schema.ts';
import type { Kysely } from 'kysely';

/**
 * What the orchestrator's code paths report to `GET /metrics` (issue 16). Optional on the
 * context: without it (tests, METRICS_TOKEN unset) nothing is counted.
 */
export interface RunMetrics {
  /** One dispatch decision: `dispatched`, `failed` (the backend refused) or `refused` (the gate). */
  dispatch(labels: { phase: string; outcome: 'dispatched' | 'failed' | 'refused'; mode: string }): void;
  /** A completed poll tick, in seconds of wall time. */
  tick(seconds: number): void;
  /** A runner callback answered (`progress`, `result`), with its status and seconds. */
  callback(labels: { route: string; status: number }, seconds: number): void;
  /** A webhook delivery answered (`github`, `linear`, `jira`), by HTTP status. */
  webhook(labels: { source: string; status: number }): void;
}

/** The metrics and the registry `GET /metrics` renders. */
export interface OrchestratorMetrics extends RunMetrics, RequestObserver {
  registry: Registry;
}

/** Buckets for a tick: most take milliseconds, a tick over thousands of tickets a few seconds. */
const TICK_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Callbacks answer in milliseconds; seconds mean a slow database. */
const CALLBACK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * Creates the metrics on their own registry (not prom-client's global one, so two apps in one
 * process — tests — never share counts). Counters are kept in memory from start-up; the gauges
 * (in flight and capacity per team, blockers by reason, spend by team) are read from the
 * database at scrape time, a handful of grouped queries, so they are right on every replica.
 * Names follow https://prometheus.io/docs/practices/naming/.
 */
export function createMetrics(db: Kysely<Database>, clock: () => Date): OrchestratorMetrics {
  const registry = new Registry();
  const dispatches = new Counter({
    name: 'ai_implement_dispatches_total',
    help: 'Dispatch decisions by phase, outcome (dispatched, failed, refused) and execution mode.',
    labelNames: ['phase', 'outcome', 'mode'] as const,
    registers: [registry],
  });
  const ticks = new Histogram({
    name: 'ai_implement_tick_duration_seconds',
    help: 'Wall time of completed poll ticks.',
    buckets: TICK_BUCKETS,
    registers: [registry],
  });
  const callbacks = new Histogram({
    name: 'ai_implement_runner_callback_duration_seconds',
    help: 'Time to answer runner callbacks, by route and HTTP status.',
    labelNames: ['route', 'status'] as const,
    buckets: CALLBACK_BUCKETS,
    registers: [registry],
  });
  const webhooks = new Counter({
    name: 'ai_implement_webhook_deliveries_total',
    help: 'Webhook deliveries by source (github, linear, jira) and HTTP status answered.',
    labelNames: ['source', 'status'] as const,
    registers: [registry],
  });
  const outbound = outboundMetrics(registry);
  new Gauge({
    name: 'ai_implement_runs_in_flight',
    help: 'Runs in flight per mapping (team).',
    labelNames: ['team'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const [mappings, byBucket] = await Promise.all([listMappings(db), countInFlightByBucket(db)]);
      for (const mapping of mappings) {
        this.set({ team: mapping.teamKey }, byBucket.get(capacityBucket(mapping)) ?? 0);
      }
    },
  });
  new Gauge({
    name: 'ai_implement_capacity',
    help: 'maxInProgressAiIssues per mapping (team).',
    labelNames: ['team'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const mapping of await listMappings(db))
        this.set({ team: mapping.teamKey }, mapping.maxInProgressAiIssues);
    },
  });
  new Gauge({
    name: 'ai_implement_blockers',
    help: 'Tickets the last tick did not dispatch, by blocker reason.',
    labelNames: ['reason'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const { byReason } = await countBlockers(db);
      for (const [reason, count] of Object.entries(byReason)) this.set({ reason }, count);
    },
  });
  new Gauge({
    name: 'ai_implement_spend_usd',
    help: 'Dollars spent on runs per team in the current UTC day and month (by result time).',
    labelNames: ['team', 'period'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const now = clock();
      const rows = await sumSpendByTeam(db, { monthStart: monthStart(now), dayStart: dayStart(now) });
      for (const row of rows) {
        this.set({ team: row.teamKey, period: 'month' }, row.monthUsd);
        this.set({ team: row.teamKey, period: 'day' }, row.dayUsd);
      }
    },
  });
  return {
    registry,
    ...outbound,
    dispatch: (labels) => dispatches.inc(labels),
    tick: (seconds) => ticks.observe(seconds),
    callback: (labels, seconds) =>
      callbacks.observe({ route: labels.route, status: String(labels.status) }, seconds),
    webhook: (labels) => webhooks.inc({ source: labels.source, status: String(labels.status) }),
  };
}

/** Requests to trackers, GitHub and Fly take from tens of ms to seconds (timeouts at 30 s). */
const REQUEST_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The outside-system request metrics: the `RequestObserver` the clients report to. */
function outboundMetrics(registry: Registry): RequestObserver {
  const requests = new Counter({
    name: 'ai_implement_outbound_requests_total',
    help: 'Requests to Linear, Jira, GitHub and Fly by provider, operation and outcome (ok or the failure kind: auth, not_found, rate_limited, transient, invalid).',
    labelNames: ['provider', 'operation', 'outcome'] as const,
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'ai_implement_outbound_request_duration_seconds',
    help: 'Time to an answer (or failure) of requests to Linear, Jira, GitHub and Fly, by provider and operation.',
    labelNames: ['provider', 'operation'] as const,
    buckets: REQUEST_BUCKETS,
    registers: [registry],
  });
  const remaining = new Gauge({
    name: 'ai_implement_rate_limit_remaining',
    help: 'Requests left in the current rate-limit window, as the provider last said (GitHub, Linear).',
    labelNames: ['provider'] as const,
    registers: [registry],
  });
  const waits = new Counter({
    name: 'ai_implement_rate_limit_waits_total',
    help: 'Waits for a rate limit before a retry, by provider.',
    labelNames: ['provider'] as const,
    registers: [registry],
  });
  const waited = new Counter({
    name: 'ai_implement_rate_limit_wait_seconds_total',
    help: 'Seconds spent waiting for rate limits before retries, by provider.',
    labelNames: ['provider'] as const,
    registers: [registry],
  });
  return {
    request: (labels, seconds) => {
      requests.inc(labels);
      durations.observe({ provider: labels.provider, operation: labels.operation }, seconds);
    },
    rateLimitRemaining: (provider, left) => remaining.set({ provider }, left),
    rateLimitWait: (provider, seconds) => {
      waits.inc({ provider });
      waited.inc({ provider }, seconds);
    },
  };
}
