import { describe, expect, it } from 'vitest';
import type { TicketRef } from '../../src/ticketing/types.ts';
import { failure, jiraMappingWith, readyIssue, jiraPerTest } from '../fakes/jira/jira-test-setup.ts';

const start = jiraPerTest();

describe('jira provider: markers, comments, tickets', () => {
  const ref = (issue: { id: string; key: string }, teamKey = 'ENG'): TicketRef => ({
    id: issue.id,
    identifier: issue.key,
    teamKey,
  });

  it('moves the status field through the lifecycle and its failure values', async () => {
    const s = await start();
    s.fake.addProject({ key: 'ENG' });
    const issue = readyIssue(s.fake, 'ENG');
    const value = () => s.fake.fieldValue(issue.key, s.fake.statusField?.id ?? '');

    const seen: (string | null)[] = [];
    for (const marker of [
      'planning',
      'planComplete',
      'working',
      'readyForReview',
      'planningFailed',
      'failed',
    ] as const) {
      await s.provider.setMarker(ref(issue), marker, { moveToStarted: true });
      seen.push(value());
    }
    expect(seen).toEqual([
      'Planning',
      'Plan Approved',
      'Implementing',
      'PR Ready',
      'Planning Failed',
      'Failed',
    ]);
    // moveToStarted is Linear's: the Jira workflow status stays where a person put it.
    expect(s.fake.issue(issue.key)?.statusId).toBe(s.fake.data.projects[0]?.statuses[0]?.id);

    await s.provider.clearMarker(ref(issue), 'working');
    expect(value()).toBe('Failed');
    await s.provider.clearMarker(ref(issue), 'failed');
    expect(value()).toBeNull();
  });

  it('says what to fix when Jira refuses the status value', async () => {
    const s = await start();
    s.fake.addProject({ key: 'ENG' });
    const issue = readyIssue(s.fake, 'ENG');
    s.fake.hideFromEditScreen(s.fake.statusField?.id ?? '');

    const error = await failure(s.provider.setMarker(ref(issue), 'working'));
    expect(error.category).toBe('invalid');
    expect(error.message).toContain('It is not on the appropriate screen');
    expect(error.message).toContain("single-select list on the issue's edit screen");
  });

  it('writes the status field of the ticket’s mapping when the name is ambiguous', async () => {
    const s = await start(
      {},
      {
        lookupMappings: (teamKeys) =>
          teamKeys.includes('ENG')
            ? [jiraMappingWith('ENG', { statusFieldOverride: 'customfield_10500' })]
            : [],
      },
    );
    s.fake.addProject({ key: 'ENG' });
    s.fake.addField({ name: 'AI-Implement Status', options: ['Implementing'] });
    const issue = readyIssue(s.fake, 'ENG');

    await s.provider.setMarker(ref(issue), 'working');
    expect(s.fake.fieldValue(issue.key, 'customfield_10500')).toBe('Implementing');
    expect(s.fake.fieldValue(issue.key, 'customfield_10502')).toBeNull();
    expect((await failure(s.provider.setMarker(ref(issue, 'OTHER'), 'working'))).message).toContain(
      'statusFieldOverride',
    );
  });

  it('posts Markdown as an ADF document', async () => {
    const s = await start();
    s.fake.addProject({ key: 'ENG' });
    const issue = readyIssue(s.fake, 'ENG');

    await s.provider.postComment(
      ref(issue),
      '### PR ready\nSee [#12](https://github.com/acme/repo/pull/12), **please** review `main`.',
    );

    expect(s.fake.issue(issue.key)?.comments[0]?.body).toEqual({
      type: 'doc',
      version: 1,
      content: [
        { type: 'heading', attrs: { level: 3 }, content: [{ type: 'text', text: 'PR ready' }] },
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'See ' },
            {
              type: 'text',
              text: '#12',
              marks: [{ type: 'link', attrs: { href: 'https://github.com/acme/repo/pull/12' } }],
            },
            { type: 'text', text: ', ' },
            { type: 'text', text: 'please', marks: [{ type: 'strong' }] },
            { type: 'text', text: ' review ' },
            { type: 'text', text: 'main', marks: [{ type: 'code' }] },
            { type: 'text', text: '.' },
          ],
        },
      ],
    });
  });

  it('gets tickets with the mapping’s team key once seen as candidates, the project key before', async () => {
    const s = await start();
    s.fake.addProject({ key: 'ENG' });
    const issue = readyIssue(s.fake, 'ENG', 'Implementing');
    readyIssue(s.fake, 'ENG');

    expect((await s.provider.getTickets([issue.id])).get(issue.id)).toMatchObject({
      teamKey: 'ENG',
      markers: ['working'],
    });
    s.fake.setField(issue.key, 'AI-Implement Status', 'Ready');
    await s.provider.fetchCandidates([jiraMappingWith('backend', { jql: 'project = ENG' })]);
    expect((await s.provider.getTickets([issue.id, '99999'])).get(issue.id)).toMatchObject({
      teamKey: 'backend',
      markers: ['ready'],
    });
  });

  it('reads canceled work, priorities and dependencies from Jira’s own vocabulary', async () => {
    const s = await start();
    s.fake.addProject({ key: 'ENG' });
    const wontDo = s.fake.addIssue({ project: 'ENG', priority: 'Highest' });
    s.fake.setStatus(wontDo.key, 'Done', "Won't Do");
    const done = s.fake.addIssue({ project: 'ENG', priority: 'Lowest' });
    s.fake.setStatus(done.key, 'Done');
    const blocked = readyIssue(s.fake, 'ENG');
    s.fake.link('Blocks', done.key, blocked.key);
    s.fake.link('Blocks', blocked.key, wontDo.key); // blocked blocks wontDo: not a dependency of blocked

    const tickets = await s.provider.getTickets([wontDo.id, done.id, blocked.id]);
    expect(tickets.get(wontDo.id)).toMatchObject({
      stateType: 'canceled',
      priority: 1,
      dependencies: [{ identifier: blocked.key, resolved: false }],
    });
    expect(tickets.get(done.id)).toMatchObject({ stateType: 'completed', priority: 4 });
    expect(tickets.get(blocked.id)?.dependencies).toEqual([
      expect.objectContaining({ identifier: done.key, resolved: true }),
    ]);
  });

  it('moves a ticket to Done once and leaves a done one alone', async () => {
    const s = await start();
    s.fake.addProject({
      key: 'ENG',
      statuses: [
        { name: 'To Do', category: 'new' },
        { name: "Won't Do", category: 'done' },
        { name: 'Shipped', category: 'done' },
      ],
    });
    const issue = readyIssue(s.fake, 'ENG');

    await s.provider.markDone?.(ref(issue));
    expect(s.fake.issue(issue.key)?.statusId).toBe(s.fake.data.projects[0]?.statuses[2]?.id);
    const before = s.fake.requests.length;
    await s.provider.markDone?.(ref(issue));
    expect(s.fake.requests.slice(before).map((r) => r.method)).toEqual(['GET']);
  });
});
