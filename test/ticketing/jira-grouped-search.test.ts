import { describe, expect, it } from 'vitest';
import type { Mapping } from '../../src/domain/mapping.ts';
import { singleProjectOf } from '../../src/ticketing/jira/jql.ts';
import { failure, jiraMappingWith, jiraPerTest, type JiraSetup } from '../fakes/jira/jira-test-setup.ts';

const start = jiraPerTest();

const searches = (s: JiraSetup) => s.fake.requests.filter((r) => r.path === '/rest/api/3/search/jql');
const jqlOf = (request: { body: unknown }) => (request.body as { jql: string }).jql;
const REPOS = ['repo-a', 'repo-b', 'repo-c'];

function issue(s: JiraSetup, project: string, repo: string | null, status: string | null = 'Ready') {
  return s.fake.addIssue({ project, fields: { 'AI-Implement Status': status, 'AI-Implement Repo': repo } });
}

const summary = (tickets: { identifier: string; teamKey: string }[]) =>
  tickets.map((t) => `${t.identifier}@${t.teamKey}`);

describe('jira candidates: single-project mappings share a search', () => {
  it('reads 30 project mappings in one search a poll, with what per-mapping searches return', async () => {
    const s = await start({ repoOptions: REPOS });
    const mappings: Mapping[] = [];
    for (let i = 0; i < 30; i += 1) {
      const key = `P${String(i).padStart(2, '0')}`;
      const repo = REPOS[i % 3] ?? 'repo-a';
      s.fake.addProject({ key });
      // The mapping's issues, one not Ready, one Done, one with another mapping's repo value, one without.
      issue(s, key, repo);
      issue(s, key, repo);
      issue(s, key, repo, 'Planning');
      s.fake.setStatus(issue(s, key, repo).key, 'Done', 'Done');
      issue(s, key, REPOS[(i + 1) % 3] ?? 'repo-a');
      issue(s, key, null);
      const jql = [`project = ${key}`, `project = "${key}"`, `PROJECT IN ( ${key} )`][i % 3] ?? '';
      mappings.push(jiraMappingWith(`T${i}`, { jql, repoFieldValue: repo }));
    }

    const grouped = await s.provider.fetchCandidates(mappings);
    expect(searches(s)).toHaveLength(1);
    const [search] = searches(s);
    expect(jqlOf(search ?? { body: {} })).toMatch(
      /^project in \("P00", "P01", .*"P29"\) AND cf\[10500\] = "Ready" AND cf\[10501\] in \("repo-a", "repo-b", "repo-c"\) AND statusCategory != Done ORDER BY created ASC, key ASC$/,
    );
    expect((search?.body as { fields: string[] }).fields).toEqual(
      expect.arrayContaining(['customfield_10500', 'customfield_10501', 'project']),
    );

    const perMapping = [];
    for (const mapping of mappings) perMapping.push(...(await s.provider.fetchCandidates([mapping])));
    expect(searches(s)).toHaveLength(31);
    expect(summary(grouped)).toEqual(summary(perMapping));
    expect(grouped).toEqual(perMapping);
    expect(grouped).toHaveLength(60);
    expect(grouped.every((t) => t.markers.includes('ready'))).toBe(true);

    await s.provider.fetchCandidates(mappings);
    expect(searches(s)).toHaveLength(32);
    expect(s.provider.lastFetchFailures()).toEqual([]);
  });

  it('chunks 100 mappings a search and groups by the status and repo fields', async () => {
    const s = await start();
    const mappings = Array.from({ length: 101 }, (_, i) => {
      s.fake.addProject({ key: `K${i}` });
      return jiraMappingWith(`K${i}`);
    });
    const other = s.fake.addField({ name: 'Other repo', options: ['jira-repo'] });
    s.fake.addProject({ key: 'OVR' });
    s.fake.addProject({ key: 'OVS' });
    const overridden = ['OVR', 'OVS'].map((key) => jiraMappingWith(key, { repoFieldOverride: other.id }));
    s.fake.addIssue({
      project: 'OVR',
      fields: { 'AI-Implement Status': 'Ready', [other.id]: 'jira-repo' },
    });

    const tickets = await s.provider.fetchCandidates([...mappings, ...overridden]);
    expect(summary(tickets)).toEqual(['OVR-1@OVR']);
    const jqls = searches(s).map(jqlOf);
    expect(jqls).toHaveLength(3);
    expect(jqls[0]).toContain('"K99")');
    expect(jqls[1]).toMatch(/^\(project = K100\) AND /);
    expect(jqls[2]).toContain(
      `project in ("OVR", "OVS") AND cf[10500] = "Ready" AND cf[${other.id.slice(12)}] in`,
    );
  });

  it('gives a mapping with another scope a search of its own', async () => {
    const s = await start({ repoOptions: REPOS });
    for (const key of ['ENG', 'WEB', 'OPS']) s.fake.addProject({ key });
    issue(s, 'ENG', 'repo-a');
    const labelled = s.fake.addIssue({
      project: 'OPS',
      labels: ['ai'],
      fields: { 'AI-Implement Status': 'Ready', 'AI-Implement Repo': 'repo-c' },
    });
    issue(s, 'OPS', 'repo-c');
    issue(s, 'WEB', 'repo-b');

    const tickets = await s.provider.fetchCandidates([
      jiraMappingWith('ENG', { repoFieldValue: 'repo-a' }),
      jiraMappingWith('OPS', { jql: 'project = OPS AND labels = ai', repoFieldValue: 'repo-c' }),
      jiraMappingWith('WEB', { repoFieldValue: 'repo-b' }),
    ]);

    expect(summary(tickets)).toEqual(['ENG-1@ENG', `${labelled.key}@OPS`, 'WEB-1@WEB']);
    expect(searches(s).map(jqlOf)).toEqual([
      'project in ("ENG", "WEB") AND cf[10500] = "Ready" AND cf[10501] in ("repo-a", "repo-b") AND statusCategory != Done ORDER BY created ASC, key ASC',
      '(project = OPS AND labels = ai) AND cf[10500] = "Ready" AND cf[10501] = "repo-c" AND statusCategory != Done ORDER BY created ASC, key ASC',
    ]);
  });

  it('assigns each issue by its project and repo value: to that mapping or to none', async () => {
    const s = await start({ repoOptions: REPOS });
    s.fake.addProject({ key: 'AAA' });
    s.fake.addProject({ key: 'BBB' });
    const aA = issue(s, 'AAA', 'repo-a');
    const aB = issue(s, 'AAA', 'repo-b');
    const aC = issue(s, 'AAA', 'repo-c'); // repo-c is BBB's value: in the search's cross product, no mapping's pair
    const bC = issue(s, 'BBB', 'repo-c');
    const bA = issue(s, 'BBB', 'repo-a'); // likewise

    const tickets = await s.provider.fetchCandidates([
      jiraMappingWith('AAA-A', { jql: 'project = AAA', repoFieldValue: 'repo-a' }),
      jiraMappingWith('BBB', { jql: 'project = bbb', repoFieldValue: 'REPO-C' }),
      jiraMappingWith('AAA-B', { jql: 'project = AAA', repoFieldValue: 'repo-b' }),
    ]);

    expect(searches(s)).toHaveLength(1);
    expect(summary(tickets)).toEqual([`${aA.key}@AAA-A`, `${bC.key}@BBB`, `${aB.key}@AAA-B`]);
    expect(tickets.map((t) => t.identifier)).not.toContain(aC.key);
    expect(tickets.map((t) => t.identifier)).not.toContain(bA.key);
    expect(s.warnings.some((w) => w.message.includes('matches two mappings'))).toBe(false);
  });

  it('keeps "first mapping wins" for two mappings of the same project and repo value', async () => {
    const s = await start();
    s.fake.addProject({ key: 'ENG' });
    issue(s, 'ENG', 'jira-repo');

    const tickets = await s.provider.fetchCandidates([
      jiraMappingWith('A', { jql: 'project = ENG' }),
      jiraMappingWith('B', { jql: 'project in (ENG)' }),
    ]);

    expect(searches(s).map(jqlOf)[0]).toMatch(/^project in \("ENG"\) AND /);
    expect(summary(tickets)).toEqual(['ENG-1@A']);
    expect(s.warnings.some((w) => w.message.includes('matches two mappings'))).toBe(true);
  });

  it('matches a project named in the JQL by its name, as Jira resolves it', async () => {
    const s = await start();
    s.fake.addProject({ key: 'WEB', name: 'Website' });
    s.fake.addProject({ key: 'ENG' });
    issue(s, 'WEB', 'jira-repo');
    issue(s, 'ENG', 'jira-repo');

    const tickets = await s.provider.fetchCandidates([
      jiraMappingWith('SITE', { jql: 'project = Website' }),
      jiraMappingWith('ENG'),
    ]);

    expect(searches(s)).toHaveLength(1);
    expect(summary(tickets)).toEqual(['WEB-1@SITE', 'ENG-1@ENG']);
  });

  it.each([
    ['an unknown or deleted project (400)', 400 as const, 'invalid'],
    ['a forbidden project (403)', 403 as const, 'auth'],
  ])('falls back to one search per mapping this poll for %s', async (_, denial, category) => {
    const s = await start();
    for (const key of ['ENG', 'OLD', 'WEB']) s.fake.addProject({ key });
    issue(s, 'ENG', 'jira-repo');
    issue(s, 'OLD', 'jira-repo');
    issue(s, 'WEB', 'jira-repo');
    s.fake.forbidProject('OLD', denial);
    const mappings = ['ENG', 'OLD', 'WEB'].map((key) => jiraMappingWith(key));

    const tickets = await s.provider.fetchCandidates(mappings);

    expect(summary(tickets)).toEqual(['ENG-1@ENG', 'WEB-1@WEB']);
    expect(s.provider.lastFetchFailures().map((f) => [f.teamKey, f.error.category])).toEqual([
      ['OLD', category],
    ]);
    const jqls = searches(s).map(jqlOf);
    expect(jqls).toHaveLength(4);
    expect(jqls[0]).toMatch(/^project in \("ENG", "OLD", "WEB"\)/);
    expect(jqls.slice(1).map((jql) => jql.slice(0, 16))).toEqual([
      '(project = ENG) ',
      '(project = OLD) ',
      '(project = WEB) ',
    ]);
    expect(s.warnings.some((w) => w.message.includes('grouped search failed'))).toBe(true);

    // This poll only: the next one tries the grouped search first again (OLD, forgotten by the
    // candidate mirror when its read failed, is read in full; the others by a delta search).
    await s.provider.fetchCandidates(mappings);
    const next = searches(s).map(jqlOf).slice(4);
    const fullReads = next.filter((jql) => !jql.includes('updated >= ') && !jql.startsWith('id in ('));
    expect(fullReads[0]).toMatch(/^project in \(.*"OLD"/);
  });

  it('falls back for a mapping naming a project that never existed, and for every such mapping', async () => {
    const s = await start();
    s.fake.addProject({ key: 'ENG' });
    issue(s, 'ENG', 'jira-repo');

    const tickets = await s.provider.fetchCandidates([
      jiraMappingWith('GONE'),
      jiraMappingWith('ENG'),
      jiraMappingWith('NOPE'),
    ]);
    expect(summary(tickets)).toEqual(['ENG-1@ENG']);
    const failures = s.provider.lastFetchFailures();
    expect(failures.map((f) => f.teamKey)).toEqual(['GONE', 'NOPE']);
    expect(failures[1]?.error.message).toContain("The value 'NOPE' does not exist for the field 'project'.");

    const error = await failure(
      s.provider.fetchCandidates([jiraMappingWith('GONE'), jiraMappingWith('NOPE')]),
    );
    expect(error.message).toMatch(/^Every Jira mapping failed: Jira mapping GONE .* \| Jira mapping NOPE /);
  });

  it('stops the poll at once when the grouped search fails for the whole site', async () => {
    const s = await start();
    for (const key of ['ENG', 'WEB']) s.fake.addProject({ key });
    s.fake.failNext({ status: 503, count: 10, path: '/search/jql' });

    const error = await failure(s.provider.fetchCandidates([jiraMappingWith('ENG'), jiraMappingWith('WEB')]));
    expect(error.category).toBe('transient');
    // The grouped search and its retries (2), no fallback to per-mapping searches.
    expect(searches(s)).toHaveLength(3);
  });
});

describe('singleProjectOf', () => {
  it.each([
    ['project = ENG', 'ENG'],
    ['project = "ENG"', 'ENG'],
    ["project='eng'", 'eng'],
    ['  Project   IN   ( ENG )  ', 'ENG'],
    ['project in ("ENG")', 'ENG'],
    ['project = ENG ORDER BY rank DESC', 'ENG'],
    ['project = Website', 'Website'],
  ])('%s → %s', (jql, key) => {
    expect(singleProjectOf(jql)).toBe(key);
  });

  it.each([
    'project = ENG AND labels = ai',
    'project = ENG OR project = WEB',
    'project in (ENG, WEB)',
    'project in projectsWhereUserHasRole("Developers")',
    'project = 10000',
    'project = "New office"',
    'project = EMPTY',
    'project != ENG',
    'projectin (ENG)',
    'labels = ai',
    '(project = ENG)',
  ])('%s → its own search', (jql) => {
    expect(singleProjectOf(jql)).toBeUndefined();
  });
});
