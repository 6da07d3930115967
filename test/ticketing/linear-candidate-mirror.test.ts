import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IntegrationError } from '../../src/domain/errors.ts';
import { createCandidateMirror, type CandidateMirror } from '../../src/ticketing/linear/candidate-mirror.ts';
import { createLinearRequest, linearGraphQLClient } from '../../src/ticketing/linear/linear-request.ts';
import { startFakeLinear, type FakeLinear } from '../fakes/linear/fake-linear-server.ts';

/**
 * Delta polling of Linear candidates (docs/decisions/tick-at-scale.md, "Delta polling"), against
 * the fake Linear: after the first poll, a poll reads what changed, the blocked candidates and a
 * rolling slice of the teams, and still returns exactly what a full read would.
 */
describe('the Linear candidate mirror', () => {
  let fake: FakeLinear;
  const teams = Array.from({ length: 20 }, (_, i) => `T${String(i).padStart(2, '0')}`);

  beforeEach(async () => {
    fake = await startFakeLinear();
    fake.addLabel({ name: 'AI-Implement' });
    fake.addLabel({ name: 'Plan-Approved' });
    for (const team of teams) {
      fake.addTeam({ key: team });
      for (let i = 0; i < 3; i += 1) fake.addIssue({ team, title: `${team} ${i}`, labels: ['AI-Implement'] });
      fake.addIssue({ team, title: `${team} unmarked` });
    }
  });
  afterEach(async () => {
    await fake.close();
    fake.assertNoRejections();
  });

  const mirrorOf = (resyncPolls = 1_000): CandidateMirror =>
    createCandidateMirror(
      createLinearRequest(linearGraphQLClient({ apiKey: fake.apiKey, apiUrl: fake.url }), {
        retry: { retries: 0, minDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 10 },
      }),
      { requestLabels: ['AI-Implement', 'Plan-Approved'], resyncPolls },
    );
  const identifiers = async (mirror: CandidateMirror, keys = teams) =>
    (await mirror.poll(keys)).map((candidate) => candidate.identifier).sort();
  const requestsOf = async (action: () => Promise<unknown>) => {
    const before = fake.requestCount;
    await action();
    return fake.lastRequests(fake.requestCount - before);
  };

  it('reads every team in full once, then one request a poll: changes, blocked candidates and a slice', async () => {
    const mirror = mirrorOf(10);
    const first = await identifiers(mirror);
    expect(first).toHaveLength(60);
    const requests = await requestsOf(() => identifiers(mirror));
    expect(requests).toHaveLength(1);
    const variables = requests[0]!.variables;
    expect(variables).toMatchObject({ withCandidates: true, withChanged: true, withBlocked: true });
    // 20 teams read in full once in 10 polls: two a poll.
    expect((variables.filter as { team: { key: { in: string[] } } }).team.key.in).toEqual(['T00', 'T01']);
    expect(await identifiers(mirror)).toEqual(first);
  });

  it('hands back the same object for a ticket a full re-read or a change finds unchanged, a new one when it changed', async () => {
    const mirror = mirrorOf(1);
    const before = new Map((await mirror.poll(teams)).map((candidate) => [candidate.id, candidate]));
    const [kept, relabelled] = [...before.values()].filter((candidate) => candidate.teamKey === 'T03');
    fake.updateIssue(relabelled!.id, { labels: ['AI-Implement', 'Plan-Approved'] });
    // resyncPolls 1: every team is read in full again, and the relabelled issue also comes as a change.
    const after = new Map((await mirror.poll(teams)).map((candidate) => [candidate.id, candidate]));
    expect(after.size).toBe(before.size);
    expect(after.get(kept!.id)).toBe(kept);
    expect(after.get(relabelled!.id)).not.toBe(relabelled);
    expect(after.get(relabelled!.id)?.markers).toEqual(['ready', 'planApproved']);
    const unchanged = [...after].filter(([id, candidate]) => before.get(id) === candidate);
    expect(unchanged).toHaveLength(before.size - 1);
  });

  it('lists the candidates in the same order poll after poll through the rolling full reads', async () => {
    const mirror = mirrorOf(4);
    const ids = async () => (await mirror.poll(teams)).map((candidate) => candidate.id);
    const first = await ids();
    for (let poll = 0; poll < 5; poll += 1) expect(await ids()).toEqual(first);
    // A changed ticket keeps its place; a new one comes last; an unmarked one leaves its gap.
    const [changed, unmarked] = first;
    fake.updateIssue(changed!, { labels: ['AI-Implement', 'Plan-Approved'] });
    fake.updateIssue(unmarked!, { labels: [] });
    const marked = fake.updateIssue(fake.getIssue('T05-4')!.id, { labels: ['AI-Implement'] });
    expect(await ids()).toEqual([changed, ...first.slice(2), marked.id]);
  });

  it('sees on the next poll a ticket marked, unmarked, closed, moved to an unmapped team, or reprioritised', async () => {
    const mirror = mirrorOf();
    const before = await mirror.poll(teams);
    const [a, b, c, d] = before.filter((candidate) => candidate.teamKey === 'T19');
    fake.addTeam({ key: 'OTHER' });
    const marked = fake.updateIssue(fake.getIssue('T18-4')!.id, { labels: ['AI-Implement'] });
    fake.updateIssue(a!.id, { labels: [] });
    fake.updateIssue(b!.id, { state: 'Done' });
    fake.updateIssue(c!.id, { team: 'OTHER' });
    const created = fake.addIssue({ team: 'T17', labels: ['Plan-Approved'], priority: 1 });
    const after = await mirror.poll(teams);
    const ids = after.map((candidate) => candidate.id);
    expect(ids).toContain(marked.id);
    expect(ids).toContain(created.id);
    expect(after.find((candidate) => candidate.id === created.id)?.markers).toEqual(['planApproved']);
    expect(ids).not.toContain(a!.id);
    expect(ids).not.toContain(b!.id);
    expect(ids).not.toContain(c!.id);
    expect(ids).toContain(d?.id ?? ids[0]);
    expect(after).toHaveLength(60 + 2 - 3);
  });

  it('reads dependencies afresh every poll: a blocker closing does not touch the ticket it blocks', async () => {
    const prerequisite = fake.addIssue({ team: 'T03', title: 'Prerequisite', state: 'In Progress' });
    const blocked = fake.addIssue({ team: 'T03', labels: ['AI-Implement'], blockedBy: [prerequisite.id] });
    const mirror = mirrorOf();
    const dependencyOf = async () =>
      (await mirror.poll(teams)).find((candidate) => candidate.id === blocked.id)?.dependencies;
    expect(await dependencyOf()).toEqual([expect.objectContaining({ id: prerequisite.id, resolved: false })]);
    fake.updateIssue(prerequisite.id, { state: 'Done' });
    expect(await dependencyOf()).toEqual([expect.objectContaining({ id: prerequisite.id, resolved: true })]);
    const others = (await mirror.poll(teams)).filter((candidate) => candidate.id !== blocked.id);
    expect(others.every((candidate) => candidate.dependencies?.length === 0)).toBe(true);
  });

  it('drops what no updatedAt shows (a label deleted) within one round of full reads', async () => {
    const mirror = mirrorOf(4);
    expect(await identifiers(mirror)).toHaveLength(60);
    fake.deleteLabel('AI-Implement');
    const counts: number[] = [];
    for (let poll = 0; poll < 4; poll += 1) counts.push((await identifiers(mirror)).length);
    // Five teams (15 tickets) are read in full a poll: the delta alone cannot see a deleted label
    // (it only re-reads the last changed issues, within its overlap).
    expect(counts[0]).toBeGreaterThanOrEqual(40);
    expect(counts[0]).toBeLessThanOrEqual(45);
    expect(counts[3]).toBe(0);
  });

  it("reads a new mapping's team in full at once and forgets an unmapped team's candidates", async () => {
    const mirror = mirrorOf();
    expect(await identifiers(mirror, teams.slice(0, 10))).toHaveLength(30);
    const grown = await identifiers(mirror, teams.slice(5, 15));
    expect(grown).toHaveLength(30);
    expect(grown.some((identifier) => identifier.startsWith('T14-'))).toBe(true);
    expect(grown.some((identifier) => identifier.startsWith('T00-'))).toBe(false);
  });

  it('a failed poll leaves the mirror as it was; the next poll sees what changed meanwhile', async () => {
    const mirror = mirrorOf();
    const first = await mirror.poll(teams);
    fake.failNext('http-500');
    await expect(mirror.poll(teams)).rejects.toBeInstanceOf(IntegrationError);
    fake.updateIssue(first[0]!.id, { labels: [] });
    const after = await mirror.poll(teams);
    expect(after.map((candidate) => candidate.id)).not.toContain(first[0]!.id);
    expect(after).toHaveLength(59);
  });
});
