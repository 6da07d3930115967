import { describe, expect, it } from 'vitest';
import { listJiraFieldOptions, listJiraFields, validateJql } from '../../src/ticketing/jira/jira-admin.ts';
import { createJiraProvider } from '../../src/ticketing/jira/jira-provider.ts';
import { checkJiraMapping } from '../../src/ticketing/jira/mapping-check.ts';
import { listJiraProjects } from '../../src/ticketing/jira/jira-projects.ts';
import { checkMappingWithTracker } from '../../src/mapping-checks.ts';
import { jiraRoutes } from '../../src/http/api/jira-routes.ts';
import { failure, jiraMappingWith, readyIssue, jiraPerTest } from '../fakes/jira/jira-test-setup.ts';

const start = jiraPerTest();

const configOf = (mapping: ReturnType<typeof jiraMappingWith>) => {
  if (mapping.ticketingConfig.kind !== 'jira') throw new Error('not a Jira mapping');
  return mapping.ticketingConfig;
};

describe('validateJql (POST /api/jira/validate-jql)', () => {
  it('counts the issues a valid JQL matches', async () => {
    const s = await start();
    s.fake.addProject({ key: 'ENG' });
    readyIssue(s.fake, 'ENG');
    readyIssue(s.fake, 'ENG', null);

    expect(await validateJql(s.provider.connection, 'project = ENG ORDER BY created DESC')).toEqual({
      valid: true,
      count: 2,
    });
    expect(
      await validateJql(s.provider.connection, 'project = ENG AND "AI-Implement Status" = Ready'),
    ).toEqual({ valid: true, count: 1 });
  });

  it('gives Jira’s own words for an invalid or unbounded JQL', async () => {
    const s = await start();
    s.fake.addProject({ key: 'ENG' });

    expect(await validateJql(s.provider.connection, 'project = ENG AND colour = red')).toEqual({
      valid: false,
      errors: ["Field 'colour' does not exist or you do not have permission to view it."],
    });
    expect(await validateJql(s.provider.connection, 'project = ')).toEqual({
      valid: false,
      errors: [
        "Error in the JQL Query: Expecting either a value, list or function but got 'EOF'. (line 1, character 11)",
      ],
    });
    expect(await validateJql(s.provider.connection, 'ORDER BY key')).toMatchObject({
      valid: false,
      errors: [expect.stringContaining('Unbounded JQL')],
    });
    expect(await validateJql(s.provider.connection, '  ')).toMatchObject({ valid: false });
  });

  it('throws for what is not the JQL’s fault (credentials)', async () => {
    const s = await start();
    const provider = createJiraProvider({
      config: s.fake.config({ token: 'bad' }),
      onSchemaMismatch: 'throw',
    });
    expect((await failure(validateJql(provider.connection, 'project = ENG'))).category).toBe('auth');
  });
});

describe('listJiraFields (GET /api/jira/fields)', () => {
  it('lists the custom fields by name with what discovery by name finds', async () => {
    const s = await start();
    s.fake.addField({ name: 'AI-Implement Repo', kind: 'text' });
    s.fake.addField({ name: 'Area', options: ['Web'] });

    const view = await listJiraFields(s.provider.connection);

    expect(view.fields.map((f) => [f.name, f.id, f.clause])).toEqual([
      ['AI-Implement Repo', 'customfield_10501', 'cf[10501]'],
      ['AI-Implement Repo', 'customfield_10502', 'cf[10502]'],
      ['AI-Implement Status', 'customfield_10500', 'cf[10500]'],
      ['Area', 'customfield_10503', 'cf[10503]'],
    ]);
    expect(view.fields[1]?.type).toBe('com.atlassian.jira.plugin.system.customfieldtypes:textfield');
    expect(view.status).toEqual({ fieldId: 'customfield_10500' });
    expect(view.repo).toEqual({ problem: expect.stringContaining('ticketingConfig.repoFieldOverride') });
  });
});

