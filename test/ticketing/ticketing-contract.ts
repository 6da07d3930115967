import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IntegrationError } from '../../src/domain/errors.ts';
import type { Ticket } from '../../src/domain/ticket.ts';
import type { IssueRefs, IssueSnapshot } from '../../src/ticketing/memory/workspace-seed.ts';
import type { TicketRef } from '../../src/ticketing/types.ts';
import { jiraMapping, linearMapping, type TicketingHarness } from './ticketing-harness.ts';

const identifiers = (tickets: { identifier: string }[]) => tickets.map((t) => t.identifier).sort();
const sortedLabels = (snapshot: IssueSnapshot | undefined) => [...(snapshot?.labels ?? [])].sort();

/**
 * The behaviour every `TicketingProvider` shares (src/ticketing/types.ts), run against each
 * implementation — the in-memory one and Linear against the fake Linear server — so the fake
 * the orchestrator's tests use cannot drift from the real thing.
 */
export function runTicketingContract(name: string, setup: () => Promise<TicketingHarness>): void {
  describe(`${name} — TicketingProvider contract`, () => {
    let h: TicketingHarness;
    const ref = (issue: IssueRefs, teamKey = 'ENG'): TicketRef => ({
      id: issue.id,
      identifier: issue.identifier,
      teamKey,
    });
    const candidates = (...teamKeys: string[]) => h.provider.fetchCandidates(teamKeys.map(linearMapping));
    const candidate = async (issue: IssueRefs): Promise<Ticket> => {
      const found = (await candidates('ENG')).find((ticket) => ticket.id === issue.id);
      if (!found) throw new Error(`${issue.identifier} is not a candidate`);
      return found;
    };

    beforeEach(async () => {
      h = await setup();
      h.addTeam({ key: 'ENG', name: 'Engineering' });
    });
    afterEach(async () => {
      await h.close?.();
    });

    it('fetches only open tickets of mapped teams that carry AI-Implement or Plan-Approved', async () => {
      h.addTeam({ key: 'WEB' });
      h.addTeam({ key: 'OPS' });
      h.addIssue({ team: 'ENG', labels: ['AI-Implement'] }); // ENG-1
      h.addIssue({ team: 'ENG', labels: ['plan-approved'] }); // ENG-2, label case differs
      h.addIssue({ team: 'ENG', labels: ['Bug'] });
      h.addIssue({ team: 'ENG', labels: ['AI-Working'] });
      h.addIssue({ team: 'ENG', labels: ['AI-Implement'], state: 'Done' });
      h.addIssue({ team: 'ENG', labels: ['AI-Implement'], state: 'Canceled' });
      h.addIssue({ team: 'WEB', labels: ['Bug', 'AI-Implement'] }); // WEB-1
      h.addIssue({ team: 'OPS', labels: ['AI-Implement'] });

      const tickets = await h.provider.fetchCandidates([linearMapping('ENG'), linearMapping('web')]);

      expect(identifiers(tickets)).toEqual(['ENG-1', 'ENG-2', 'WEB-1']);
      const byIdentifier = new Map(tickets.map((t) => [t.identifier, t]));
      expect(byIdentifier.get('ENG-1')?.markers).toEqual(['ready']);
      expect(byIdentifier.get('ENG-2')?.markers).toEqual(['planApproved']);
      expect(byIdentifier.get('WEB-1')?.teamKey).toBe('WEB');
    });

    it('lists every lifecycle marker a candidate carries', async () => {
      const issue = h.addIssue({ team: 'ENG', labels: ['AI-Failed', 'Bug', 'AI-Implement'] });
      expect((await candidate(issue)).markers.sort()).toEqual(['failed', 'ready']);
    });

    it('ignores mappings of other providers and returns nothing without mappings', async () => {
      h.addIssue({ team: 'ENG', labels: ['AI-Implement'] });
      expect(await h.provider.fetchCandidates([jiraMapping('ENG')])).toEqual([]);
      expect(await h.provider.fetchCandidates([])).toEqual([]);
    });

    it('reads title, description, url, priority, age, state and team', async () => {
      const issue = h.addIssue({
        team: 'ENG',
        title: 'Add CSV export',
        description: 'Users want **CSV**.',
        labels: ['AI-Implement'],
        priority: 2,
        createdAt: '2026-03-01T10:00:00.000Z',
      });
      const bare = h.addIssue({ team: 'ENG', labels: ['AI-Implement'] });

      const ticket = await candidate(issue);
      expect(ticket).toMatchObject({
        provider: 'linear',
        id: issue.id,
        identifier: issue.identifier,
        title: 'Add CSV export',
        description: 'Users want **CSV**.',
        url: issue.url,
        teamKey: 'ENG',
        stateName: 'Todo',
        stateType: 'unstarted',
        priority: 2,
      });
      expect(new Date(ticket.createdAt).toISOString()).toBe('2026-03-01T10:00:00.000Z');
      expect(await candidate(bare)).toMatchObject({
        description: '',
        priority: 0,
        parent: undefined,
        siblings: [],
      });
    });

    it('reports the issues that block a ticket, resolved once completed or canceled', async () => {
      const open = h.addIssue({ team: 'ENG', title: 'Schema first' });
      const done = h.addIssue({ team: 'ENG', state: 'Done' });
      const dropped = h.addIssue({ team: 'ENG', state: 'Canceled' });
      const related = h.addIssue({ team: 'ENG' });
      const issue = h.addIssue({
        team: 'ENG',
        labels: ['AI-Implement'],
        blockedBy: [open.id, done.id, dropped.identifier],
        relatedTo: [related.id],
      });

      const dependencies = (await candidate(issue)).dependencies.sort((a, b) =>
        a.identifier.localeCompare(b.identifier),
      );
      expect(dependencies).toEqual([
        {
          id: open.id,
          identifier: open.identifier,
          title: 'Schema first',
          url: open.url,
          stateType: 'unstarted',
          resolved: false,
        },
        expect.objectContaining({ id: done.id, stateType: 'completed', resolved: true }),
        expect.objectContaining({ id: dropped.id, stateType: 'canceled', resolved: true }),
      ]);

      h.updateIssue(open.id, { state: 'Done' });
      expect((await candidate(issue)).dependencies.every((dependency) => dependency.resolved)).toBe(true);
    });

    it('gives the parent and the siblings (the parent’s other children)', async () => {
      const parent = h.addIssue({ team: 'ENG', title: 'Epic: exports', state: 'In Progress' });
      const child = h.addIssue({ team: 'ENG', parent: parent.id, labels: ['AI-Implement'] });
      const second = h.addIssue({ team: 'ENG', parent: parent.identifier });
      const third = h.addIssue({ team: 'ENG', parent: parent.id, state: 'Done' });

      const ticket = await candidate(child);
      expect(ticket.parent).toEqual({
        id: parent.id,
        identifier: parent.identifier,
        title: 'Epic: exports',
        url: parent.url,
        stateType: 'started',
      });
      expect(identifiers(ticket.siblings)).toEqual(identifiers([second, third]));
      expect(ticket.siblings.find((s) => s.id === third.id)?.stateType).toBe('completed');
    });

    it('gets tickets by id, whatever their markers and state, and omits unknown ids', async () => {
      const marked = h.addIssue({ team: 'ENG', labels: ['AI-Working'] });
      const closed = h.addIssue({ team: 'ENG', state: 'Done' });

      const tickets = await h.provider.getTickets([marked.id, randomUUID(), closed.id]);

      expect([...tickets.keys()].sort()).toEqual([marked.id, closed.id].sort());
      expect(tickets.get(marked.id)?.markers).toEqual(['working']);
      expect(tickets.get(closed.id)).toMatchObject({ identifier: closed.identifier, stateType: 'completed' });
      expect((await h.provider.getTickets([])).size).toBe(0);
    });

    it('setMarker swaps the lifecycle marker, keeps other labels and the state', async () => {
      const issue = h.addIssue({ team: 'ENG', labels: ['AI-Implement', 'Bug'] });

      await h.provider.setMarker(ref(issue), 'working');
      expect(sortedLabels(h.getIssue(issue.id))).toEqual(['AI-Working', 'Bug']);
      expect(h.getIssue(issue.id)?.state.name).toBe('Todo');

      await h.provider.setMarker(ref(issue), 'readyForReview');
      expect(sortedLabels(h.getIssue(issue.id))).toEqual(['Bug', 'Ready for Review']);
    });

    it('setMarker creates a missing label in the ticket’s team, once', async () => {
      h.addTeam({ key: 'WEB' });
      const first = h.addIssue({ team: 'ENG' });
      const second = h.addIssue({ team: 'ENG', labels: ['AI-Implement'] });
      expect(h.teamLabels('ENG')).not.toContain('AI-Planning');

      await h.provider.setMarker(ref(first), 'planning');
      await h.provider.setMarker(ref(second), 'planning');

      expect(h.teamLabels('ENG').filter((label) => label === 'AI-Planning')).toHaveLength(1);
      expect(h.teamLabels('WEB')).not.toContain('AI-Planning');
      expect(h.getIssue(first.id)?.labels).toEqual(['AI-Planning']);
      expect(h.getIssue(second.id)?.labels).toEqual(['AI-Planning']);
    });

    it('setMarker reuses an existing label whatever its case, and workspace labels', async () => {
      h.addLabel({ name: 'ai-working', team: 'ENG' });
      h.addLabel({ name: 'Plan-Complete' });
      const issue = h.addIssue({ team: 'ENG', labels: ['AI-Planning'] });

      await h.provider.setMarker(ref(issue), 'working');
      expect(h.getIssue(issue.id)?.labels).toEqual(['ai-working']);

      await h.provider.setMarker(ref(issue), 'planComplete');
      expect(h.getIssue(issue.id)?.labels).toEqual(['Plan-Complete']);
      expect(
        h
          .teamLabels('ENG')
          .map((label) => label.toLowerCase())
          .sort(),
      ).toEqual(['ai-planning', 'ai-working']);
    });

    it('setMarker with moveToStarted moves the ticket to the team’s first started state by position', async () => {
      h.addTeam({
        key: 'APP',
        states: [
          { name: 'Todo', type: 'unstarted', position: 1 },
          { name: 'Review', type: 'started', position: 5 },
          { name: 'Doing', type: 'started', position: 3 },
          { name: 'Done', type: 'completed', position: 9 },
        ],
      });
      const issue = h.addIssue({ team: 'APP', labels: ['AI-Implement'] });

      await h.provider.setMarker(ref(issue, 'APP'), 'working', { moveToStarted: true });

      expect(h.getIssue(issue.id)).toMatchObject({
        labels: ['AI-Working'],
        state: { name: 'Doing', type: 'started' },
      });
    });

    it('clearMarker removes only that marker and does nothing when it is absent', async () => {
      const issue = h.addIssue({ team: 'ENG', labels: ['AI-Working', 'AI-Failed', 'Bug'] });

      await h.provider.clearMarker(ref(issue), 'failed');
      expect(sortedLabels(h.getIssue(issue.id))).toEqual(['AI-Working', 'Bug']);

      await h.provider.clearMarker(ref(issue), 'failed');
      expect(sortedLabels(h.getIssue(issue.id))).toEqual(['AI-Working', 'Bug']);
    });

    it('posts Markdown comments', async () => {
      const issue = h.addIssue({ team: 'ENG' });
      await h.provider.postComment(ref(issue), '## Plan\n- [ ] step one');
      await h.provider.postComment(ref(issue), 'Second');
      expect(h.getIssue(issue.id)?.comments).toEqual(['## Plan\n- [ ] step one', 'Second']);
    });

    it('fails with not_found for a ticket that does not exist', async () => {
      const missing: TicketRef = { id: randomUUID(), identifier: 'ENG-404', teamKey: 'ENG' };
      for (const attempt of [
        () => h.provider.setMarker(missing, 'working'),
        () => h.provider.clearMarker(missing, 'working'),
        () => h.provider.postComment(missing, 'hello'),
      ]) {
        const error = await attempt().catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(IntegrationError);
        expect((error as IntegrationError).category).toBe('not_found');
      }
    });

    it('checks the connection', async () => {
      expect(await h.provider.checkConnection()).toMatchObject({ ok: true });
    });
  });
}
