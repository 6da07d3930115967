import { timingSafeEqual, createHash } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import type { OrchestratorMetrics } from '../../orchestrator/metrics.ts';

/**
 * `GET /metrics` in the Prometheus text format (CONTRACTS.md §10) with
 * `Authorization: Bearer <METRICS_TOKEN>`: 404 while METRICS_TOKEN is unset (the route does not
 * exist), 401 for a missing or wrong token. Format:
 * https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */
export function metricsRoutes(deps: {
  token: string | undefined;
  metrics: OrchestratorMetrics | undefined;
}): Hono {
  const app = new Hono();
  const { token, metrics } = deps;
  if (!token || !metrics) return app;
  const expected = digest(token);
  app.get('/metrics', async (c) => {
    const given = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    if (!given || !timingSafeEqual(digest(given), expected)) {
      c.header('WWW-Authenticate', 'Bearer realm="metrics"');
      return c.json({ error: 'unauthorized', message: 'send Authorization: Bearer <METRICS_TOKEN>' }, 401);
    }
    const body = await metrics.registry.metrics();
    return c.body(body, 200, { 'Content-Type': metrics.registry.contentType });
  });
  return app;
}

/** Hashing first gives both sides one length, so the comparison leaks nothing about the token's. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Webhook paths and the source label each reports as. */
const WEBHOOK_SOURCES: Record<string, string> = {
  '/api/github/webhook': 'github',
  '/api/linear/webhook': 'linear',
  '/api/jira/webhook': 'jira',
};

/**
 * Counts webhook deliveries by source and status and times runner callbacks, around the routes
 * that answer them; does nothing without metrics.
 */
export function measureRequests(metrics: OrchestratorMetrics | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (!metrics) return next();
    const started = performance.now();
    await next();
    const path = c.req.path;
    const source = WEBHOOK_SOURCES[path];
    if (source) metrics.webhook({ source, status: c.res.status });
    else if (path.startsWith('/runner/')) {
      metrics.callback(
        { route: path.slice('/runner/'.length), status: c.res.status },
        (performance.now() - started) / 1000,
      );
    }
  };
}
