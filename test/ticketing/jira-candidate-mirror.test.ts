import { describe, expect, it } from 'vitest';
import type { Mapping } from '../../src/domain/mapping.ts';
import { createJiraProvider } from '../../src/ticketing/jira/jira-provider.ts';
import { failure, jiraMappingWith, jiraPerTest, type JiraSetup } from '../fakes/jira/jira-test-setup.ts';

const start = jiraPerTest();

const searches = (s: JiraSetup, from = 0) =>
  s.fake.requests.slice(from).filter((r) => r.path === '/rest/api/3/search/jql');
const jqlOf = (request: { body: unknown }) => (request.body as { jql: string }).jql;
const identifiers = (tickets: { identifier: string; teamKey: string }[]) =>
  tickets.map((t) => `${t.identifier}@${t.teamKey}`).sort();
const MINUTE = 60_000;

/** 30 project mappings P00…P29, two Ready issues each plus one at Planning; a clock the test moves. */
async function thirty(options: { resyncPolls?: number } = {}) {
  const clock = { now: 0 };
  const s = await start(
    { repoOptions: ['jira-repo', 'other-repo'] },
    { candidateMirror: { ...options, now: () => clock.now } },
  );
  const mappings: Mapping[] = [];
  for (let i = 0; i < 30; i += 1) {
    const key = `P${String(i).padStart(2, '0')}`;
    s.fake.addProject({ key });
    for (const status of ['Ready', 'Ready', 'Planning'])
      s.fake.addIssue({
        project: key,
        fields: { 'AI-Implement Status': status, 'AI-Implement Repo': 'jira-repo' },
      });
    mappings.push(jiraMappingWith(key));
  }
  // Seeded an hour ago: the deltas see only what the test changes.
  for (const issue of s.fake.data.issues) issue.updated = '2026-01-01T00:00:00.000+0000';
  return { s, mappings, clock };
}

/** What a fresh provider (no mirror yet: everything read in full) answers now. */
async function truth(s: JiraSetup, mappings: Mapping[]) {
  const provider = createJiraProvider({ config: s.fake.config(), onSchemaMismatch: 'throw' });
  return identifiers(await provider.fetchCandidates(mappings));
}

