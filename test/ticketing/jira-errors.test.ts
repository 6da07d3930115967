import {
  ApiError,
  AuthError,
  ForbiddenError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ScopeError,
  ServerError,
} from 'jira.js/core';
import { afterEach, describe, expect, it } from 'vitest';
import { IntegrationError } from '../../src/domain/errors.ts';
import { fieldRef } from '../../src/ticketing/jira/field-discovery.ts';
import { toIntegrationError } from '../../src/ticketing/jira/jira-errors.ts';
import { candidateJql, quoteJql, withoutOrderBy } from '../../src/ticketing/jira/jql.ts';
import { failure, jiraMappingWith, setupJira, type JiraSetup } from '../fakes/jira/jira-test-setup.ts';

describe('toIntegrationError', () => {
  const jqlError = {
    errorMessages: ["Field 'x' does not exist or you do not have permission to view it."],
    errors: {},
  };

  it('sorts jira.js errors into categories, keeping Jira’s messages', () => {
    const cases: [unknown, string, string][] = [
      [
        new AuthError('401', 'Unauthorized', { code: 401, message: 'Unauthorized' }),
        'auth',
        'Jira rejected the credentials (HTTP 401: Unauthorized)',
      ],
      [
        new ScopeError('401', 'Unauthorized', { message: 'Unauthorized; scope does not match' }),
        'auth',
        'lacks a required scope',
      ],
      [
        new ForbiddenError('403', 'Forbidden', { errorMessages: ['No browse permission'] }),
        'auth',
        'HTTP 403: No browse permission',
      ],
      [
        new NotFoundError('404', 'Not Found', {
          errorMessages: ['Issue does not exist or you do not have permission to see it.'],
        }),
        'not_found',
        'Issue does not exist',
      ],
      [new ApiError('400', 400, 'Bad Request', jqlError), 'invalid', "HTTP 400: Field 'x' does not exist"],
      [
        new ApiError('400', 400, 'Bad Request', {
          errorMessages: [],
          errors: { customfield_1: 'bad option' },
        }),
        'invalid',
        'customfield_1: bad option',
      ],
      [new ServerError('502', 502, 'Bad Gateway', '<html>proxy</html>'), 'transient', 'HTTP 502 Bad Gateway'],
      [
        new NetworkError('ECONNRESET', { cause: new Error('reset'), code: 'ECONNRESET', transient: true }),
        'transient',
        'could not be reached',
      ],
      [new TypeError('boom'), 'transient', 'Jira request failed: boom'],
    ];
    for (const [error, category, text] of cases) {
      const mapped = toIntegrationError(error, 'bearer');
      expect(mapped, text).toMatchObject({ service: 'jira', category });
      expect(mapped.message).toContain(text);
      expect(mapped.cause).toBe(error);
    }
  });

  it('carries Retry-After of a 429 and names the variables of the auth mode in use', () => {
    expect(
      toIntegrationError(new RateLimitError('429', 'Too Many Requests', {}, { retryAfterMs: 3000 }), 'basic'),
    ).toMatchObject({
      category: 'rate_limited',
      retryAfterMs: 3000,
    });
    expect(toIntegrationError(new AuthError('401', 'Unauthorized', ''), 'basic').message).toContain(
      'JIRA_EMAIL and JIRA_TOKEN',
    );
    expect(toIntegrationError(new AuthError('401', 'Unauthorized', ''), 'bearer').message).toContain(
      'JIRA_TOKEN and JIRA_CLOUD_ID',
    );
    const own = new IntegrationError('jira', 'invalid', 'as is');
    expect(toIntegrationError(own, 'bearer')).toBe(own);
  });
});

