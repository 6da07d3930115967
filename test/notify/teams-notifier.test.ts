import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createNotifier } from '../../src/notify/registry.ts';
import type { NotificationEvent } from '../../src/notify/types.ts';
import { startFakeWebhookServer, type FakeWebhookServer } from '../fakes/notify/fake-webhook-server.ts';
import { validateTeamsMessage } from './adaptive-card-validator.ts';
import { captureLogger, EVENTS } from './notify-fixtures.ts';

interface Card {
  body: {
    type: string;
    text?: string;
    inlines?: { text: string }[];
    facts?: { title: string; value: string }[];
  }[];
  actions?: { type: string; title: string; url: string }[];
}

let fake: FakeWebhookServer;
const PATH = '/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=TEAMSSECRET';

beforeAll(async () => {
  // Workflows accepts the post and runs the flow later: 202 with an empty body.
  fake = await startFakeWebhookServer({ kind: 'answer', status: 202, body: '' });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
});

async function send(
  event: NotificationEvent,
  clientSlug?: string,
): Promise<{ body: unknown; card: Card; lines: string[] }> {
  const { logger, lines } = captureLogger();
  const notifier = createNotifier(
    {
      notify: { type: 'teams', webhookUrl: `${fake.url}${PATH}` },
      tenant: { clientSlug, flyAppName: undefined },
    },
    logger,
  );
  expect(notifier.kind).toBe('teams');
  await notifier.notify(event);
  expect(fake.requests).toHaveLength(1);
  const body = fake.requests[0]?.json as { attachments: { content: Card }[] };
  return { body, card: body.attachments[0]!.content, lines };
}

describe('Teams notifier', () => {
  it.each(Object.entries(EVENTS))('posts a valid Adaptive Card for %s', async (_name, event) => {
    const { body, lines } = await send(event);
    expect(validateTeamsMessage(body)).toEqual([]);
    expect(body).toMatchObject({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
          },
        },
      ],
    });
    expect(fake.requests[0]?.path).toBe(PATH);
    expect(fake.requests[0]?.headers['content-type']).toBe('application/json');
    expect(lines).toEqual([]);
  });

  it('puts the title in TextRuns, which render literally, and escapes Markdown in fact values', async () => {
    const { card } = await send(EVENTS.dispatchSucceeded!);
    const runs = card.body
      .find((element) => element.type === 'RichTextBlock')
      ?.inlines?.map((run) => run.text);
    expect(runs).toEqual(['ENG-123', ' Add <b>dark</b> mode & fix *bold* [links](x)']);
    const facts = card.body.find((element) => element.type === 'FactSet')?.facts;
    expect(facts).toContainEqual({ title: 'Repository', value: 'acme/web\\_app' });
    const markdownTexts = card.body
      .filter((element) => element.type === 'TextBlock')
      .map((element) => element.text);
    expect(markdownTexts.join(' ')).not.toContain('*bold*');
  });

  it('offers the issue and pull request as OpenUrl actions', async () => {
    const { card } = await send(EVENTS.runSucceeded!);
    expect(card.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Open pull request', url: 'https://github.com/acme/web_app/pull/7' },
      { type: 'Action.OpenUrl', title: 'Open ENG-123', url: 'https://linear.app/acme/issue/ENG-123' },
    ]);
  });

  it('shows the error of a failed dispatch and the tenant label', async () => {
    const { card } = await send(EVENTS.dispatchFailed!, 'acme');
    expect(card.body[0]?.text).toBe('❌ Could not dispatch implementation run');
    const texts = card.body.flatMap((element) => element.inlines?.map((run) => run.text) ?? []);
    expect(texts).toContain('workflow claude-implement.yml not found (404)');
    expect(card.body.find((element) => element.type === 'FactSet')?.facts).toContainEqual({
      title: 'Client',
      value: 'acme',
    });
  });

  it('drops links that are not http(s)', async () => {
    const event: NotificationEvent = {
      ...(EVENTS.dispatchSucceeded as Extract<NotificationEvent, { type: 'dispatch_succeeded' }>),
      issue: { identifier: 'ENG-9', title: 't', url: 'javascript:alert(1)' },
    };
    const { body, card } = await send(event);
    expect(card.actions).toBeUndefined();
    expect(validateTeamsMessage(body)).toEqual([]);
  });
});

describe('the card validator itself', () => {
  it('rejects a card missing required fields', () => {
    const problems = validateTeamsMessage({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: {
            type: 'AdaptiveCard',
            body: [{ type: 'TextBlock' }, { type: 'FactSet', facts: [{ title: 'a' }] }],
          },
        },
      ],
    });
    expect(problems).toEqual([
      'attachments[0].content.version must be 1.0–1.4',
      'attachments[0].content.body[0].text is required',
      'attachments[0].content.body[1].facts[0] needs string title and value',
    ]);
  });
});
