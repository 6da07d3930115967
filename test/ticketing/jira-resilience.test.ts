import { describe, expect, it } from 'vitest';
import { createJiraProvider } from '../../src/ticketing/jira/jira-provider.ts';
import {
  failure,
  jiraMappingWith,
  readyIssue,
  jiraPerTest,
  type JiraSetup,
} from '../fakes/jira/jira-test-setup.ts';

const start = jiraPerTest();

const searches = (s: JiraSetup) => s.fake.requests.filter((r) => r.path === '/rest/api/3/search/jql');

describe('jira provider: credentials and rate limits', () => {
  it('reports a wrong token as an auth error naming JIRA_TOKEN, never its value, after one request', async () => {
    const s = await start();
    s.fake.addProject({ key: 'ENG' });
    const wrong = 'wrong-token-abc123';
    const provider = createJiraProvider({
      config: s.fake.config({ token: wrong }),
      onSchemaMismatch: 'throw',
    });

    const error = await failure(provider.fetchCandidates([jiraMappingWith('ENG'), jiraMappingWith('WEB')]));
    expect(error.category).toBe('auth');
    expect(error.message).toContain('JIRA_TOKEN');
    expect(error.message).toContain('JIRA_CLOUD_ID');
    expect(error.message).not.toContain(wrong);
    expect(s.fake.requests).toHaveLength(1);

    const check = await provider.checkConnection();
    expect(check.ok).toBe(false);
    expect(check.detail).toContain('JIRA_TOKEN');
    expect(check.detail).not.toContain(wrong);
  });

  it('names JIRA_EMAIL for Basic auth', async () => {
    const s = await start({ auth: 'basic' });
    const provider = createJiraProvider({
      config: s.fake.config({ token: 'nope' }),
      onSchemaMismatch: 'throw',
    });
    const check = await provider.checkConnection();
    expect(check).toMatchObject({ ok: false });
    expect(check.detail).toContain('JIRA_EMAIL');
    expect(await s.provider.checkConnection()).toEqual({
      ok: true,
      detail: 'Connected to Jira as AI-Implement Bot',
    });
  });

  it('retries a 429 after its Retry-After, and a 5xx with backoff', async () => {
    const s = await start();
    s.fake.addProject({ key: 'ENG' });
    readyIssue(s.fake, 'ENG');
    s.fake.failNext({ status: 429, retryAfterSeconds: 2, path: '/search/jql' });
    s.fake.failNext({ status: 503, path: '/search/jql' });

    expect(await s.provider.fetchCandidates([jiraMappingWith('ENG')])).toHaveLength(1);
    expect(s.sleeps).toEqual([2_000]);
    expect(searches(s).map((r) => r.status)).toEqual([429, 503, 200]);
  });

  it('does not wait out a Retry-After longer than allowed: the poll is skipped instead', async () => {
    const s = await start();
    s.fake.addProject({ key: 'ENG' });
    s.fake.failNext({ status: 429, retryAfterSeconds: 120 });

    const error = await failure(s.provider.fetchCandidates([jiraMappingWith('ENG')]));
    expect(error).toMatchObject({ category: 'rate_limited', retryAfterMs: 120_000 });
    expect(s.sleeps).toEqual([]);
  });

  it('gives up on a 5xx after the configured retries, as transient', async () => {
    const s = await start();
    s.fake.failNext({ status: 500, count: 3 });
    const error = await failure(s.provider.getTickets(['10001']));
    expect(error.category).toBe('transient');
    expect(s.fake.requests).toHaveLength(3);
  });
});
