import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.ts';
import { createSignInThrottle, DEFAULT_THROTTLE } from '../../src/http/auth/sign-in-throttle.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';

const CODE = 'correct-horse-battery-staple';
let h: Harness;

beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

function appWith(trustProxyHeader?: string) {
  return createHttpApp({
    orchestrator: h.ctx,
    adminAccessCode: CODE,
    statusChecks: async () => [],
    trustProxyHeader,
  });
}

function postCode(app: ReturnType<typeof appWith>, code: string, headers: Record<string, string> = {}) {
  return app.request('/api/auth', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ code }),
  });
}

function postForm(app: ReturnType<typeof appWith>, code: string) {
  return app.request('/admin/sign-in', { method: 'POST', body: new URLSearchParams({ code }) });
}

describe('the sign-in throttle', () => {
  it('counts an attempt before the compare: parallel guesses from one client are refused', async () => {
    const app = appWith();
    const statuses = await Promise.all(Array.from({ length: 10 }, (_, i) => postCode(app, `guess-${i}`)));
    expect(statuses.map((r) => r.status).sort()).toEqual([401, ...Array<number>(9).fill(429)]);
    // The same for the admin UI's form, which shares the throttle.
    h.advance(60_000);
    const form = await Promise.all(Array.from({ length: 10 }, (_, i) => postForm(app, `guess-${i}`)));
    expect(form.map((r) => r.status).sort()).toEqual([401, ...Array<number>(9).fill(429)]);
  });

  it("behind a trusted proxy header, one client's wrong codes do not lock out another", async () => {
    const app = appWith('Fly-Client-IP');
    expect((await postCode(app, 'wrong', { 'fly-client-ip': '203.0.113.7' })).status).toBe(401);
    expect((await postCode(app, CODE, { 'fly-client-ip': '203.0.113.7' })).status).toBe(429);
    expect((await postCode(app, CODE, { 'fly-client-ip': '198.51.100.23' })).status).toBe(200);
  });

  it('keys a list header by the entry the trusted proxy appended, not what the client sent', async () => {
    const app = appWith('X-Forwarded-For');
    expect((await postCode(app, 'wrong', { 'x-forwarded-for': '10.0.0.1, 203.0.113.7' })).status).toBe(401);
    // The client rewrote its own part of the list: still the same client.
    expect((await postCode(app, CODE, { 'x-forwarded-for': '10.9.9.9, 203.0.113.7' })).status).toBe(429);
  });

  it('holds a global budget of wrong codes per minute across all clients', async () => {
    const app = appWith('Fly-Client-IP');
    for (let i = 0; i < DEFAULT_THROTTLE.globalWrongPerMinute; i++) {
      expect((await postCode(app, 'wrong', { 'fly-client-ip': `203.0.113.${i}` })).status).toBe(401);
    }
    const fresh = await postCode(app, CODE, { 'fly-client-ip': '198.51.100.1' });
    expect(fresh.status).toBe(429);
    expect(Number(fresh.headers.get('retry-after'))).toBe(60);
    h.advance(60_000);
    expect((await postCode(app, CODE, { 'fly-client-ip': '198.51.100.1' })).status).toBe(200);
  });

  it('does not count a body without a code as a guess', async () => {
    const app = appWith();
    for (let i = 0; i < 3; i++) expect((await postCode(app, '')).status).toBe(400);
    expect((await postCode(app, CODE)).status).toBe(200);
  });

  it('a right code refunds its attempt: it neither slows the client nor uses the global budget', () => {
    let now = 0;
    const throttle = createSignInThrottle(() => now, { ...DEFAULT_THROTTLE, globalWrongPerMinute: 2 });
    for (let i = 0; i < 5; i++) {
      const attempt = throttle.begin('a');
      expect(attempt.allowed).toBe(true);
      if (attempt.allowed) attempt.settle(true);
    }
    const wrong = throttle.begin('b');
    if (wrong.allowed) wrong.settle(false);
    expect(throttle.begin('b')).toEqual({ allowed: false, waitMs: 500 });
    now += 500;
    expect(throttle.begin('b').allowed).toBe(true); // the second wrong-or-pending attempt
    expect(throttle.begin('c')).toEqual({ allowed: false, waitMs: 59_500 });
  });
});

describe('the client address over a real socket', () => {
  let server: ServerType;
  let url: string;
  beforeEach(async () => {
    server = serve({ fetch: appWith(undefined).fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  it('ignores a spoofed proxy header while TRUST_PROXY_HEADER is unset', async () => {
    const post = (code: string, ip: string) =>
      fetch(`${url}/api/auth`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'fly-client-ip': ip, 'x-forwarded-for': ip },
        body: JSON.stringify({ code }),
      });
    expect((await post('wrong', '203.0.113.7')).status).toBe(401);
    // A new header value per guess would be a fresh key if it were trusted; it is not.
    expect((await post(CODE, '198.51.100.23')).status).toBe(429);
  });
});
