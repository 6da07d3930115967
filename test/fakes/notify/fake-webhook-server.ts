import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake received. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/services/T000/B000/XXXX`. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** `body` parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/**
 * What the fake does with the next requests: answer with `status` and `body` (Slack answers
 * 200 `ok`, Teams Workflows 202 with an empty body), or `hang` — read the request and never answer.
 */
export type FakeWebhookBehaviour = { kind: 'answer'; status: number; body: string } | { kind: 'hang' };

export interface FakeWebhookServer {
  /** Base URL on 127.0.0.1; append any path, it is recorded as sent. */
  url: string;
  requests: RecordedRequest[];
  behave(behaviour: FakeWebhookBehaviour): void;
  /** Resolves once `count` requests have been recorded (for requests that get no answer). */
  waitForRequests(count: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A Slack / Teams incoming-webhook stand-in: a real HTTP server on 127.0.0.1 that records every
 * request and answers as told. `close` also drops hung connections.
 */
export async function startFakeWebhookServer(
  behaviour: FakeWebhookBehaviour = { kind: 'answer', status: 200, body: 'ok' },
): Promise<FakeWebhookServer> {
  let current = behaviour;
  const requests: RecordedRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body,
        json: parseJson(body),
      });
      for (const waiter of waiters.filter((candidate) => requests.length >= candidate.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      if (current.kind === 'hang') return;
      response.writeHead(current.status, { 'content-type': 'text/plain' });
      response.end(current.body);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    behave(next) {
      current = next;
    },
    waitForRequests(count) {
      if (requests.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
