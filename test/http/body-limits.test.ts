import { serve, type ServerType } from '@hono/node-server';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.ts';
import { BODY_LIMITS } from '../../src/http/body-limits.ts';
import type { PullRequestLoop } from '../../src/orchestrator/follow-ups/pull-request-loop.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';

// A real server on 127.0.0.1: the limits must hold for bodies sent with Content-Length and for
// chunked bodies without one, and must answer before a route authenticates or parses anything.
let h: Harness;
let server: ServerType;
let port: number;

beforeAll(async () => {
  h = await createHarness();
  const app = createHttpApp({
    orchestrator: h.ctx,
    adminAccessCode: 'correct-horse-battery',
    statusChecks: async () => [],
    webhookSecret: 'webhook-secret-0123456789',
    // Never reached: every request here is refused before a route runs.
    pullRequestLoop: {} as PullRequestLoop,
    gapFillTriggerSecret: 'gap-fill-secret-0123456789',
  });
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await h.close();
});

/** Sends `size` bytes; `chunked` streams them in 16 KB chunks without a Content-Length. */
function send(path: string, size: number, chunked: boolean): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/json' };
    if (!chunked) headers['content-length'] = size;
    // A fresh connection each time (agent: false): a 413 leaves the previous body unread.
    const options = { host: '127.0.0.1', port, path, method: 'POST', headers, agent: false };
    const request = http.request(options, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    // The server may answer 413 and close before the whole body is written.
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    const chunk = Buffer.alloc(16 * 1024, 'a');
    let left = size;
    const write = () => {
      while (left > 0) {
        const piece = chunk.subarray(0, Math.min(left, chunk.length));
        left -= piece.length;
        if (!request.write(piece)) return void request.once('drain', write);
      }
      request.end();
    };
    write();
  });
}

describe.each([
  { path: '/api/github/webhook', limit: BODY_LIMITS.githubWebhook, underStatus: 401 },
  { path: '/runner/result', limit: BODY_LIMITS.callbacks, underStatus: 401 },
  { path: '/runner/progress', limit: BODY_LIMITS.callbacks, underStatus: 401 },
  { path: '/api/auth', limit: BODY_LIMITS.other, underStatus: 400 },
  { path: '/admin/sign-in', limit: BODY_LIMITS.other, underStatus: 400 }, // no code in the form
  { path: '/api/mappings', limit: BODY_LIMITS.other, underStatus: 401 },
  { path: '/trigger/gap-fill', limit: BODY_LIMITS.other, underStatus: 401 },
])('body limit on $path', ({ path, limit, underStatus }) => {
  it.each([false, true])(
    'answers 413 with a JSON error one byte over the limit (chunked: %s)',
    async (chunked) => {
      const response = await send(path, limit + 1, chunked);
      expect(response.status).toBe(413);
      expect(JSON.parse(response.body)).toMatchObject({ error: 'payload_too_large', limitBytes: limit });
    },
  );

  it('lets a body of exactly the limit through to the route', async () => {
    const response = await send(path, limit, true);
    expect(response.status).toBe(underStatus);
  });
});

it('names the limit in MB or KB', async () => {
  const response = await send('/api/auth', BODY_LIMITS.other + 1, false);
  expect(JSON.parse(response.body)).toMatchObject({
    message: 'the request body is larger than 64 KB, the limit for /api/auth',
  });
  expect(BODY_LIMITS).toEqual({ githubWebhook: 25 * 1024 * 1024, callbacks: 1024 * 1024, other: 65_536 });
});
