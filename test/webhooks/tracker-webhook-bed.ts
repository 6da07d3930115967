import { serve, type ServerType } from '@hono/node-server';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpApp } from '../../src/http/app.ts';
import { createWebhookHealth, type WebhookHealth } from '../../src/orchestrator/webhook-health.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';
import { postOnce } from '../support/post-once.ts';

export const LINEAR_SECRET = 'lin_wh_test_secret_0123456789abcdef';
export const JIRA_SECRET = 'jira-webhook-secret-0123456789abcdef';

/**
 * The real HTTP app listening on loopback (the fake Linear POSTs its webhooks to it) over the
 * harness's store, with the tick replaced by a counter: these tests are about which deliveries
 * ask for a tick, not what the tick does (the e2e test covers that).
 */
export interface TrackerWebhookBed {
  h: Harness;
  health: WebhookHealth;
  url: string;
  /** How many ticks deliveries asked for. */
  ticks(): number;
  /** The same app again on the same store, as after a restart. */
  restart(): Promise<void>;
  post(
    path: string,
    body: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startTrackerWebhookBed(
  options: { linearSecret?: string | null; jiraSecret?: string | null } = {},
): Promise<TrackerWebhookBed> {
  const h = await createHarness();
  let ticks = 0;
  let server: ServerType;
  let health: WebhookHealth;
  const listen = async () => {
    health = await createWebhookHealth({
      db: h.ctx.db,
      clock: h.ctx.clock,
      configured: new Set(['linear', 'jira'] as const),
      pollIntervalMs: 60_000,
      reconcileIntervalMs: 300_000,
    });
    const app = createHttpApp({
      orchestrator: h.ctx,
      adminAccessCode: undefined,
      statusChecks: async () => [],
      tickNow: () => void (ticks += 1),
      webhookHealth: health,
      ...(options.linearSecret === null
        ? {}
        : { linearWebhookSecret: options.linearSecret ?? LINEAR_SECRET }),
      ...(options.jiraSecret === null ? {} : { jiraWebhookSecret: options.jiraSecret ?? JIRA_SECRET }),
    });
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, port: bed.port, hostname: '127.0.0.1' }, () => resolve(s));
    });
    bed.port = (server.address() as AddressInfo).port;
  };
  const bed = {
    port: 0,
    h,
    get health() {
      return health;
    },
    get url() {
      return `http://127.0.0.1:${bed.port}`;
    },
    ticks: () => ticks,
    async restart() {
      // Drop kept-alive sockets too, so a client's next request opens a new connection.
      (server as http.Server).closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await listen();
    },
    /** On a connection of its own: a pooled one would not survive `restart`. */
    async post(path: string, body: string, headers: Record<string, string>) {
      const answer = await postOnce(bed.url + path, headers, body);
      return { status: answer.status, body: JSON.parse(answer.text) as Record<string, unknown> };
    },
    async close() {
      (server as http.Server).closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await h.close();
    },
  };
  await listen();
  return bed;
}
