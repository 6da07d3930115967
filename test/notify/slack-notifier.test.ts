import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createNotifier } from '../../src/notify/registry.ts';
import { startFakeWebhookServer, type FakeWebhookServer } from '../fakes/notify/fake-webhook-server.ts';
import { captureLogger, EVENTS } from './notify-fixtures.ts';

interface SlackBody {
  text: string;
  blocks: {
    type: string;
    text?: { type: string; text: string };
    fields?: { type: string; text: string }[];
    elements?: { text: string }[];
  }[];
}

let fake: FakeWebhookServer;
const PATH = '/services/T000/B000/SLACKSECRET';

beforeAll(async () => {
  fake = await startFakeWebhookServer({ kind: 'answer', status: 200, body: 'ok' });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
});

async function send(
  event: (typeof EVENTS)[string],
  tenant = { clientSlug: undefined, flyAppName: undefined } as {
    clientSlug: string | undefined;
    flyAppName: string | undefined;
  },
): Promise<{ body: SlackBody; lines: string[] }> {
  const { logger, lines } = captureLogger();
  const notifier = createNotifier(
    { notify: { type: 'slack', webhookUrl: `${fake.url}${PATH}` }, tenant },
    logger,
  );
  expect(notifier.kind).toBe('slack');
  await notifier.notify(event);
  expect(fake.requests).toHaveLength(1);
  return { body: fake.requests[0]?.json as SlackBody, lines };
}

describe('Slack notifier', () => {
  it('posts JSON with text and blocks to the webhook URL', async () => {
    const { body, lines } = await send(EVENTS.dispatchSucceeded!);
    const request = fake.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe(PATH);
    expect(request.headers['content-type']).toBe('application/json');
    expect(body.text).toContain('Dispatched implementation run: ENG-123');
    expect(body.blocks.map((block) => block.type)).toEqual(['section', 'section', 'context']);
    expect(body.blocks[0]?.text?.type).toBe('mrkdwn');
    expect(body.blocks[0]?.text?.text).toContain('<https://linear.app/acme/issue/ENG-123|ENG-123>');
    const fields = body.blocks[1]?.fields?.map((field) => field.text);
    expect(fields).toEqual([
      '*Repository*\nacme/web_app',
      '*Phase*\nimplementation',
      '*Dispatch*\n#2',
      '*Runner*\ngithub-actions',
    ]);
    expect(lines).toEqual([]);
  });

  it('escapes &, < and > in ticket titles everywhere they appear', async () => {
    const { body } = await send(EVENTS.dispatchSucceeded!);
    expect(body.blocks[0]?.text?.text).toContain('Add &lt;b&gt;dark&lt;/b&gt; mode &amp; fix');
    expect(body.text).toContain('Add &lt;b&gt;dark&lt;/b&gt; mode &amp; fix');
    expect(JSON.stringify(body)).not.toContain('<b>');
  });

  it('keeps errors inside their code block and defuses mentions', async () => {
    const { body } = await send(EVENTS.runFailed!);
    const detail = body.blocks.find((block) => block.text?.text.startsWith('*Error*'))?.text?.text ?? '';
    expect(detail.startsWith('*Error*\n```')).toBe(true);
    expect(detail.endsWith('```')).toBe(true);
    expect(detail.slice('*Error*\n```'.length, -3)).not.toContain('```');
    expect(detail).toContain('&lt;!channel&gt;');
    expect(JSON.stringify(body)).not.toContain('<!channel>');
  });

  it('links the pull request of a successful run', async () => {
    const { body } = await send(EVENTS.runSucceeded!);
    expect(body.blocks[0]?.text?.text).toContain('Implementation run succeeded');
    expect(body.blocks.at(-1)?.elements?.[0]?.text).toContain(
      '<https://github.com/acme/web_app/pull/7|Open pull request>',
    );
  });

  it('sends the reaper alert with count and threshold', async () => {
    const { body } = await send(EVENTS.reaperAlert!);
    expect(body.text).toBe('Reaper destroyed 14 machines in the last 24 h');
    expect(body.blocks[1]?.fields?.map((field) => field.text)).toEqual([
      '*Destroyed*\n14',
      '*Alert threshold*\n10',
    ]);
  });

  it('labels multi-tenant deployments', async () => {
    const { body } = await send(EVENTS.dispatchFailed!, {
      clientSlug: 'acme',
      flyAppName: 'ai-implement-acme',
    });
    expect(body.text.startsWith('[acme] Could not dispatch implementation run')).toBe(true);
    const fields = body.blocks[1]?.fields?.map((field) => field.text) ?? [];
    expect(fields).toContain('*Client*\nacme');
    expect(fields).toContain('*Fly app*\nai-implement-acme');
  });

  it('cuts very long titles', async () => {
    const event = {
      ...EVENTS.dispatchSucceeded!,
      issue: { identifier: 'ENG-1', title: 'x'.repeat(5000), url: 'https://l/1' },
    };
    const { body } = await send(event as typeof EVENTS.dispatchSucceeded & object);
    expect(body.blocks[0]?.text?.text.length).toBeLessThan(3000);
    expect(body.blocks[0]?.text?.text).toContain('x…');
  });

  it('keeps an escaped error within the 3000-character section limit', async () => {
    const event = { ...EVENTS.dispatchFailed!, error: '<'.repeat(1500) } as typeof EVENTS.dispatchFailed &
      object;
    const { body } = await send(event);
    const detail = body.blocks.find((block) => block.text?.text.startsWith('*Error*'))?.text?.text ?? '';
    expect(detail.length).toBeLessThanOrEqual(3000);
    expect(detail).toContain('&lt;&lt;');
    expect(detail.endsWith('…```')).toBe(true);
  });
});
