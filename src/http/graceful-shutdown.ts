import type { ServerType } from '@hono/node-server';

/** What a shutdown stops, in the order it stops them. */
export interface ShutdownSteps {
  /** The HTTP server: refuses new connections first. */
  server: ServerType;
  /** Finishes the work already taken on: the current tick, queued webhook handling, sweeps. */
  drain: () => Promise<void>;
  /** Closes the database last, once nothing can write to it. */
  closeStore: () => Promise<void>;
  /** Requests still open after this long (ms) have their connections cut. Default 10 000. */
  requestGraceMs?: number;
}

/**
 * Stops the orchestrator in the one safe order: (1) the server stops accepting connections and
 * idle keep-alive connections close, so no new webhook or callback adds work while we drain;
 * (2) requests already in progress finish (cut after `requestGraceMs`); (3) the tick and the
 * work queue drain; (4) the database closes. Draining first (the old order) kept accepting
 * webhooks whose queued work then ran into a closed database or was lost.
 * Resolves when all four are done; never throws for a server that was already closed.
 */
export async function shutDownInOrder(steps: ShutdownSteps): Promise<void> {
  const { server } = steps;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // A keep-alive connection whose request finishes after close() stays open until its timeout;
  // close such connections as they become idle instead.
  const closeIdle = () => {
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  };
  closeIdle();
  const idle = setInterval(closeIdle, 50);
  const grace = setTimeout(() => {
    if ('closeAllConnections' in server) server.closeAllConnections();
  }, steps.requestGraceMs ?? 10_000);
  try {
    await closed;
  } finally {
    clearInterval(idle);
    clearTimeout(grace);
  }
  await steps.drain();
  await steps.closeStore();
}
