import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { rateLimitedError } from '../fakes/linear/fake-linear-errors.ts';
import { forwardRequest, relayAnswer } from '../support/http-forward.ts';

/**
 * A fault-injecting HTTP proxy on 127.0.0.1, between the product and one fake (Linear or
 * GitHub). Each request draws from a seeded generator: passed through, or one of the faults the
 * issue 9 run used — HTTP 500 / 502 / 429, Linear's `RATELIMITED` inside a 200, a connection
 * reset, a stall (then passed through), or a call carried out upstream whose answer is replaced
 * by a 502. Which request gets which fault depends on arrival order, so a run is seeded, not
 * replayable; the invariants checked at the end must hold for any order.
 */

export type Fault =
  'http-500' | 'http-502' | 'http-429' | 'ratelimited-200' | 'reset' | 'stall' | 'applied-502';

export interface FaultProxyOptions {
  /** Where requests go, e.g. the fake's base URL. */
  target: string;
  /** Share of requests that get a fault, 0–1. */
  faultRate: number;
  seed: number;
  /** How long a stall holds the request before passing it on, ms. */
  stallMs: number;
  /** Faults to draw from (default: all; `ratelimited-200` only makes sense in front of Linear). */
  faults: Fault[];
}

export interface FaultProxy {
  url: string;
  /** Requests seen and faults injected, by kind. */
  readonly counts: Record<Fault | 'passed', number>;
  /** Requests received and not yet answered (a caller mid-call, e.g. a tick reading Linear). */
  inFlight(): number;
  /** Faults on (the rate given) or off (everything passes). */
  setEnabled(enabled: boolean): void;
  close(): Promise<void>;
}

/** mulberry32: a small, well-distributed seeded generator (public domain). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const random = seededRandom(options.seed);
  const target = new URL(options.target);
  let enabled = true;
  const counts = Object.fromEntries(
    [...options.faults, 'passed'].map((kind) => [kind, 0]),
  ) as FaultProxy['counts'];

  function draw(): Fault | undefined {
    if (!enabled || random() >= options.faultRate) return undefined;
    return options.faults[Math.floor(random() * options.faults.length)];
  }

  /** Forwards the request and resolves with the upstream answer (status, headers, body). */
  const forward = (request: http.IncomingMessage, body: Buffer) =>
    forwardRequest({ host: target.hostname, port: target.port }, request, body, {
      ...request.headers,
      host: target.host,
    });

  function reply(
    response: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  }

  let inFlight = 0;
  const server = http.createServer((request, response) => {
    inFlight += 1;
    response.once('close', () => (inFlight -= 1));
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const fault = draw();
        counts[fault ?? 'passed'] += 1;
        try {
          switch (fault) {
            case 'http-500':
              return reply(response, 500, { message: 'Internal Server Error (injected)' });
            case 'http-502':
              return reply(response, 502, { message: 'Bad Gateway (injected)' });
            case 'http-429':
              return reply(
                response,
                429,
                { message: 'Too Many Requests (injected)' },
                { 'retry-after': '1' },
              );
            case 'ratelimited-200': {
              const limited = rateLimitedError(200);
              return reply(response, 200, limited.body);
            }
            case 'reset':
              request.socket.destroy();
              return;
            case 'stall':
              await new Promise((resolve) => setTimeout(resolve, options.stallMs));
              break;
            case 'applied-502':
              await forward(request, Buffer.concat(chunks));
              return reply(response, 502, {
                message: 'Bad Gateway (injected after the call was carried out)',
              });
            default:
              break;
          }
          relayAnswer(response, await forward(request, Buffer.concat(chunks)));
        } catch {
          if (!response.headersSent) reply(response, 502, { message: 'Bad Gateway (upstream unreachable)' });
          else response.destroy();
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${target.pathname.replace(/\/+$/, '')}`,
    counts,
    inFlight: () => inFlight,
    setEnabled(value) {
      enabled = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
