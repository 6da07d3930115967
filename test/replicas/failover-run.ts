import type { DispatchPayload } from '../../src/runners/types.ts';
import { startE2eWorld, type E2eWorld } from '../e2e/e2e-world.ts';
import { startOrchestrator, type OrchestratorProcess } from '../e2e/orchestrator-process.ts';
import { startFaultProxy } from '../fault/fault-proxy.ts';
import { freePort } from '../support/free-port.ts';
import { freshDatabase, startPostgres } from '../support/postgres-server.ts';
import { startReplicaBalancer } from './replica-balancer.ts';

/**
 * Two replicas of the product (`npm start`, DATABASE_URL on one throw-away PostgreSQL) behind one
 * URL (replica-balancer.ts), with fake Linear (every call held `linearStallMs` by a proxy, so a
 * tick lasts long enough to be killed in) and fake GitHub. Tickets are labelled before and between
 * the kills; the leader is SIGKILLed while its tick is reading Linear, `kills` times, and started
 * again each time. A stand-in runner posts each run's result to the shared URL, then the same
 * result straight to both replicas; every Linear webhook is also posted straight to both. Used by
 * test/replicas/failover.test.ts and, with 20 kills, bench/failover.bench.ts.
 */
export interface FailoverRunOptions {
  tickets: number;
  kills: number;
  leaderCheckIntervalMs: number;
  pollIntervalMs: number;
  linearStallMs: number;
  log?: (line: string) => void;
}

/**
 * One kill: whether the leader was inside a tick (waiting for Linear); from SIGKILL to the
 * survivor saying it leads, and to its first completed tick; how long that tick took; ms. And
 * how many tries at the leader lock the survivor made from just before the kill until it led.
 */
export interface Takeover {
  midTick: boolean;
  checksToLead: number;
  leaderAfterMs: number;
  tickAfterMs: number;
  tickMs: number;
}

export interface FailoverReport {
  violations: string[];
  takeovers: Takeover[];
  runs: number;
  /** Answers to the result posts (through the shared URL, then to each replica). */
  results: Answers;
  /** Answers to the webhook deliveries and their copies posted to each replica. */
  webhooks: Answers;
}

/** 200 answers by what they said, and any other status; `accepted` per id (dispatch, delivery). */
export interface Answers {
  accepted: number;
  duplicate: number;
  other: number;
  acceptedById: Map<string, number>;
}

const SECRET = 'failover-linear-webhook-secret';

interface Health {
  leader: boolean;
  ticks: number;
  leaderChecks?: number;
  lastTick?: { durationMs: number };
}

function answers(): Answers {
  return { accepted: 0, duplicate: 0, other: 0, acceptedById: new Map() };
}

async function health(url: string): Promise<Health | undefined> {
  try {
    return (await (await fetch(`${url}/healthz`)).json()) as Health;
  } catch {
    return undefined;
  }
}

