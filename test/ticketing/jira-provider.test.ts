import { describe, expect, it } from 'vitest';
import {
  failure,
  jiraMappingWith,
  readyIssue,
  jiraPerTest,
  type JiraSetup,
} from '../fakes/jira/jira-test-setup.ts';

const start = jiraPerTest();

const searches = (s: JiraSetup) => s.fake.requests.filter((r) => r.path === '/rest/api/3/search/jql');
const jqlOf = (request: { body: unknown }) => (request.body as { jql: string }).jql;

describe('jira provider: discovery of the AI-Implement fields', () => {
  it('finds both fields by name, searches by their cf[] clauses and reads the field list once', async () => {
    const s = await start();
    s.fake.addProject({ key: 'ENG' });
    readyIssue(s.fake, 'ENG');
    readyIssue(s.fake, 'ENG', 'Planning');

    expect((await s.provider.fetchCandidates([jiraMappingWith('ENG')])).map((t) => t.identifier)).toEqual([
      'ENG-1',
    ]);
    await s.provider.fetchCandidates([jiraMappingWith('ENG')]);

    expect(s.fake.requests.filter((r) => r.path === '/rest/api/3/field')).toHaveLength(1);
    expect(jqlOf(searches(s)[0] ?? { body: {} })).toBe(
      '(project = ENG) AND cf[10500] = "Ready" AND cf[10501] = "jira-repo" AND statusCategory != Done ORDER BY created ASC, key ASC',
    );
  });

  it('names the override that settles an ambiguous field name, and spares mappings that set it', async () => {
    const s = await start();
    s.fake.addProject({ key: 'ENG' });
    s.fake.addProject({ key: 'WEB' });
    const duplicate = s.fake.addField({ name: 'AI-Implement Status', options: ['Ready'] });
    readyIssue(s.fake, 'ENG');
    readyIssue(s.fake, 'WEB');

    const error = await failure(s.provider.fetchCandidates([jiraMappingWith('ENG')]));
    expect(error.category).toBe('invalid');
    expect(error.message).toContain(
      '2 custom fields named "AI-Implement Status" (customfield_10500, customfield_10502)',
    );
    expect(error.message).toContain('ticketingConfig.statusFieldOverride');
    expect(duplicate.id).toBe('customfield_10502');

    const fixed = jiraMappingWith('WEB', { statusFieldOverride: 'customfield_10500' });
    const tickets = await s.provider.fetchCandidates([jiraMappingWith('ENG'), fixed]);
    expect(tickets.map((t) => [t.identifier, t.teamKey])).toEqual([['WEB-1', 'WEB']]);
    expect(s.provider.lastFetchFailures().map((f) => f.teamKey)).toEqual(['ENG']);
    expect(
      s.warnings.some(
        (w) => w.fields.mapping === 'ENG' && String(w.fields.err).includes('statusFieldOverride'),
      ),
    ).toBe(true);
  });

  it('says when a field is missing and names repoFieldOverride for the repo field', async () => {
    const s = await start({ aiFields: false });
    s.fake.addProject({ key: 'ENG' });
    s.fake.addField({ name: 'AI-Implement Status', options: ['Ready'] });

    const error = await failure(s.provider.fetchCandidates([jiraMappingWith('ENG')]));
    expect(error.message).toContain('no custom field named "AI-Implement Repo"');
    expect(error.message).toContain('ticketingConfig.repoFieldOverride');
    expect(error.message).not.toContain('statusFieldOverride');
  });

  it('uses the override ids when set, without reading the field list', async () => {
    const s = await start({ aiFields: false });
    s.fake.addProject({ key: 'ENG' });
    const status = s.fake.addField({ name: 'Robot state', options: ['Ready', 'Planning'] });
    const repo = s.fake.addField({ name: 'Robot repo', options: ['jira-repo'] });
    s.fake.addIssue({ project: 'ENG', fields: { [status.id]: 'Ready', [repo.id]: 'jira-repo' } });
    const mapping = jiraMappingWith('ENG', { statusFieldOverride: status.id, repoFieldOverride: repo.id });

    const [ticket] = await s.provider.fetchCandidates([mapping]);
    expect(ticket?.markers).toEqual(['ready']);
    expect(s.fake.requests.some((r) => r.path === '/rest/api/3/field')).toBe(false);
    expect(jqlOf(searches(s)[0] ?? { body: {} })).toContain(`cf[${status.id.slice(12)}] = "Ready"`);

    await s.provider.setMarker({ id: ticket?.id ?? '', identifier: 'ENG-1', teamKey: 'ENG' }, 'planning');
    expect(s.fake.fieldValue('ENG-1', status.id)).toBe('Planning');
  });
});

