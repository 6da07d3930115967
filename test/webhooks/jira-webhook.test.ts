import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JIRA_SECRET, startTrackerWebhookBed, type TrackerWebhookBed } from './tracker-webhook-bed.ts';

let bed: TrackerWebhookBed;
beforeEach(async () => {
  bed = await startTrackerWebhookBed();
});
afterEach(() => bed.close());

/** A Jira issue webhook body (the fields Jira sends that matter here, as Jira words them). */
function issueEvent(
  webhookEvent: string,
  items: { field: string; fieldtype: string; fieldId?: string; toString: string | null }[] = [],
) {
  return JSON.stringify({
    timestamp: Date.now(),
    webhookEvent,
    issue_event_type_name: webhookEvent === 'jira:issue_created' ? 'issue_created' : 'issue_generic',
    user: { accountId: '5b10a2844c20165700ede21g', displayName: 'Alice' },
    issue: {
      id: '10002',
      self: 'https://acme.atlassian.net/rest/api/3/issue/10002',
      key: 'ENG-7',
      fields: {},
    },
    ...(items.length > 0
      ? {
          changelog: {
            id: '10100',
            items: items.map((i) => ({ from: null, fromString: null, to: null, ...i })),
          },
        }
      : {}),
  });
}

function send(body: string, options: { id?: string; secret?: string; signature?: string | null } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const hmac = createHmac('sha256', options.secret ?? JIRA_SECRET)
    .update(body)
    .digest('hex');
  if (options.signature !== null) headers['X-Hub-Signature'] = options.signature ?? `sha256=${hmac}`;
  if (options.id) headers['X-Atlassian-Webhook-Identifier'] = options.id;
  return bed.post('/api/jira/webhook', body, headers);
}

describe('POST /api/jira/webhook', () => {
  it('asks for a tick for a created issue, a marker set to Ready, a status or a link change', async () => {
    const marker = {
      field: 'AI-Implement Status',
      fieldtype: 'custom',
      fieldId: 'customfield_10500',
      toString: 'Ready',
    };
    const status = { field: 'status', fieldtype: 'jira', fieldId: 'status', toString: 'Done' };
    const link = { field: 'Link', fieldtype: 'jira', toString: 'This issue is blocked by ENG-6' };
    const summary = { field: 'summary', fieldtype: 'jira', fieldId: 'summary', toString: 'New title' };
    const working = { ...marker, toString: 'Implementing' };
    const answers = [];
    for (const [id, body] of [
      ['d-1', issueEvent('jira:issue_created')],
      ['d-2', issueEvent('jira:issue_updated', [marker])],
      ['d-3', issueEvent('jira:issue_updated', [status])],
      ['d-4', issueEvent('jira:issue_updated', [link])],
      ['d-5', issueEvent('jira:issue_updated', [summary])],
      ['d-6', issueEvent('jira:issue_updated', [working])],
      ['d-7', issueEvent('comment_created')],
    ] as const) {
      const { status: code, body: answer } = await send(body, { id: id });
      answers.push([id, code, answer.tick]);
    }
    expect(answers).toEqual([
      ['d-1', 200, true],
      ['d-2', 200, true],
      ['d-3', 200, true],
      ['d-4', 200, true],
      ['d-5', 200, false],
      ['d-6', 200, false],
      ['d-7', 200, false],
    ]);
    expect(bed.ticks()).toBe(4);
  });

  it('starts nothing for a repeated delivery: the same identifier, or the same body without one', async () => {
    const body = issueEvent('jira:issue_created');
    expect((await send(body, { id: 'same' })).body).toMatchObject({ accepted: true, tick: true });
    expect((await send(body, { id: 'same' })).body).toEqual({ duplicate: true, deliveryId: 'same' });
    const other = issueEvent('jira:issue_updated', [
      { field: 'status', fieldtype: 'jira', toString: 'Done' },
    ]);
    expect((await send(other)).body).toMatchObject({ accepted: true, tick: true });
    await bed.restart();
    expect((await send(other)).body).toMatchObject({ duplicate: true });
    expect(bed.ticks()).toBe(2);
  });

  it('refuses a wrong or missing X-Hub-Signature with 401, and answers 503 without a secret', async () => {
    const body = issueEvent('jira:issue_created');
    expect(await send(body, { secret: 'another-secret' })).toEqual({
      status: 401,
      body: { error: 'unauthorized', message: expect.stringContaining('JIRA_WEBHOOK_SECRET') },
    });
    expect((await send(body, { signature: null })).status).toBe(401);
    const sha1 = `sha1=${createHmac('sha1', JIRA_SECRET).update(body).digest('hex')}`;
    expect((await send(body, { signature: sha1 })).status).toBe(401);
    expect((await send('{not json', {})).status).toBe(400);
    expect(bed.ticks()).toBe(0);

    const off = await startTrackerWebhookBed({ jiraSecret: null });
    try {
      expect((await off.post('/api/jira/webhook', body, {})).status).toBe(503);
    } finally {
      await off.close();
    }
  });
});
