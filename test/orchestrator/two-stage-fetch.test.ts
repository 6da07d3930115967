import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTick } from '../../src/orchestrator/tick.ts';
import { listBlockers } from '../../src/store/blockers.ts';
import { createLinearProvider } from '../../src/ticketing/linear/linear-provider.ts';
import { startFakeLinear, type FakeLinear } from '../fakes/linear/fake-linear-server.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';

/**
 * The tick's two-stage fetch against the fake Linear (built from Linear's schema, scoring every
 * query): the cheap candidate query for everything, details only for the tickets that would run.
 * Assertions are on the requests the fake received.
 */
let h: Harness;
let fake: FakeLinear;
beforeEach(async () => {
  h = await createHarness();
  fake = await startFakeLinear();
  fake.addTeam({ key: 'ENG' });
  const linear = createLinearProvider({ apiKey: fake.apiKey, apiUrl: fake.url });
  h.ctx = { ...h.ctx, ticketing: new Map([['linear', linear]]) };
});
afterEach(async () => {
  await fake.close();
  fake.assertNoRejections();
  await h.close();
});

const marked = (title: string, priority: number, blockedBy: string[] = []) =>
  fake.addIssue({ team: 'ENG', title, labels: ['AI-Implement'], priority, blockedBy });

/** The issue ids each stage-two request asked for (over its aliased roots), in order. */
function detailReads(): string[][] {
  return fake
    .lastRequests()
    .filter((request) => request.operationName === 'AiImplementDetails')
    .map((request) =>
      Object.entries(request.variables)
        .filter(([name]) => /^ids\d$/.test(name))
        .flatMap(([, filter]) => (filter as { id: { in: string[] } }).id.in),
    );
}

const operations = () => fake.lastRequests().map((request) => request.operationName);

describe('the two-stage fetch', () => {
  it('never dispatches a ticket with an unresolved blocker, and never reads details of one refused for capacity', async () => {
    await h.addMapping({ teamKey: 'ENG', maxInProgressAiIssues: 2 });
    const prerequisite = fake.addIssue({ team: 'ENG', title: 'Prerequisite', state: 'In Progress' });
    const blocked = marked('Blocked', 1, [prerequisite.id]);
    const second = marked('Second', 2);
    const third = marked('Third', 3);
    const waiting = [marked('Fourth', 4), marked('Fifth', 4), marked('No priority', 0)];

    const report = await runTick(h.ctx);

    // Stage one read the blocked ticket's relations with the candidates: it never held a slot,
    // and one detail request covered the two tickets that run.
    expect(report.dispatched).toEqual([second.identifier, third.identifier]);
    expect(h.backend.dispatched.map((d) => d.payload.issue.identifier)).not.toContain(blocked.identifier);
    expect(operations().filter((name) => name === 'AiImplementCandidates')).toHaveLength(1);
    expect(detailReads()).toEqual([[second.id, third.id]]);
    const read = new Set(detailReads().flat());
    for (const ticket of waiting) expect(read.has(ticket.id)).toBe(false);

    const blockers = await listBlockers(h.store.db);
    expect(blockers.map((b) => [b.issue_identifier, b.reason]).sort()).toEqual(
      [
        [blocked.identifier, 'dependency'],
        ...waiting.map((ticket) => [ticket.identifier, 'capacity']),
      ].sort(),
    );
    expect(blockers.find((b) => b.reason === 'dependency')?.detail).toContain(prerequisite.identifier);
  });

  it('reads no details while every slot is taken, and dispatches the blocked ticket once its blocker is done', async () => {
    await h.addMapping({ teamKey: 'ENG', maxInProgressAiIssues: 1 });
    const prerequisite = fake.addIssue({ team: 'ENG', title: 'Prerequisite' });
    const blocked = marked('Blocked', 1, [prerequisite.id]);
    const other = marked('Other', 2);
    await runTick(h.ctx);
    expect(h.backend.dispatched.map((d) => d.payload.issue.identifier)).toEqual([other.identifier]);

    // The slot is taken: the next tick reads the in-flight ticket's state and the candidates,
    // both with the cheap query, and no details at all.
    const before = fake.requestCount;
    const report = await runTick(h.ctx);
    const requests = fake.lastRequests(fake.requestCount - before).map((r) => r.operationName);
    expect(requests).toEqual(['AiImplementCandidates', 'AiImplementCandidates']);
    // Its details were not read, so its blocker stays what they showed last: the dependency.
    expect(report.refused).toEqual([{ identifier: blocked.identifier, reason: 'dependency' }]);
    expect((await listBlockers(h.store.db)).map((b) => [b.issue_identifier, b.reason])).toEqual([
      [blocked.identifier, 'dependency'],
    ]);

    fake.updateIssue(prerequisite.id, { state: 'Done' });
    await h.addMapping({ teamKey: 'ENG', maxInProgressAiIssues: 2 });
    expect((await runTick(h.ctx)).dispatched).toEqual([blocked.identifier]);
  });

  it('shows a paused mapping’s marked tickets as paused, without reading their details', async () => {
    await h.addMapping({ teamKey: 'ENG', paused: true });
    const ticket = marked('Waiting', 2);

    const report = await runTick(h.ctx);

    expect(report.dispatched).toEqual([]);
    expect(detailReads()).toEqual([]);
    expect((await listBlockers(h.store.db)).map((b) => [b.issue_identifier, b.reason])).toEqual([
      [ticket.identifier, 'paused'],
    ]);
  });
});
