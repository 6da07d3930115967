import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IntegrationError } from '../../src/domain/errors.ts';
import type { Marker } from '../../src/domain/markers.ts';
import { handleRunResult } from '../../src/orchestrator/run-results.ts';
import { runTick } from '../../src/orchestrator/tick.ts';
import type { TicketRef } from '../../src/ticketing/types.ts';
import {
  acceptResult,
  getDispatch,
  insertPendingDispatch,
  listRecentDispatches,
} from '../../src/store/dispatches.ts';
import { listPullRequests } from '../../src/store/pull-requests.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';
import { pendingDispatch } from '../support/dispatch-fixtures.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
  h.linear.addTeam({ key: 'ENG' });
});
afterEach(() => h.close());

const transient = () => new IntegrationError('linear', 'transient', 'Linear answered 502');
const label = (title: string) =>
  h.linear.addIssue({ team: 'ENG', title, labels: ['AI-Implement'], state: 'Todo' });

/**
 * Makes the tracker's marker writes fail: `refuse` never applies them, `lose-answer` applies
 * them and then fails (the answer lost on the way back, as a 502 from a proxy).
 */
function breakMarkerWrites(mode: 'refuse' | 'lose-answer') {
  const original = h.linear.setMarker.bind(h.linear);
  const state = { broken: true, writes: 0 };
  h.linear.setMarker = async (ticket: TicketRef, marker: Marker, options?: { moveToStarted?: boolean }) => {
    state.writes += 1;
    if (!state.broken) return original(ticket, marker, options);
    if (mode === 'lose-answer') await original(ticket, marker, options);
    throw transient();
  };
  return state;
}

const PR = 'https://github.com/acme/api/pull/7';

describe('markers converge to the ledger', () => {
  it('a failed marker write after a success is retried by the tick; no second run is dispatched', async () => {
    await h.addMapping({ teamKey: 'ENG', planningEnabled: false });
    const issue = label('Web');
    const writes = breakMarkerWrites('refuse');
    await runTick(h.ctx);
    const run = h.backend.dispatched[0]!.payload;
    expect(h.linear.getIssue(issue.id)?.labels).toEqual(['AI-Implement']);

    expect(
      await handleRunResult(h.ctx, run.dispatchId, { status: 'success', prUrl: PR, branch: 'ai/web' }),
    ).toBe('accepted');
    // Both writes failed: the ticket still asks for a run while its PR is open.
    expect(h.linear.getIssue(issue.id)?.labels).toEqual(['AI-Implement']);

    writes.broken = false;
    const report = await runTick(h.ctx);
    expect(h.linear.getIssue(issue.id)?.labels).toEqual(['Ready for Review']);
    expect(report.dispatched).toEqual([]);
    expect(h.backend.dispatched).toHaveLength(1);

    // Converged: later ticks write nothing more.
    const before = writes.writes;
    await runTick(h.ctx);
    expect(writes.writes).toBe(before);
  });

  it('a write applied upstream but answered with an error is read back, not repeated', async () => {
    await h.addMapping({ teamKey: 'ENG', planningEnabled: false });
    const issue = label('Applied');
    await runTick(h.ctx);
    const run = h.backend.dispatched[0]!.payload;
    const writes = breakMarkerWrites('lose-answer');
    await handleRunResult(h.ctx, run.dispatchId, { status: 'failure', error: 'tests failed' });
    expect(h.linear.getIssue(issue.id)?.labels).toEqual(['AI-Failed']);
    expect(writes.writes).toBe(1);

    await runTick(h.ctx);
    expect(writes.writes).toBe(1);
    expect((await getDispatch(h.store.db, run.dispatchId))?.marker_synced_status).toBe('failed');
  });

  it('an AI-Working write that lands after the marker was confirmed is undone; a person’s new ask is not', async () => {
    await h.addMapping({ teamKey: 'ENG', planningEnabled: false });
    const issue = label('Late');
    await runTick(h.ctx);
    const run = h.backend.dispatched[0]!.payload;
    await handleRunResult(h.ctx, run.dispatchId, { status: 'success', prUrl: PR, branch: 'ai/late' });
    await runTick(h.ctx);
    expect((await getDispatch(h.store.db, run.dispatchId))?.marker_synced_status).toBe('succeeded');

    // The pickup's write, sent by a process killed while it was on its way, lands now.
    h.linear.updateIssue(issue.id, { labels: ['Ready for Review', 'AI-Working'] });
    await runTick(h.ctx);
    expect(h.linear.getIssue(issue.id)?.labels).toEqual(['Ready for Review']);

    // A person's AI-Implement is theirs: the tick neither removes it nor dispatches again (dedup).
    h.linear.updateIssue(issue.id, { labels: ['Ready for Review', 'AI-Implement'] });
    const report = await runTick(h.ctx);
    expect(h.linear.getIssue(issue.id)?.labels.toSorted()).toEqual(['AI-Implement', 'Ready for Review']);
    expect(report.dispatched).toEqual([]);
  });
});

