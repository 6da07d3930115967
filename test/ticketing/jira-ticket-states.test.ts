import { describe, expect, it } from 'vitest';
import type { Mapping } from '../../src/domain/mapping.ts';
import { jiraMappingWith, jiraPerTest, readyIssue } from '../fakes/jira/jira-test-setup.ts';

const start = jiraPerTest();

describe('jira getTicketStates: the in-flight states by search', () => {
  it('reads 500 ids: their stamps, then the cheap fields of the new, the changed and a twentieth', async () => {
    const s = await start();
    s.fake.addProject({ key: 'ACME' });
    const issues = Array.from({ length: 500 }, () => readyIssue(s.fake, 'ACME', 'Implementing'));
    const ids = issues.map((issue) => issue.id);
    const read = async () => {
      const before = s.fake.requests.length;
      const states = await s.provider.getTicketStates(ids);
      const made = s.fake.requests.slice(before).filter((r) => r.path !== '/rest/api/3/field');
      expect(made.every((r) => r.path === '/rest/api/3/search/jql')).toBe(true);
      const bodies = made.map((r) => r.body as { jql: string; fields: string[]; maxResults: number });
      return { states, bodies, counts: bodies.map((body) => body.jql.split(',').length) };
    };

    const first = await read();
    expect(first.counts).toEqual([500, 500]);
    expect(first.bodies[0]?.fields).toEqual(['updated']);
    expect(first.bodies[1]?.jql).toMatch(/^id in \(\d+, \d+, .*\d+\) ORDER BY key ASC$/);
    expect(first.bodies[1]?.fields).toContain('status');
    expect(first.bodies[1]?.fields).not.toContain('description');
    expect(first.bodies.map((body) => body.maxResults)).toEqual([1_000, 1_000]);
    expect(first.states.size).toBe(500);
    expect(first.states.get(issues[7]?.id ?? '')?.markers).toEqual(['working']);

    // Outside the first slice (the known ids in order, 25 a call).
    s.fake.setField(issues[300]?.key ?? '', 'AI-Implement Status', 'PR Ready');
    const second = await read();
    // The changed issue and a rolling twentieth (25), so a rename no stamp shows is seen in time.
    expect(second.counts).toEqual([500, 26]);
    expect(second.states.get(issues[300]?.id ?? '')?.markers).toEqual(['readyForReview']);
    expect(second.states.get(issues[8]?.id ?? '')).toBe(first.states.get(issues[8]?.id ?? ''));
    const slices = [second.bodies[1]?.jql ?? ''];
    for (let call = 0; call < 19; call += 1) slices.push((await read()).bodies[1]?.jql ?? '');
    const reread = new Set(slices.flatMap((jql) => jql.match(/\d+/g) ?? []));
    expect(ids.every((id) => reread.has(id))).toBe(true);
  });

  it('leaves out a deleted id (Jira rejects the JQL; that chunk is bulk-fetched) and reads the rest', async () => {
    const s = await start();
    s.fake.addProject({ key: 'ACME' });
    const kept = readyIssue(s.fake, 'ACME');
    const gone = readyIssue(s.fake, 'ACME');
    s.fake.data.issues.splice(s.fake.data.issues.indexOf(gone), 1);
    const before = s.fake.requests.length;

    const states = await s.provider.getTicketStates([kept.id, gone.id]);
    expect([...states.keys()]).toEqual([kept.id]);
    const made = s.fake.requests.slice(before).filter((r) => r.path !== '/rest/api/3/field');
    expect(made.map((r) => `${r.path} ${r.status}`)).toEqual([
      '/rest/api/3/search/jql 400',
      '/rest/api/3/issue/bulkfetch 200',
      '/rest/api/3/search/jql 200',
    ]);
  });

  it('gives an unchanged issue the same state object read after read, and a changed one anew', async () => {
    const s = await start();
    s.fake.addProject({ key: 'ACME' });
    const [same, moved] = [
      readyIssue(s.fake, 'ACME', 'Implementing'),
      readyIssue(s.fake, 'ACME', 'Implementing'),
    ];
    const ids = [same.id, moved.id];
    const first = await s.provider.getTicketStates(ids);
    s.fake.setField(moved.key, 'AI-Implement Status', 'PR Ready');

    const second = await s.provider.getTicketStates(ids);
    expect(second.get(same.id)).toBe(first.get(same.id));
    expect(second.get(moved.id)).not.toBe(first.get(moved.id));
    expect(second.get(moved.id)?.markers).toEqual(['readyForReview']);
  });

  it('reads 1,001 ids in two searches of stamps and two of fields', async () => {
    const s = await start();
    s.fake.addProject({ key: 'ACME' });
    const issues = Array.from({ length: 1_001 }, () => readyIssue(s.fake, 'ACME'));
    const before = s.fake.requests.length;
    const states = await s.provider.getTicketStates(issues.map((issue) => issue.id));
    expect(states.size).toBe(1_001);
    const made = s.fake.requests.slice(before).filter((r) => r.path === '/rest/api/3/search/jql');
    expect(made).toHaveLength(4);
  });

  it("reads each issue's marker from its mapping's status field, the mappings looked up once a batch", async () => {
    const mappings = ['ENG', 'OPS'].map((key) =>
      jiraMappingWith(key, { statusFieldOverride: 'customfield_10502' }),
    );
    const lookups: string[][] = [];
    const lookupMappings = (teamKeys: string[]): Mapping[] => {
      lookups.push([...teamKeys].sort());
      return mappings.filter((mapping) => teamKeys.includes(mapping.teamKey));
    };
    const s = await start({}, { lookupMappings });
    s.fake.addProject({ key: 'ENG' });
    s.fake.addProject({ key: 'OPS' });
    // A second field of the same name: only the mappings' override tells which one is the marker.
    s.fake.addField({ name: 'AI-Implement Status', options: ['Ready', 'Implementing'] });
    const issues = ['ENG', 'OPS'].map((project) => {
      const issue = readyIssue(s.fake, project);
      s.fake.setField(issue.key, 'customfield_10502', 'Ready');
      return issue;
    });
    expect((await s.provider.fetchCandidates(mappings)).map((ticket) => ticket.identifier).sort()).toEqual(
      issues.map((issue) => issue.key),
    );
    for (const issue of issues) s.fake.setField(issue.key, 'customfield_10502', 'Implementing');
    lookups.length = 0;

    const states = await s.provider.getTicketStates(issues.map((issue) => issue.id));
    expect(issues.map((issue) => states.get(issue.id)?.markers)).toEqual([['working'], ['working']]);
    expect(lookups).toEqual([['ENG', 'OPS']]);
  });
});