describe('jira candidate mirror: delta polling of the single-project mappings', () => {
  it('after the first poll, reads 30 mappings with one delta search and the slice search', async () => {
    const { s, mappings, clock } = await thirty();
    const first = await s.provider.fetchCandidates(mappings);
    expect(searches(s)).toHaveLength(1);
    expect(first).toHaveLength(60);

    clock.now += 10_000;
    const before = s.fake.requests.length;
    const second = await s.provider.fetchCandidates(mappings);
    const made = searches(s, before).map(jqlOf);
    expect(made).toHaveLength(2);
    expect(made[0]).toMatch(
      /^\(project in \("P\d\d", .*\) OR cf\[10500\] is not EMPTY\) AND updated >= "-3m" ORDER BY key ASC$/,
    );
    expect(made[0]?.match(/"P\d\d"/g)).toHaveLength(28);
    expect(made[1]).toMatch(/^project in \("P00", "P01"\) AND cf\[10500\] = "Ready" AND /);
    expect(second).toEqual(first);
    expect(identifiers(second)).toEqual(await truth(s, mappings));
  });

  it('keeps an unchanged candidate as the same object poll after poll, and maps a changed one anew', async () => {
    const { s, mappings, clock } = await thirty();
    const byKey = <T extends { identifier: string }>(tickets: T[]) =>
      new Map(tickets.map((t) => [t.identifier, t]));
    const first = byKey(await s.provider.fetchCandidates(mappings));
    // Renamed without an `updated` stamp (as a status or project rename leaves the issue's own):
    // no delta shows it, the full read of its mapping (P03, in the second slice) does.
    const renamed = s.fake.data.issues.find((issue) => issue.projectKey === 'P03');
    if (renamed) renamed.summary = 'Renamed quietly';
    const polls = [];
    for (let poll = 0; poll < 2; poll += 1) {
      clock.now += 10_000;
      polls.push(byKey(await s.provider.fetchCandidates(mappings)));
    }
    const [second, third] = polls;
    // P00 and P01 were read in full in the second poll and came back unchanged: same objects.
    for (const [key, ticket] of first) expect(second?.get(key)).toBe(ticket);
    for (const [key, ticket] of first) {
      if (key === renamed?.key) continue;
      expect(third?.get(key)).toBe(ticket);
    }
    expect(third?.get(renamed?.key ?? '')?.title).toBe('Renamed quietly');
    expect(third?.size).toBe(first.size);
  });

  it('sees a ticket set Ready, set to another value, closed, moved to another repo value, created', async () => {
    const { s, mappings, clock } = await thirty({ resyncPolls: 1_000 });
    await s.provider.fetchCandidates(mappings);
    const of = (project: string) => s.fake.data.issues.filter((issue) => issue.projectKey === project);
    const [ready, other, closed, moved] = [
      of('P10')[2]?.key ?? '',
      of('P11')[0]?.key ?? '',
      of('P12')[0]?.key ?? '',
      of('P13')[0]?.key ?? '',
    ];
    s.fake.advanceClock(MINUTE);
    s.fake.setField(ready, 'AI-Implement Status', 'Ready');
    s.fake.setField(other, 'AI-Implement Status', 'Planning');
    s.fake.setStatus(closed, 'Done');
    s.fake.setField(moved, 'AI-Implement Repo', 'other-repo');
    // Moved to another project (Jira keeps the status value): leaves P15's mirror, joins P16's.
    const movedProject = of('P15')[0];
    if (movedProject) movedProject.projectKey = 'P16';
    s.fake.setStatus(movedProject?.key ?? '', 'To Do');
    const created = s.fake.addIssue({
      project: 'P14',
      fields: { 'AI-Implement Status': 'Ready', 'AI-Implement Repo': 'jira-repo' },
    });
    clock.now += 90_000;

    const before = s.fake.requests.length;
    const tickets = identifiers(await s.provider.fetchCandidates(mappings));
    const made = searches(s, before);
    // The changes' stamps, the candidate fields of the six changed, the rolling slice in full.
    expect(made.map(jqlOf)).toHaveLength(3);
    expect(jqlOf(made[0] ?? { body: {} })).toContain('updated >= "-4m"');
    expect((made[0]?.body as { fields: string[] }).fields).toEqual(['updated']);
    expect(jqlOf(made[1] ?? { body: {} })).toMatch(/^id in \((\d+, ){5}\d+\) ORDER BY key ASC$/);
    expect(jqlOf(made[2] ?? { body: {} })).not.toMatch(/P1[0-6]/);
    expect(tickets).toContain(`${ready}@P10`);
    expect(tickets).not.toContain(`${other}@P11`);
    expect(tickets).not.toContain(`${closed}@P12`);
    expect(tickets).not.toContain(`${moved}@P13`);
    expect(tickets).toContain(`${created.key}@P14`);
    expect(tickets).toContain(`${movedProject?.key}@P16`);
    expect(tickets).not.toContain(`${movedProject?.key}@P15`);
    expect(tickets).toEqual(await truth(s, mappings));
  });

  it('reads a changed issue once while its change stays in the delta window, and again when it changes', async () => {
    const { s, mappings, clock } = await thirty({ resyncPolls: 1_000 });
    await s.provider.fetchCandidates(mappings);
    const issue = s.fake.data.issues.find((candidate) => candidate.projectKey === 'P07');
    s.fake.setField(issue?.key ?? '', 'AI-Implement Status', 'Implementing');
    const idReads: string[][] = [];
    for (let poll = 0; poll < 4; poll += 1) {
      clock.now += 10_000;
      if (poll === 2) s.fake.setField(issue?.key ?? '', 'AI-Implement Status', 'Ready');
      const before = s.fake.requests.length;
      const tickets = identifiers(await s.provider.fetchCandidates(mappings));
      idReads.push(
        searches(s, before)
          .map(jqlOf)
          .filter((jql) => jql.startsWith('id in (')),
      );
      expect(tickets.includes(`${issue?.key ?? ''}@P07`)).toBe(poll >= 2);
      expect(tickets).toEqual(await truth(s, mappings));
    }
    // Every delta of the four polls returns its stamp (changed within the window); its fields
    // are read after each change only.
    expect(idReads.map((jqls) => jqls.length)).toEqual([1, 0, 1, 0]);
    expect(idReads[0]?.[0]).toBe(`id in (${issue?.id ?? ''}) ORDER BY key ASC`);
  });

  it('takes a changed issue from the in-flight states read at the same stamp, not from another read', async () => {
    const { s, mappings, clock } = await thirty({ resyncPolls: 1_000 });
    await s.provider.fetchCandidates(mappings);
    const [inFlight, other] = s.fake.data.issues.filter((issue) => issue.projectKey === 'P08');
    for (const issue of [inFlight, other])
      s.fake.setField(issue?.key ?? '', 'AI-Implement Status', 'Implementing');
    // Reconcile reads the in-flight issue (as it does before each poll); the other it does not know.
    expect((await s.provider.getTicketStates([inFlight?.id ?? ''])).get(inFlight?.id ?? '')?.markers).toEqual(
      ['working'],
    );
    clock.now += 10_000;
    const before = s.fake.requests.length;
    const tickets = identifiers(await s.provider.fetchCandidates(mappings));
    const idReads = searches(s, before)
      .map(jqlOf)
      .filter((jql) => jql.startsWith('id in ('));
    expect(idReads).toEqual([`id in (${other?.id ?? ''}) ORDER BY key ASC`]);
    expect(tickets.some((ticket) => ticket.endsWith('@P08'))).toBe(false);
    expect(tickets).toEqual(await truth(s, mappings));
  });

  it('drops a deleted issue within one round of full reads (no updated stamp shows a deletion)', async () => {
    const { s, mappings, clock } = await thirty();
    await s.provider.fetchCandidates(mappings);
    const gone = s.fake.data.issues.find((issue) => issue.projectKey === 'P20');
    s.fake.deleteIssue(gone?.key ?? '');
    const polls: boolean[] = [];
    for (let poll = 0; poll < 20; poll += 1) {
      clock.now += 10_000;
      polls.push(identifiers(await s.provider.fetchCandidates(mappings)).includes(`${gone?.key ?? ''}@P20`));
    }
    expect(polls[0]).toBe(true);
    expect(polls.at(-1)).toBe(false);
    expect(identifiers(await s.provider.fetchCandidates(mappings))).toEqual(await truth(s, mappings));
  });

  it('reads a new mapping in full at once, and a changed one', async () => {
    const { s, mappings, clock } = await thirty({ resyncPolls: 1_000 });
    await s.provider.fetchCandidates(mappings);
    s.fake.addProject({ key: 'NEW' });
    const fresh = s.fake.addIssue({
      project: 'NEW',
      updated: '2026-01-01T00:00:00Z',
      fields: { 'AI-Implement Status': 'Ready', 'AI-Implement Repo': 'jira-repo' },
    });
    clock.now += 10_000;
    const before = s.fake.requests.length;
    const tickets = identifiers(await s.provider.fetchCandidates([...mappings, jiraMappingWith('NEW')]));
    expect(tickets).toContain(`${fresh.key}@NEW`);
    const made = searches(s, before).map(jqlOf);
    expect(made).toHaveLength(2);
    expect(made[1]).toMatch(/^project in \("P00", "NEW"\)/);
  });

  it('leaves the mirror as it was when a poll fails, and asks from the last good read next time', async () => {
    const { s, mappings, clock } = await thirty({ resyncPolls: 1_000 });
    await s.provider.fetchCandidates(mappings);
    const left = s.fake.data.issues.find((issue) => issue.projectKey === 'P15');
    s.fake.advanceClock(4 * MINUTE);
    s.fake.setField(left?.key ?? '', 'AI-Implement Status', 'Planning');
    clock.now += 5 * MINUTE;
    s.fake.failNext({ status: 503, count: 3, path: '/search/jql' });
    await failure(s.provider.fetchCandidates(mappings));

    clock.now += MINUTE;
    const before = s.fake.requests.length;
    const tickets = identifiers(await s.provider.fetchCandidates(mappings));
    expect(jqlOf(searches(s, before)[0] ?? { body: {} })).toContain('updated >= "-8m"');
    expect(tickets).not.toContain(`${left?.key ?? ''}@P15`);
    expect(tickets).toEqual(await truth(s, mappings));
  });

  it('keeps a full search every poll for a mapping with its own JQL', async () => {
    const { s, mappings, clock } = await thirty();
    s.fake.addProject({ key: 'OWN' });
    s.fake.addIssue({
      project: 'OWN',
      labels: ['ai'],
      fields: { 'AI-Implement Status': 'Ready', 'AI-Implement Repo': 'jira-repo' },
    });
    const own = jiraMappingWith('OWN', { jql: 'project = OWN AND labels = ai' });
    for (let poll = 0; poll < 3; poll += 1) {
      clock.now += 10_000;
      const before = s.fake.requests.length;
      const tickets = identifiers(await s.provider.fetchCandidates([...mappings, own]));
      expect(tickets).toContain('OWN-1@OWN');
      const made = searches(s, before).map(jqlOf);
      expect(made.filter((jql) => jql.startsWith('(project = OWN AND labels = ai) AND'))).toHaveLength(1);
      // The first delta also returns OWN-1 (created a moment ago, with a status value): its
      // candidate fields are read once (`id in`); the next poll's stamp shows it applied already.
      expect(made).toHaveLength([2, 4, 3][poll] ?? 0);
    }
  });
});
