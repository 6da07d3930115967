import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eWorld, type E2eWorld } from './e2e-world.ts';
import { completedTicks, eventually } from './orchestrator-process.ts';

const SECRET = 'lin_wh_e2e_signing_secret_0123456789';
let w: E2eWorld;

beforeAll(async () => {
  w = await startE2eWorld({
    appId: 4343,
    repos: [{ repo: 'api' }],
    // Ten minutes between polls: anything that happens within this test was started by a webhook.
    env: { LINEAR_WEBHOOK_SECRET: SECRET, POLL_INTERVAL_MS: '600000', RECONCILE_INTERVAL_MS: '900000' },
  });
  w.linear.webhooks.configure({ url: `${w.orchestrator.url}/api/linear/webhook`, secret: SECRET });
}, 60_000);

afterAll(() => w?.close());

async function healthz() {
  return (await (await fetch(`${w.orchestrator.url}/healthz`)).json()) as {
    ticks: number;
    poll?: { mode: string; intervalMs: number };
  };
}

/**
 * The completed-tick count once the tick a delivery started has ended (the dispatch shows before
 * its tick ends; on PostgreSQL the rest of that tick can take a while): no periodic tick comes
 * within this test, so two equal reads a second apart mean none is running.
 */
async function settledTicks(): Promise<number> {
  let before = (await healthz()).ticks;
  for (let attempt = 0; attempt < 20; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const now = (await healthz()).ticks;
    if (now === before) return now;
    before = now;
  }
  throw new Error('the tick count did not settle');
}

describe('Linear webhooks end to end (npm start, fake Linear sending signed webhooks)', () => {
  it('dispatches a labelled ticket at once, starts nothing for duplicates, refuses forgeries and stale deliveries', async () => {
    const mapping = {
      teamKey: 'ENG',
      owner: 'acme',
      repo: 'api',
      defaultBranch: 'main',
      planningEnabled: false,
    };
    expect((await w.api('POST', '/api/mappings', mapping)).status).toBe(201);
    expect((await healthz()).poll).toEqual({ mode: 'polling', intervalMs: 600_000 });

    // The label is applied in Linear; only the webhook can bring the dispatch within this test.
    const blocker = w.linear.addIssue({ team: 'ENG', title: 'Schema first', state: 'In Progress' });
    const issue = w.linear.addIssue({ team: 'ENG', title: 'Export', state: 'Todo' });
    w.linear.updateIssue(issue.id, { labels: ['AI-Implement'] });
    await eventually('the dispatch', async () => (w.github.dispatches.length === 1 ? true : undefined));
    expect(w.payloads()[0]!.issue.identifier).toBe(issue.identifier);
    expect((await healthz()).poll).toEqual({ mode: 'webhooks', intervalMs: 900_000 });

    // Linear delivers at least once: a duplicate, a retry and a replay of the label event start nothing.
    await w.linear.webhooks.settled();
    const labelled = w.linear.webhooks.deliveries.find(
      (d) => d.type === 'Issue' && d.action === 'update' && (d.response as { tick?: boolean }).tick,
    )!;
    const ticks = await settledTicks();
    for (const again of [
      await w.linear.webhooks.redeliver(labelled.deliveryId),
      await w.linear.webhooks.replay(labelled.deliveryId),
    ]) {
      expect([again.status, again.response]).toEqual([
        200,
        { duplicate: true, deliveryId: labelled.deliveryId },
      ]);
    }
    const forged = await w.linear.webhooks.sendForged(issue.id);
    const stale = await w.linear.webhooks.sendStale(issue.id, 120_000);
    expect([forged.status, stale.status]).toEqual([401, 401]);
    expect((await healthz()).ticks).toBe(ticks);
    expect(w.github.dispatches).toHaveLength(1);

    // A ticket blocked by another starts when its blocker is done — by the blocker's state event.
    const blocked = w.linear.addIssue({
      team: 'ENG',
      title: 'Import',
      state: 'Todo',
      labels: ['AI-Implement'],
      blockedBy: [blocker.id],
    });
    await eventually('the dependency blocker', async () => {
      const { body } = await w.api<{ blockers: { identifier: string; reason: string }[] }>(
        'GET',
        '/api/blockers',
      );
      return body.blockers.some((b) => b.identifier === blocked.identifier && b.reason === 'dependency')
        ? true
        : undefined;
    });
    w.linear.updateIssue(blocker.id, { state: 'Done' });
    await eventually('the unblocked dispatch', async () =>
      w.github.dispatches.length === 2 ? true : undefined,
    );
    expect(w.payloads()[1]!.issue.identifier).toBe(blocked.identifier);
    expect(await completedTicks(w.orchestrator.url)).toBeGreaterThan(ticks);
    w.linear.assertNoRejections();
  }, 60_000);

  it('still picks everything up by polling while the webhook is silent', async () => {
    const fast = await startE2eWorld({
      appId: 4344,
      repos: [{ repo: 'api' }],
      // Webhooks mode polls every 2 s here (the reconcile period), the fallback every second.
      env: { LINEAR_WEBHOOK_SECRET: SECRET, POLL_INTERVAL_MS: '1000', RECONCILE_INTERVAL_MS: '2000' },
    });
    try {
      fast.linear.webhooks.configure({ url: `${fast.orchestrator.url}/api/linear/webhook`, secret: SECRET });
      const mapping = {
        teamKey: 'ENG',
        owner: 'acme',
        repo: 'api',
        defaultBranch: 'main',
        planningEnabled: false,
      };
      expect((await fast.api('POST', '/api/mappings', mapping)).status).toBe(201);
      fast.linear.addIssue({ team: 'ENG', title: 'Not for the AI' });
      await fast.linear.webhooks.settled();
      await eventually('webhooks mode', async () => {
        const body = (await (await fetch(`${fast.orchestrator.url}/healthz`)).json()) as {
          poll?: { mode: string };
        };
        return body.poll?.mode === 'webhooks' ? true : undefined;
      });

      // Deliveries are lost from now on; the label still starts the run, at the reconcile poll.
      fast.linear.webhooks.configure(undefined);
      const issue = fast.linear.addIssue({
        team: 'ENG',
        title: 'Export',
        state: 'Todo',
        labels: ['AI-Implement'],
      });
      await eventually('the dispatch by the poll', async () =>
        fast.github.dispatches.length === 1 ? true : undefined,
      );
      expect(fast.payloads()[0]!.issue.identifier).toBe(issue.identifier);
    } finally {
      await fast.close();
    }
  }, 60_000);
});