describe('the outbox', () => {
  it('a result recorded by a process that died before applying it is applied by the next tick', async () => {
    await h.addMapping({ teamKey: 'ENG', planningEnabled: false });
    const issue = label('Eng');
    await runTick(h.ctx);
    const run = h.backend.dispatched[0]!.payload;
    // The process dies right after the result is locked in: nothing of its consequences ran.
    await acceptResult(h.store.db, run.dispatchId, {
      status: 'succeeded',
      resultJson: JSON.stringify({ status: 'success', prUrl: PR, branch: 'ai/eng' }),
      receivedAt: new Date(),
      prUrl: PR,
      prNumber: 7,
      branch: 'ai/eng',
      costUsd: null,
      usageJson: null,
      error: null,
    });
    expect(h.linear.getIssue(issue.id)?.labels).toEqual(['AI-Working']);

    await runTick(h.ctx);
    expect(h.linear.getIssue(issue.id)?.labels).toEqual(['Ready for Review']);
    expect((await listPullRequests(h.store.db)).map((pr) => pr.url)).toEqual([PR]);
    expect((await getDispatch(h.store.db, run.dispatchId))?.outcome_applied_at).not.toBeNull();
    expect(h.notifications.filter((n) => n.type === 'run_finished')).toHaveLength(1);
  });

  it('an outcome whose application threw stays in the outbox until a tick applies it', async () => {
    await h.addMapping({ teamKey: 'ENG', planningEnabled: false });
    const issue = label('Throws');
    await runTick(h.ctx);
    const run = h.backend.dispatched[0]!.payload;
    const notify = h.ctx.notifier.notify.bind(h.ctx.notifier);
    let broken = true;
    h.ctx.notifier = {
      kind: h.ctx.notifier.kind,
      async notify(event) {
        if (broken && event.type === 'run_finished') throw new Error('notifier crashed');
        return notify(event);
      },
    };
    expect(
      await handleRunResult(h.ctx, run.dispatchId, { status: 'success', prUrl: PR, branch: 'ai/x' }),
    ).toBe('accepted');
    expect((await getDispatch(h.store.db, run.dispatchId))?.outcome_applied_at).toBeNull();
    broken = false;
    await runTick(h.ctx);
    expect((await getDispatch(h.store.db, run.dispatchId))?.outcome_applied_at).not.toBeNull();
    expect(h.linear.getIssue(issue.id)?.labels).toEqual(['Ready for Review']);
  });
});