describe('JQL building', () => {
  it('quotes values so they cannot change the query', () => {
    expect(quoteJql('acme/repo "x" \\ y')).toBe('"acme/repo \\"x\\" \\\\ y"');
  });

  it('drops ORDER BY outside quoted strings only', () => {
    expect(withoutOrderBy('project = A ORDER BY rank')).toBe('project = A');
    expect(withoutOrderBy('summary ~ "order by me" order by key')).toBe('summary ~ "order by me"');
    expect(withoutOrderBy('labels = "x\\" order by"')).toBe('labels = "x\\" order by"');
    expect(withoutOrderBy('ORDER BY key')).toBe('');
  });

  it('combines scope, status, repo and open statuses', () => {
    const fields = { status: fieldRef('customfield_10500'), repo: fieldRef('customfield_10501') };
    expect(candidateJql('project = A OR project = B', fields, 'Ready', 'a "b"')).toBe(
      '(project = A OR project = B) AND cf[10500] = "Ready" AND cf[10501] = "a \\"b\\"" AND statusCategory != Done ORDER BY created ASC, key ASC',
    );
    expect(candidateJql('ORDER BY key', fields, 'Ready', 'r')).toMatch(/^cf\[10500\] = "Ready" AND /);
  });
});

describe('responses jira.js does not expect', () => {
  let setup: JiraSetup | undefined;
  afterEach(async () => {
    await setup?.fake.close();
  });

  it('fail as invalid, naming the endpoint and the path (onSchemaMismatch: throw)', async () => {
    setup = await setupJira();
    setup.fake.failNext({
      status: 200,
      path: '/rest/api/3/field',
      body: [{ id: 10500, name: 'AI-Implement Status' }],
    });

    const error = await failure(setup.provider.fetchCandidates([jiraMappingWith('ENG')]));

    expect(error.category).toBe('invalid');
    expect(error.message).toContain(
      'Jira answered GET /rest/api/3/field in an unexpected shape: 0.id: expected string',
    );
  });

  it('are reported through the logger, once per path, when not throwing', async () => {
    setup = await setupJira({}, { onSchemaMismatch: undefined });
    setup.fake.addProject({ key: 'ENG' });
    for (let i = 0; i < 2; i += 1) {
      setup.fake.failNext({
        status: 200,
        path: '/rest/api/3/myself',
        body: { accountId: 7, displayName: 'Bot' },
      });
      expect(await setup.provider.checkConnection()).toEqual({
        ok: true,
        detail: 'Connected to Jira as Bot',
      });
    }
    const reports = setup.warnings.filter((w) => w.message.includes('jira.js does not describe'));
    expect(reports).toHaveLength(1);
    expect(reports[0]?.fields.endpoint).toBe('GET /rest/api/3/myself');
  });

  // `names` maps field ids to names in Jira's description of the search; jira.js's model rejects a number.
  const oddSearch = { issues: [], isLast: true, names: 5 };

  it('in the enhanced search fail as invalid when throwing (jira.js checks the page)', async () => {
    setup = await setupJira();
    setup.fake.addProject({ key: 'ENG' });
    setup.fake.failNext({ status: 200, path: '/rest/api/3/search/jql', body: oddSearch });

    const error = await failure(setup.provider.fetchCandidates([jiraMappingWith('ENG')]));

    expect(error.category).toBe('invalid');
    expect(error.message).toContain('POST /rest/api/3/search/jql');
  });

  it("in the enhanced search are left to the product's own checks when not throwing", async () => {
    setup = await setupJira({}, { onSchemaMismatch: undefined });
    setup.fake.addProject({ key: 'ENG' });
    setup.fake.failNext({ status: 200, path: '/rest/api/3/search/jql', body: oddSearch });

    expect(await setup.provider.fetchCandidates([jiraMappingWith('ENG')])).toEqual([]);
    expect(setup.warnings.filter((w) => w.message.includes('jira.js does not describe'))).toEqual([]);

    // What the product reads is still checked: an issue without `fields` is refused.
    const fresh = await setupJira({}, { onSchemaMismatch: undefined });
    fresh.fake.addProject({ key: 'ENG' });
    fresh.fake.failNext({
      status: 200,
      path: '/rest/api/3/search/jql',
      body: { issues: [{ id: '10001', key: 'ENG-1' }], isLast: true },
    });
    const error = await failure(fresh.provider.fetchCandidates([jiraMappingWith('ENG')]));
    await fresh.fake.close();
    expect(error.category).toBe('invalid');
    expect(error.message).toContain('Jira search answered in an unexpected shape');
  });
});