describe('listJiraFieldOptions (GET /api/jira/field-options)', () => {
  it('lists a select field’s options per context and its enabled values', async () => {
    const s = await start({ repoOptions: ['acme/api', 'acme/web'] });
    const options = await listJiraFieldOptions(s.provider.connection, s.fake.repoField?.id ?? '');

    expect(options.values).toEqual(['acme/api', 'acme/web']);
    expect(options.contexts).toEqual([
      expect.objectContaining({
        isGlobalContext: true,
        options: [
          expect.objectContaining({ value: 'acme/api', disabled: false }),
          expect.objectContaining({ value: 'acme/web' }),
        ],
      }),
    ]);
  });

  it('refuses a malformed field id without calling Jira, and reports an unknown one as not_found', async () => {
    const s = await start();
    expect((await failure(listJiraFieldOptions(s.provider.connection, '../myself'))).category).toBe(
      'invalid',
    );
    expect(s.fake.requests).toHaveLength(0);
    expect((await failure(listJiraFieldOptions(s.provider.connection, 'customfield_99999'))).category).toBe(
      'not_found',
    );
  });
});

describe('checkJiraMapping (start-up and the mapping API)', () => {
  it('accepts a complete setup and says which fields it uses', async () => {
    const s = await start();
    s.fake.addProject({ key: 'ENG' });
    expect(await checkJiraMapping(s.provider.connection, configOf(jiraMappingWith('ENG')))).toEqual({
      ok: true,
      problems: [],
      fields: { statusFieldId: 'customfield_10500', repoFieldId: 'customfield_10501' },
    });
  });

  it('lists every problem, each with what to change', async () => {
    const s = await start({ aiFields: false });
    s.fake.addField({ name: 'AI-Implement Status', options: ['Ready', 'Planning'] });
    s.fake.addField({ name: 'AI-Implement Status', options: ['Ready'] });
    s.fake.addField({ name: 'AI-Implement Repo', options: ['acme/api'] });

    const check = await checkJiraMapping(
      s.provider.connection,
      configOf(jiraMappingWith('ENG', { jql: 'project = ENG' })),
    );

    expect(check.ok).toBe(false);
    expect(check.problems).toEqual([
      expect.stringContaining('set ticketingConfig.statusFieldOverride'),
      'repoFieldValue "jira-repo" is not an option of AI-Implement Repo (customfield_10502): add it to the field in Jira or correct the mapping.',
      `The mapping's JQL is invalid: The value 'ENG' does not exist for the field 'project'. — this Jira account sees no projects`,
    ]);

    s.fake.addProject({ key: 'ENG' });
    const fixed = await checkJiraMapping(
      s.provider.connection,
      configOf(
        jiraMappingWith('ENG', {
          jql: 'project = ENG',
          statusFieldOverride: 'customfield_10500',
          repoFieldValue: 'acme/api',
        }),
      ),
    );
    expect(fixed.problems).toEqual([
      expect.stringContaining('lacks the option(s) "Plan Approved", "Implementing", "PR Ready"'),
    ]);
  });

  it('reads the options once for mappings saved in a row, and again for a value it does not have', async () => {
    const s = await start({ repoOptions: ['jira-repo', 'acme/api'] });
    for (const key of ['ENG', 'OPS', 'WEB']) s.fake.addProject({ key });
    const optionReads = () =>
      s.fake.requests.filter((r) => /\/field\/customfield_\d+\/context/.test(r.path)).length;
    for (const key of ['ENG', 'OPS'])
      expect((await checkJiraMapping(s.provider.connection, configOf(jiraMappingWith(key)))).ok).toBe(true);
    const afterTwo = optionReads();
    const config = configOf(jiraMappingWith('WEB', { repoFieldValue: 'acme/api' }));
    expect((await checkJiraMapping(s.provider.connection, config)).ok).toBe(true);
    expect(optionReads()).toBe(afterTwo);

    // An option added in Jira a moment ago: the kept read lacks it, so it is read again.
    const repo = s.fake.data.fields.find((field) => field.name === 'AI-Implement Repo');
    repo?.options.push({ id: '99999', value: 'acme/new', disabled: false });
    const added = configOf(jiraMappingWith('WEB', { repoFieldValue: 'acme/new' }));
    expect((await checkJiraMapping(s.provider.connection, added)).ok).toBe(true);
    expect(optionReads()).toBeGreaterThan(afterTwo);
  });

  it('flags an override naming no field, and a field of the wrong type', async () => {
    const s = await start({ aiFields: false });
    s.fake.addProject({ key: 'ENG' });
    s.fake.addField({ name: 'AI-Implement Repo', kind: 'text' });

    const check = await checkJiraMapping(
      s.provider.connection,
      configOf(jiraMappingWith('ENG', { statusFieldOverride: 'customfield_77777' })),
    );
    expect(check.problems).toEqual([
      'statusFieldOverride customfield_77777 names no field the JIRA_TOKEN account can see: check the id in Jira.',
      expect.stringMatching(
        /^AI-Implement Repo \(customfield_10500, "AI-Implement Repo"\) is a .*textfield field; it must be a single-select list/,
      ),
    ]);
  });
});