export async function runFailoverScenario(options: FailoverRunOptions): Promise<FailoverReport> {
  const log = options.log ?? (() => {});
  const server = await startPostgres();
  const balancer = await startReplicaBalancer();
  let stallProxy: Awaited<ReturnType<typeof startFaultProxy>> | undefined;
  let world: E2eWorld | undefined;
  const replicas: { port: number; process: OrchestratorProcess }[] = [];
  const report: FailoverReport = {
    violations: [],
    takeovers: [],
    runs: 0,
    results: answers(),
    webhooks: answers(),
  };
  const count = (into: Answers, id: string, status: number, body: Record<string, unknown>) => {
    if (status === 200 && body.duplicate === true) into.duplicate += 1;
    else if (status === 200) {
      into.accepted += 1;
      into.acceptedById.set(id, (into.acceptedById.get(id) ?? 0) + 1);
    } else into.other += 1;
  };
  let stopped = false;
  try {
    world = await startE2eWorld({
      appId: 7171,
      repos: [{ repo: 'api' }],
      databaseUrl: await freshDatabase(server, 'failover'),
      linearUrl: async (url) => {
        stallProxy = await startFaultProxy({
          target: url,
          faultRate: 1,
          seed: 1,
          stallMs: options.linearStallMs,
          faults: ['stall'],
        });
        return stallProxy.url;
      },
      env: {
        POLL_INTERVAL_MS: String(options.pollIntervalMs),
        RECONCILE_INTERVAL_MS: String(Math.max(1000, options.pollIntervalMs)),
        LEADER_CHECK_INTERVAL_MS: String(options.leaderCheckIntervalMs),
        LINEAR_WEBHOOK_SECRET: SECRET,
        RUNNER_CALLBACK_BASE_URL: balancer.url,
      },
    });
    const w = world;
    replicas.push({ port: w.port, process: w.orchestrator });
    const second = await freePort();
    replicas.push({ port: second, process: await startOrchestrator(w.env, second) });
    balancer.setPorts(replicas.map((r) => r.port));
    w.linear.webhooks.configure({ url: `${balancer.url}/api/linear/webhook`, secret: SECRET });
    const mapping = await w.api('POST', '/api/mappings', {
      teamKey: 'ENG',
      owner: 'acme',
      repo: 'api',
      defaultBranch: 'main',
      maxInProgressAiIssues: options.tickets,
    });
    if (mapping.status !== 201) throw new Error(`mapping: ${mapping.status} ${JSON.stringify(mapping.body)}`);

    const direct = (port: number) => `http://127.0.0.1:${port}`;
    const postEverywhere = async (
      into: Answers,
      id: string,
      route: string,
      body: string,
      headers: Record<string, string>,
    ) => {
      for (const { port } of replicas) {
        try {
          const response = await fetch(direct(port) + route, { method: 'POST', headers, body });
          count(into, id, response.status, (await response.json()) as Record<string, unknown>);
        } catch {
          // That replica is down right now: the copy to the other one is enough.
        }
      }
    };

    // The stand-in runner: each run's result through the shared URL until taken, then copies.
    const pending: Promise<void>[] = [];
    const runner = (async () => {
      let seen = 0;
      while (!stopped) {
        for (; seen < w.github.dispatches.length; seen += 1) {
          const payload = JSON.parse(String(w.github.dispatches[seen]!.inputs.payload)) as DispatchPayload;
          pending.push(finish(payload));
        }
        await sleep(50);
      }
    })();
    async function finish(payload: DispatchPayload): Promise<void> {
      await sleep(300);
      const result = JSON.stringify({
        status: 'success',
        summary: `${payload.phase} done`,
        prUrl: `https://github.com/acme/api/pull/${payload.issue.identifier.split('-')[1]}`,
        branch: `ai/${payload.issue.identifier.toLowerCase()}`,
      });
      const headers = {
        'content-type': 'application/json',
        authorization: `Bearer ${payload.callback!.resultToken}`,
      };
      for (;;) {
        try {
          const response = await fetch(`${payload.callback!.url}/runner/result`, {
            method: 'POST',
            headers,
            body: result,
          });
          const body = (await response.json()) as Record<string, unknown>;
          if (response.status === 200) {
            count(report.results, payload.dispatchId, response.status, body);
            break;
          }
          if (response.status < 500) {
            report.violations.push(`${payload.issue.identifier}: result answered ${response.status}`);
            return;
          }
        } catch {
          // The replica that took it died: the runner retries (src/runner/callbacks.ts does).
        }
        await sleep(200);
      }
      await postEverywhere(report.results, payload.dispatchId, '/runner/result', result, headers);
    }

    // Webhook copies: each delivery the fake Linear sent, again to each replica (a redelivery
    // the balancer could have routed anywhere).
    let copied = 0;
    const copyWebhooks = async () => {
      const deliveries = w.linear.webhooks.deliveries;
      for (; copied < deliveries.length; copied += 1) {
        const delivery = deliveries[copied]!;
        // Status 0: the replica died holding it; Linear would retry later (a copy follows anyway).
        if (delivery.status === 200)
          count(report.webhooks, delivery.deliveryId, 200, asRecord(delivery.response));
        const { deliveryId, body, headers } = delivery;
        await postEverywhere(report.webhooks, deliveryId, '/api/linear/webhook', body, headers);
      }
    };

    const tickets: { id: string; identifier: string }[] = [];
    const label = (n: number) => {
      for (let i = 0; i < n; i += 1) {
        tickets.push(
          w.linear.addIssue({
            team: 'ENG',
            title: `Failover ticket ${tickets.length + 1}`,
            state: 'Todo',
            labels: ['AI-Implement'],
          }),
        );
      }
    };
    const perRound = Math.max(1, Math.floor(options.tickets / (options.kills + 1)));
    label(perRound);

    for (let kill = 1; kill <= options.kills; kill += 1) {
      const leader = await waitFor(async () => {
        const states = await Promise.all(replicas.map(async (r) => ({ r, h: await health(direct(r.port)) })));
        const leading = states.filter((s) => s.h?.leader === true);
        return leading.length === 1 && states.every((s) => s.h) ? leading[0]!.r : undefined;
      }, 30_000);
      if (!leader) throw new Error('no single leader within 30 s');
      const survivor = replicas.find((r) => r !== leader)!;
      // A follower never ticks: its count stands still while the other replica leads.
      const followerTicks = (await health(direct(survivor.port)))?.ticks;
      const leaderTicks = (await health(direct(leader.port)))?.ticks ?? 0;
      await waitFor(
        async () => ((await health(direct(leader.port)))?.ticks ?? 0) > leaderTicks || undefined,
        10_000,
      );
      // Mid-tick: the leader is waiting for Linear (only its tick reads Linear).
      const midTick =
        (await waitFor(async () => (stallProxy!.inFlight() > 0 ? true : undefined), 10_000)) ?? false;
      const standing = await health(direct(survivor.port));
      const before = standing?.ticks ?? 0;
      if (followerTicks !== before)
        report.violations.push(
          `kill ${kill}: the follower ticked (${followerTicks} → ${before}) while another led`,
        );
      const killedAt = Date.now();
      await leader.process.kill();
      let leaderAfterMs = -1;
      let checksToLead = -1;
      const tookOver = await waitFor(
        async () => {
          const h = await health(direct(survivor.port));
          if (h?.leader && leaderAfterMs < 0) {
            leaderAfterMs = Date.now() - killedAt;
            if (h.leaderChecks === undefined || standing?.leaderChecks === undefined)
              report.violations.push(`kill ${kill}: /healthz says no leaderChecks`);
            checksToLead = (h.leaderChecks ?? 0) - (standing?.leaderChecks ?? 0);
          }
          return h && h.ticks > before ? h : undefined;
        },
        30_000,
        20,
      );
      if (!tookOver) throw new Error(`kill ${kill}: the survivor did not tick within 30 s`);
      const tickMs = tookOver.lastTick?.durationMs ?? 0;
      const takeover = { midTick, checksToLead, leaderAfterMs, tickAfterMs: Date.now() - killedAt, tickMs };
      report.takeovers.push(takeover);
      log(`kill ${kill}/${options.kills}: ${JSON.stringify(takeover)}`);
      leader.process = await startOrchestrator(w.env, leader.port);
      label(kill === options.kills ? options.tickets - tickets.length : perRound);
      await copyWebhooks();
    }

    const settled = await waitFor(
      async () =>
        tickets.every((t) => w.linear.getIssue(t.id)?.labels.join(',') === 'Ready for Review')
          ? true
          : undefined,
      60_000,
    );
    if (!settled) report.violations.push('not settled 60 s after the last kill');
    await w.linear.webhooks.settled();
    await copyWebhooks();
    stopped = true;
    await runner;
    await Promise.all(pending);
    checkExactlyOnce(w, tickets, report);
    return report;
  } finally {
    stopped = true;
    await Promise.all(replicas.map((r) => r.process.kill().catch(() => undefined)));
    await Promise.all([world?.github.close(), world?.linear.close(), stallProxy?.close(), balancer.close()]);
    await server.stop();
  }
}

