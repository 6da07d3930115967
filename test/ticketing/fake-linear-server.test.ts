import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeLinear, type FakeLinear } from '../fakes/linear/fake-linear-server.ts';

/** The fake is what makes "a query Linear would reject fails the test" true; these prove it can. */
describe('fake Linear server', () => {
  let fake: FakeLinear;
  const post = (query: string, variables: object = {}, authorization: string | null = fake.apiKey) =>
    fetch(fake.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(authorization === null ? {} : { Authorization: authorization }),
      },
      body: JSON.stringify({ query, variables }),
    });

  beforeEach(async () => {
    fake = await startFakeLinear();
    fake.addTeam({ key: 'ENG' });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('rejects a field Linear does not have, and records the document', async () => {
    const response = await post('query Broken { issues { nodes { id estimateInHours } } }');

    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(fake.rejectedDocuments).toEqual([
      expect.objectContaining({
        operationName: 'Broken',
        errors: [expect.stringContaining('estimateInHours')],
      }),
    ]);
    expect(() => fake.assertNoRejections()).toThrow(/Broken/);
  });

  it('rejects variables of the wrong type and syntax errors', async () => {
    await post('query Paged($first: Int!) { issues(first: $first) { nodes { id } } }', { first: 'ten' });
    await post('query { issues { nodes { id }');
    expect(fake.rejectedDocuments).toHaveLength(2);
  });

  it('rejects a query over Linear’s complexity cap', async () => {
    const response = await post(
      'query Greedy { issues(first: 250) { nodes { children(first: 250) { nodes { id title } } } } }',
    );
    expect(response.status).toBe(400);
    expect(fake.rejectedDocuments[0]?.errors[0]).toMatch(/complexity \d+/);
  });

  it('requires the raw API key in Authorization, as Linear does', async () => {
    for (const authorization of [null, 'wrong', `Bearer ${fake.apiKey}`]) {
      const response = await post('{ viewer { id } }', {}, authorization);
      expect(response.status).toBe(401);
      const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
      expect(body.errors[0]?.extensions.code).toBe('AUTHENTICATION_ERROR');
    }
    const ok = await post('{ viewer { id name } }');
    expect(ok.status).toBe(200);
  });

  it('sends Linear’s rate-limit headers, reset in epoch ms', async () => {
    const before = Date.now();
    const response = await post('{ viewer { id } }');
    expect(Number(response.headers.get('x-ratelimit-requests-limit'))).toBeGreaterThan(0);
    expect(Number(response.headers.get('x-ratelimit-requests-remaining'))).toBe(
      Number(response.headers.get('x-ratelimit-requests-limit')) - 1,
    );
    expect(Number(response.headers.get('x-ratelimit-requests-reset'))).toBeGreaterThan(before);
  });

  it('refuses filter fields it does not implement instead of ignoring them', async () => {
    fake.addIssue({ team: 'ENG' });
    const response = await post('query Q($f: IssueFilter) { issues(filter: $f) { nodes { id } } }', {
      f: { estimate: { eq: 3 } },
    });
    const body = (await response.json()) as { errors?: { message: string }[] };
    expect(body.errors?.[0]?.message).toMatch(/filter field Issue\.estimate is not implemented/);
  });

  it('filters like Linear: collection filters, nested filters, case-insensitive comparators', async () => {
    fake.addTeam({ key: 'WEB' });
    const wanted = fake.addIssue({ team: 'ENG', labels: ['ai-implement'] });
    fake.addIssue({ team: 'WEB', labels: ['AI-Implement'] });
    fake.addIssue({ team: 'ENG', labels: ['Bug'] });
    const response = await post('query Q($f: IssueFilter) { issues(filter: $f) { nodes { identifier } } }', {
      f: { team: { key: { in: ['ENG'] } }, labels: { some: { name: { eqIgnoreCase: 'AI-IMPLEMENT' } } } },
    });
    const body = (await response.json()) as { data: { issues: { nodes: { identifier: string }[] } } };
    expect(body.data.issues.nodes).toEqual([{ identifier: wanted.identifier }]);
  });

  it('answers injected failures before anything else, then serves normally', async () => {
    fake.failNext('http-500');
    fake.failNext('ratelimited-200');
    expect((await post('{ viewer { id } }')).status).toBe(500);
    const limited = await post('{ viewer { id } }');
    expect(limited.status).toBe(200);
    expect(limited.headers.get('x-ratelimit-requests-remaining')).toBe('0');
    expect(
      ((await limited.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code,
    ).toBe('RATELIMITED');
    expect((await post('{ viewer { id } }')).status).toBe(200);
    expect(fake.requestCount).toBe(3);
  });
});
