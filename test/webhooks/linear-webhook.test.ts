import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWebhookHealth } from '../../src/orchestrator/webhook-health.ts';
import { upsertBlocker } from '../../src/store/blockers.ts';
import { startFakeLinear, type FakeLinear } from '../fakes/linear/fake-linear-server.ts';
import { LINEAR_SECRET, startTrackerWebhookBed, type TrackerWebhookBed } from './tracker-webhook-bed.ts';

let bed: TrackerWebhookBed;
let linear: FakeLinear;

beforeEach(async () => {
  bed = await startTrackerWebhookBed();
  linear = await startFakeLinear();
  linear.addTeam({ key: 'ENG', labels: ['AI-Implement', 'AI-Working', 'bug'] });
  linear.webhooks.configure({ url: `${bed.url}/api/linear/webhook`, secret: LINEAR_SECRET });
});
afterEach(async () => {
  await linear.close();
  await bed.close();
});

/** The deliveries answered so far, as `[type.action, status, response]`. */
async function answered() {
  await linear.webhooks.settled();
  return linear.webhooks.deliveries.map((d) => [`${d.type}.${d.action}`, d.status, d.response] as const);
}

describe('POST /api/linear/webhook', () => {
  it('asks for a tick when a person adds AI-Implement, and not for other changes', async () => {
    const issue = linear.addIssue({ team: 'ENG', title: 'Export', state: 'Todo', labels: ['bug'] });
    linear.updateIssue(issue.id, { labels: ['bug', 'AI-Implement'] });
    // What the orchestrator itself writes comes back as events too; they start nothing.
    linear.updateIssue(issue.id, { labels: ['AI-Working'] });
    expect(await answered()).toEqual([
      ['Issue.create', 200, expect.objectContaining({ accepted: true, tick: false })],
      [
        'Issue.update',
        200,
        expect.objectContaining({
          accepted: true,
          tick: true,
          reason: `AI-Implement added to ${issue.identifier} (team ENG)`,
        }),
      ],
      ['Issue.update', 200, expect.objectContaining({ accepted: true, tick: false })],
    ]);
    expect(bed.ticks()).toBe(1);
  });

  it('asks for a tick for an issue created with the label, or moved to a done or cancelled state', async () => {
    const created = linear.addIssue({ team: 'ENG', labels: ['AI-Implement'] });
    const blocker = linear.addIssue({ team: 'ENG', state: 'In Progress' });
    linear.updateIssue(blocker.id, { state: 'Done' });
    linear.updateIssue(created.id, { state: 'Canceled' });
    linear.addLabel({ name: 'Plan-Approved', team: 'ENG' });
    const results = (await answered()).map(([event, , body]) => [event, (body as { tick: boolean }).tick]);
    expect(results).toEqual([
      ['Issue.create', true],
      ['Issue.create', false],
      ['Issue.update', true],
      ['Issue.update', true],
      ['IssueLabel.create', false],
    ]);
    expect(bed.ticks()).toBe(3);
  });

  it('starts nothing for a duplicate, a retry, or a retry after a restart', async () => {
    linear.webhooks.duplicate = true;
    linear.addIssue({ team: 'ENG', labels: ['AI-Implement'] });
    const [first, second] = await answered();
    expect(first![2]).toMatchObject({ accepted: true, tick: true });
    expect(second![2]).toMatchObject({ duplicate: true });
    expect(bed.ticks()).toBe(1);

    const { deliveryId } = linear.webhooks.deliveries[0]!;
    expect((await linear.webhooks.redeliver(deliveryId)).response).toMatchObject({ duplicate: true });
    await bed.restart();
    const late = await linear.webhooks.redeliver(deliveryId);
    expect([late.status, late.response]).toEqual([200, { duplicate: true, deliveryId }]);
    expect(bed.ticks()).toBe(1);
  });

  it('refuses a forged signature, a stale timestamp and a missing signature with 401', async () => {
    const issue = linear.addIssue({ team: 'ENG', labels: ['AI-Implement'] });
    await linear.webhooks.settled();
    const before = bed.ticks();

    const forged = await linear.webhooks.sendForged(issue.id);
    expect([forged.status, forged.response]).toEqual([
      401,
      { error: 'unauthorized', message: expect.stringContaining('LINEAR_WEBHOOK_SECRET') },
    ]);
    const stale = await linear.webhooks.sendStale(issue.id, 61_000);
    expect([stale.status, stale.response]).toEqual([
      401,
      { error: 'unauthorized', message: expect.stringContaining('webhookTimestamp') },
    ]);
    const { body, headers } = linear.webhooks.deliveries[0]!;
    const { 'Linear-Signature': _, ...unsigned } = headers;
    expect((await bed.post('/api/linear/webhook', body, unsigned)).status).toBe(401);
    expect(bed.ticks()).toBe(before);
  });

  it('needs Linear-Delivery on a signed body, and answers 503 while the secret is unset', async () => {
    linear.addIssue({ team: 'ENG' });
    await linear.webhooks.settled();
    const { body, headers } = linear.webhooks.deliveries[0]!;
    const { 'Linear-Delivery': _, ...anonymous } = headers;
    // Signed a moment ago, so still fresh.
    expect(await bed.post('/api/linear/webhook', body, anonymous)).toMatchObject({
      status: 400,
      body: { fields: [{ field: 'Linear-Delivery', message: 'header is required' }] },
    });

    const off = await startTrackerWebhookBed({ linearSecret: null });
    try {
      const response = await off.post('/api/linear/webhook', body, headers);
      expect(response).toEqual({
        status: 503,
        body: { error: 'disabled', message: expect.stringContaining('LINEAR_WEBHOOK_SECRET') },
      });
    } finally {
      await off.close();
    }
  });

  it('switches the poll to the reconcile period once a verified delivery arrived, and keeps it after a restart', async () => {
    expect((await bed.health.pollMode()).mode).toBe('polling'); // no mapping
    await bed.h.addMapping({ teamKey: 'ENG' });
    expect(await bed.health.pollMode()).toMatchObject({
      mode: 'polling',
      intervalMs: 60_000,
      reason: 'no Linear webhook delivery received yet',
    });
    const issue = linear.addIssue({ team: 'ENG' });
    await linear.webhooks.settled();
    // Nothing in flight, nothing held: the safety net runs every second reconcile period.
    expect(await bed.health.pollMode()).toMatchObject({ mode: 'webhooks', intervalMs: 600_000 });
    await upsertBlocker(bed.h.ctx.db, {
      issue_id: issue.id,
      issue_identifier: issue.identifier,
      issue_title: 'held',
      issue_url: 'https://linear.app/x',
      team_key: 'ENG',
      bucket: 'ENG',
      reason: 'dependency',
      detail: 'blocked by ENG-0',
      recorded_at: bed.h.ctx.clock().toISOString(),
    });
    expect(await bed.health.pollMode()).toMatchObject({ mode: 'webhooks', intervalMs: 300_000 });
    await bed.restart();
    expect((await bed.health.pollMode()).mode).toBe('webhooks');
    // A refused delivery proves nothing.
    bed.h.advance(25 * 3_600_000);
    await linear.webhooks.sendForged(issue.id);
    expect(await bed.health.pollMode()).toMatchObject({
      mode: 'polling',
      reason: 'no Linear webhook delivery in the last 24 h',
    });
  });

  it('with replicas, the poll period of the leader follows deliveries another replica took', async () => {
    const leaderHealth = (shared: boolean) =>
      createWebhookHealth({
        db: bed.h.ctx.db,
        clock: bed.h.ctx.clock,
        configured: new Set(['linear'] as const),
        pollIntervalMs: 60_000,
        reconcileIntervalMs: 300_000,
        shared,
      });
    await bed.h.addMapping({ teamKey: 'ENG' });
    const [shared, alone] = [await leaderHealth(true), await leaderHealth(false)];
    linear.addIssue({ team: 'ENG' }); // delivered to the bed's app: the other replica
    await linear.webhooks.settled();
    expect((await shared.pollMode()).mode).toBe('webhooks');
    expect((await alone.pollMode()).mode).toBe('polling');
  });
});