describe('jira provider: searching', () => {
  it('follows nextPageToken across pages', async () => {
    const s = await start({ maxPageSize: 2 });
    s.fake.addProject({ key: 'ENG' });
    for (let i = 0; i < 5; i += 1) readyIssue(s.fake, 'ENG');

    const tickets = await s.provider.fetchCandidates([jiraMappingWith('ENG')]);

    expect(tickets.map((t) => t.identifier)).toEqual(['ENG-1', 'ENG-2', 'ENG-3', 'ENG-4', 'ENG-5']);
    const pages = searches(s);
    expect(pages).toHaveLength(3);
    expect(pages.map((r) => (r.body as { nextPageToken?: string }).nextPageToken === undefined)).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('drops the mapping JQL’s ORDER BY so the clauses combine', async () => {
    const s = await start();
    s.fake.addProject({ key: 'ENG' });
    readyIssue(s.fake, 'ENG');

    const mapping = jiraMappingWith('ENG', { jql: 'project = "ENG" ORDER BY priority DESC' });
    expect(await s.provider.fetchCandidates([mapping])).toHaveLength(1);
    expect(jqlOf(searches(s)[0] ?? { body: {} })).toMatch(/^\(project = "ENG"\) AND /);
  });

  it('passes on the error Jira gives for a bad JQL', async () => {
    const s = await start();
    s.fake.addProject({ key: 'ENG' });

    const error = await failure(
      s.provider.fetchCandidates([jiraMappingWith('ENG', { jql: 'project = ENG AND' })]),
    );

    expect(error.category).toBe('invalid');
    expect(error.message).toContain('Jira mapping ENG (searching with its JQL "project = ENG AND")');
    expect(error.message).toContain("HTTP 400: Error in the JQL Query: Expecting a field name but got ')'");
  });

  it('keeps going when one mapping’s project is forbidden (403) or unknown (400)', async () => {
    const s = await start();
    for (const key of ['ENG', 'SEC', 'OLD']) s.fake.addProject({ key });
    readyIssue(s.fake, 'ENG');
    readyIssue(s.fake, 'SEC');
    s.fake.forbidProject('SEC');

    const tickets = await s.provider.fetchCandidates([
      jiraMappingWith('SEC'),
      jiraMappingWith('ENG'),
      jiraMappingWith('NOPE', { jql: 'project = NOPE' }),
    ]);

    expect(tickets.map((t) => t.identifier)).toEqual(['ENG-1']);
    const failures = s.provider.lastFetchFailures();
    expect(failures.map((f) => [f.teamKey, f.error.category])).toEqual([
      ['SEC', 'auth'],
      ['NOPE', 'invalid'],
    ]);
    expect(failures[0]?.error.message).toContain('lacks a permission');
    expect(failures[1]?.error.message).toContain("The value 'NOPE' does not exist for the field 'project'.");
  });

  it('throws when every mapping fails', async () => {
    const s = await start();
    s.fake.addProject({ key: 'SEC' });
    s.fake.forbidProject('SEC');

    const error = await failure(
      s.provider.fetchCandidates([jiraMappingWith('SEC'), jiraMappingWith('GONE')]),
    );
    expect(error.message).toMatch(/^Every Jira mapping failed: Jira mapping SEC .* \| Jira mapping GONE /);
  });

  it('reports an issue two mappings match once, for the first', async () => {
    const s = await start();
    s.fake.addProject({ key: 'ENG' });
    readyIssue(s.fake, 'ENG');

    const tickets = await s.provider.fetchCandidates([
      jiraMappingWith('A', { jql: 'project = ENG' }),
      jiraMappingWith('B', { jql: 'project = ENG' }),
    ]);

    expect(tickets.map((t) => t.teamKey)).toEqual(['A']);
    expect(s.warnings.some((w) => w.message.includes('matches two mappings'))).toBe(true);
  });
});