describe('a dispatch whose outcome is unknown', () => {
  it('is found and adopted on the next tick when the call was applied but its answer lost', async () => {
    await h.addMapping({ teamKey: 'ENG', planningEnabled: false });
    label('Lost answer');
    h.backend.failNextAfterApplying(new IntegrationError('github', 'transient', 'GitHub answered 502'));
    await runTick(h.ctx);
    const [row] = await listRecentDispatches(h.store.db, 10);
    expect(row?.status).toBe('pending');

    await runTick(h.ctx);
    const adopted = await getDispatch(h.store.db, row!.id);
    expect(adopted?.status).toBe('running');
    expect(adopted?.external_id).toBe('memory-1');
    expect(h.backend.dispatched).toHaveLength(1);
  });

  it('is dispatched again under the same id once the grace period shows no run (process died before the call)', async () => {
    await h.addMapping({ teamKey: 'ENG', planningEnabled: false });
    const issue = label('Died');
    // A process wrote the intent and died before calling GitHub.
    const now = h.ctx.clock().toISOString();
    await insertPendingDispatch(
      h.store.db,
      pendingDispatch({
        id: 'lost-1',
        issue_id: issue.id,
        issue_identifier: issue.identifier,
        issue_title: 'Died',
        issue_url: issue.url,
        created_at: now,
        deadline_at: new Date(Date.parse(now) + 3 * 3_600_000).toISOString(),
      }),
    );

    // Tick 1, within the grace period: the run may still appear; nothing is sent, and the
    // ticket shows what the ledger says (in flight), so it is no candidate either.
    expect((await runTick(h.ctx)).dispatched).toEqual([]);
    expect(h.backend.dispatched).toHaveLength(0);
    expect(h.linear.getIssue(issue.id)?.labels).toEqual(['AI-Working']);

    // Tick 2, after it: certainly absent, so dispatched again under the same id.
    h.advance(h.ctx.policy.lostDispatchGraceMs);
    await runTick(h.ctx);
    expect(h.backend.dispatched.map((d) => d.payload.dispatchId)).toEqual(['lost-1']);
    const row = await getDispatch(h.store.db, 'lost-1');
    expect(row?.status).toBe('running');
    expect(row?.dispatch_attempts).toBe(2);
    expect(h.linear.getIssue(issue.id)?.labels).toEqual(['AI-Working']);

    // Found from now on: never a second run.
    h.advance(h.ctx.policy.lostDispatchGraceMs * 3);
    await runTick(h.ctx);
    expect(h.backend.dispatched).toHaveLength(1);
  });

  it('re-sent and refused by a rate limit, gives the ticket its AI-Implement back and is picked up again', async () => {
    await h.addMapping({ teamKey: 'ENG', planningEnabled: false });
    const issue = label('Rate limited');
    h.backend.failNext(new IntegrationError('github', 'transient', 'connection reset'));
    await runTick(h.ctx);
    await runTick(h.ctx);
    expect(h.linear.getIssue(issue.id)?.labels).toEqual(['AI-Working']);

    h.advance(h.ctx.policy.lostDispatchGraceMs);
    h.backend.failNext(
      new IntegrationError('github', 'rate_limited', 'GitHub answered 429', { retryAfterMs: 1000 }),
    );
    await runTick(h.ctx);
    await runTick(h.ctx);
    expect(h.backend.dispatched).toHaveLength(1);
    expect(h.backend.dispatched[0]?.payload.issue.id).toBe(issue.id);
    expect(h.linear.getIssue(issue.id)?.labels).toEqual(['AI-Working']);
  });

  it('whose result arrives before it is adopted counts as the job’s implementation: never a second one', async () => {
    await h.addMapping({ teamKey: 'ENG', planningEnabled: true, autoApprovePlans: true });
    label('Planned');
    await runTick(h.ctx);
    const planning = h.backend.dispatched[0]!.payload;
    // The implementation call reaches GitHub, but its answer is lost: the intent stays pending.
    h.backend.failNextAfterApplying(new IntegrationError('github', 'transient', 'GitHub answered 502'));
    await handleRunResult(h.ctx, planning.dispatchId, { status: 'success', summary: 'plan' });
    const implementation = h.backend.dispatched[1]!.payload;
    expect((await getDispatch(h.store.db, implementation.dispatchId))?.status).toBe('pending');
    // The run reports before any tick looked it up.
    await handleRunResult(h.ctx, implementation.dispatchId, { status: 'success', prUrl: PR, branch: 'ai/p' });

    await runTick(h.ctx);
    await runTick(h.ctx);
    expect(h.backend.dispatched.map((d) => d.payload.phase)).toEqual(['planning', 'implementation']);
  });

  it('is left alone while the backend cannot be asked', async () => {
    await h.addMapping({ teamKey: 'ENG', planningEnabled: false });
    label('Unknowable');
    h.backend.failNext(new IntegrationError('github', 'transient', 'connection reset'));
    await runTick(h.ctx);
    h.backend.lookupError = new IntegrationError('github', 'transient', 'GitHub answered 500');
    h.advance(h.ctx.policy.lostDispatchGraceMs * 2);
    await runTick(h.ctx);
    expect(h.backend.dispatched).toHaveLength(0);
    h.backend.lookupError = undefined;
    await runTick(h.ctx);
    expect(h.backend.dispatched).toHaveLength(1);
  });
});

describe('a finished ticket', () => {
  it('moved to Done during planning gets no implementation run, and its run is cancelled', async () => {
    await h.addMapping({ teamKey: 'ENG', planningEnabled: true, autoApprovePlans: true });
    const issue = label('Done meanwhile');
    await runTick(h.ctx);
    const planning = h.backend.dispatched[0]!.payload;
    expect(h.linear.getIssue(issue.id)?.labels).toEqual(['AI-Planning']);

    h.linear.updateIssue(issue.id, { state: 'Done' });
    expect((await runTick(h.ctx)).closed).toBe(1);
    expect(h.backend.cancelled).toEqual(['memory-1']);

    // The late result is recorded, and nothing follows from it.
    expect(await handleRunResult(h.ctx, planning.dispatchId, { status: 'success', summary: 'plan' })).toBe(
      'accepted',
    );
    await runTick(h.ctx);
    expect(h.backend.dispatched).toHaveLength(1);
    expect(h.linear.getIssue(issue.id)?.labels).toEqual(['AI-Planning']);
    const row = await getDispatch(h.store.db, planning.dispatchId);
    expect(row).toMatchObject({ status: 'succeeded', close_reason: 'ticket_closed' });
    expect(row?.outcome_applied_at).not.toBeNull();
  });
});
