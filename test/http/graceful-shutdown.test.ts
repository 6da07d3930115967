import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { shutDownInOrder } from '../../src/http/graceful-shutdown.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

it('refuses new connections first, lets requests in progress finish, then drains, then closes the store', async () => {
  const events: string[] = [];
  const slow = deferred();
  const app = new Hono();
  app.post('/slow', async (c) => {
    await slow.promise;
    events.push('request finished');
    return c.json({ ok: true });
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const inProgress = fetch(`${url}/slow`, { method: 'POST' });
  await new Promise((resolve) => setTimeout(resolve, 100)); // the request has reached the handler

  const drain = deferred();
  const done = shutDownInOrder({
    server,
    drain: async () => {
      events.push('drain started');
      await drain.promise;
      events.push('drained');
    },
    closeStore: async () => {
      events.push('store closed');
    },
  });
  // New work is refused at once, while a request is still in progress.
  await expect(fetch(`${url}/slow`, { method: 'POST' })).rejects.toThrow();
  expect(events).toEqual([]);

  slow.resolve();
  expect((await inProgress).status).toBe(200);
  await expect.poll(() => events).toEqual(['request finished', 'drain started']);
  await expect(fetch(`${url}/slow`, { method: 'POST' })).rejects.toThrow();

  drain.resolve();
  await done;
  expect(events).toEqual(['request finished', 'drain started', 'drained', 'store closed']);
});
