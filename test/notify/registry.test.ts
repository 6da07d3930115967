import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createNotifier } from '../../src/notify/registry.ts';
import { startFakeWebhookServer, type FakeWebhookServer } from '../fakes/notify/fake-webhook-server.ts';
import { captureLogger, EVENTS } from './notify-fixtures.ts';

let fake: FakeWebhookServer;
const SECRET_PATH = '/services/T000/B000/HOOKSECRET?sig=SIGSECRET';

beforeAll(async () => {
  fake = await startFakeWebhookServer();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
  fake.behave({ kind: 'answer', status: 200, body: 'ok' });
});

const NO_TENANT = { clientSlug: undefined, flyAppName: undefined };

describe('createNotifier', () => {
  it('is a silent no-op without NOTIFY_WEBHOOK_URL', async () => {
    const { logger, lines } = captureLogger();
    for (const type of ['slack', 'teams'] as const) {
      const notifier = createNotifier({ notify: { type, webhookUrl: undefined }, tenant: NO_TENANT }, logger);
      expect(notifier.kind).toBe('none');
      for (const event of Object.values(EVENTS))
        await expect(notifier.notify(event)).resolves.toBeUndefined();
    }
    expect(fake.requests).toEqual([]);
    expect(lines).toEqual([]);
  });
});

describe.each(['slack', 'teams'] as const)('%s delivery failures', (type) => {
  function notifierFor(url: string, timeoutMs = 5000) {
    const capture = captureLogger();
    const notifier = createNotifier(
      { notify: { type, webhookUrl: url }, tenant: NO_TENANT },
      capture.logger,
      { timeoutMs },
    );
    return { notifier, lines: capture.lines };
  }

  function expectOneSafeWarning(lines: string[], url: string): Record<string, unknown> {
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).not.toContain(url);
    expect(line).not.toContain('HOOKSECRET');
    expect(line).not.toContain('SIGSECRET');
    const entry = JSON.parse(line) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 40, notifier: type, event: 'dispatch_succeeded', issue: 'ENG-123' });
    return entry;
  }

  it('logs a 500 as a warning without the URL, and does not throw', async () => {
    fake.behave({ kind: 'answer', status: 500, body: `internal error at ${SECRET_PATH}` });
    const url = `${fake.url}${SECRET_PATH}`;
    const { notifier, lines } = notifierFor(url);
    await expect(notifier.notify(EVENTS.dispatchSucceeded!)).resolves.toBeUndefined();
    expect(fake.requests).toHaveLength(1); // no retries
    const entry = expectOneSafeWarning(lines, url);
    expect(entry).toMatchObject({ category: 'transient' });
    expect(entry.msg).toMatch(new RegExp(`^${type} notification not delivered: webhook answered HTTP 500`));
  });

  it('names a 404 as not_found (a deleted webhook)', async () => {
    fake.behave({ kind: 'answer', status: 404, body: 'no_service' });
    const url = `${fake.url}${SECRET_PATH}`;
    const { notifier, lines } = notifierFor(url);
    await notifier.notify(EVENTS.dispatchSucceeded!);
    expect(expectOneSafeWarning(lines, url)).toMatchObject({ category: 'not_found' });
    expect(lines[0]).toContain('HTTP 404: no_service');
  });

  it('gives up on a webhook that never answers, within the timeout', async () => {
    fake.behave({ kind: 'hang' });
    const url = `${fake.url}${SECRET_PATH}`;
    const { notifier, lines } = notifierFor(url, 300);
    const started = Date.now();
    await expect(notifier.notify(EVENTS.dispatchSucceeded!)).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(3000);
    await fake.waitForRequests(1);
    const entry = expectOneSafeWarning(lines, url);
    expect(entry.msg).toContain('did not answer within 300 ms');
  });

  it('survives a network error', async () => {
    const closed = await startFakeWebhookServer();
    await closed.close();
    const url = `${closed.url}${SECRET_PATH}`;
    const { notifier, lines } = notifierFor(url);
    await expect(notifier.notify(EVENTS.dispatchSucceeded!)).resolves.toBeUndefined();
    const entry = expectOneSafeWarning(lines, url);
    expect(entry.msg).toContain('network error (ECONNREFUSED)');
  });
});