/** No ticket dispatched twice, none lost; each result and each webhook delivery applied once. */
function checkExactlyOnce(
  w: E2eWorld,
  tickets: { id: string; identifier: string }[],
  report: FailoverReport,
) {
  const payloads = w.payloads();
  report.runs = payloads.length;
  for (const ticket of tickets) {
    // Planning, then implementation (the mapping's default): one run of each, never two.
    const phases = payloads.filter((p) => p.issue.id === ticket.id).map((p) => p.phase);
    if (phases.join(',') !== 'planning,implementation')
      report.violations.push(`${ticket.identifier}: runs ${phases.join(',')}`);
    const labels = w.linear.getIssue(ticket.id)?.labels.join(',');
    if (labels !== 'Ready for Review') report.violations.push(`${ticket.identifier}: labels ${labels}`);
  }
  // A result or a delivery taken by a replica that then died may be answered `duplicate` on the
  // retry, so "once" is: never accepted twice, whichever replica each copy reached.
  for (const [what, answers] of [
    ['result of dispatch', report.results],
    ['webhook delivery', report.webhooks],
  ] as const) {
    for (const [id, times] of answers.acceptedById) {
      if (times > 1) report.violations.push(`${what} ${id} applied ${times} times`);
    }
    if (answers.other > 0) report.violations.push(`${answers.other} ${what} posts refused`);
  }
  if (report.webhooks.accepted === 0) report.violations.push('no webhook delivery was applied');
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/** Polls `check` every `everyMs` until it returns a value; undefined after `timeoutMs`. */
async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) return undefined;
    await sleep(everyMs);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