describe("Jira projects (the stepper's project picker and check)", () => {
  it('lists the projects the account may browse, every page, by key', async () => {
    const s = await start();
    for (let i = 0; i < 60; i += 1)
      s.fake.addProject({ key: `P${String(i).padStart(2, '0')}`, name: `Project ${i}` });
    s.fake.addProject({ key: 'SEC', name: 'Security' });
    s.fake.forbidProject('SEC');

    const projects = await listJiraProjects(s.provider.connection);

    expect(projects).toHaveLength(60);
    expect(projects[0]).toEqual({ key: 'P00', name: 'Project 0' });
    expect(projects.map((p) => p.key)).not.toContain('SEC');
  });

  it('answers GET /api/jira/projects for the picker', async () => {
    const s = await start();
    s.fake.addProject({ key: 'ENG', name: 'Engineering' });

    const response = await jiraRoutes(s.provider).request('/api/jira/projects');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ projects: [{ key: 'ENG', name: 'Engineering' }] });
  });

  it('refuses a JQL naming a project Jira does not have on the JQL field, with the projects it has', async () => {
    const s = await start();
    s.fake.addProject({ key: 'ENG', name: 'Engineering' });
    s.fake.addProject({ key: 'OPS', name: 'Operations' });
    const logger = { warn: () => undefined } as unknown as Parameters<typeof checkMappingWithTracker>[2];

    const refused = await checkMappingWithTracker(
      s.provider,
      jiraMappingWith('NOPE', { jql: 'project = NOPE' }),
      logger,
    );

    expect(refused).toEqual([
      {
        field: 'ticketingConfig.jql',
        message:
          "The mapping's JQL is invalid: The value 'NOPE' does not exist for the field 'project'. — " +
          'projects this Jira account can see: ENG (Engineering), OPS (Operations)',
      },
    ]);
    expect(
      await checkMappingWithTracker(s.provider, jiraMappingWith('ENG', { jql: 'project = ENG' }), logger),
    ).toEqual([]);
  });

  it('names the missing AI-Implement Status field on the mapping', async () => {
    const s = await start({ aiFields: false });
    s.fake.addProject({ key: 'ENG' });
    s.fake.addField({ name: 'AI-Implement Repo', options: ['jira-repo'] });
    const logger = { warn: () => undefined } as unknown as Parameters<typeof checkMappingWithTracker>[2];

    const refused = await checkMappingWithTracker(
      s.provider,
      jiraMappingWith('ENG', { jql: 'project = ENG' }),
      logger,
    );

    expect(refused).toEqual([
      { field: 'ticketingConfig', message: expect.stringContaining('AI-Implement Status') },
    ]);
  });
});
