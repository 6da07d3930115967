import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeJira, type FakeJira } from '../fakes/jira/fake-jira-server.ts';

/** The fake must refuse what Jira refuses, or the provider's tests prove nothing. */
describe('fake Jira server', () => {
  let fake: FakeJira;
  const call = async (method: string, path: string, body?: unknown, auth = `Bearer ${fake.token}`) => {
    const response = await fetch(`${fake.apiUrl}${path}`, {
      method,
      headers: { Authorization: auth, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  };

  beforeEach(async () => {
    fake = await startFakeJira();
    fake.addProject({ key: 'ENG' });
    fake.addIssue({
      project: 'ENG',
      fields: { 'AI-Implement Status': 'Ready', 'AI-Implement Repo': 'jira-repo' },
    });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('refuses a comment body that is not ADF, and records it', async () => {
    const reply = await call('POST', '/rest/api/3/issue/ENG-1/comment', {
      body: { type: 'doc', version: 1, content: [{ type: 'text', text: 'bare' }] },
    });
    expect(reply).toEqual({
      status: 400,
      body: { errorMessages: [], errors: { comment: 'Comment body is not valid!' } },
    });
    expect(fake.rejections).toEqual([expect.stringContaining('comment body is not ADF')]);
    expect(() => fake.assertNoRejections()).toThrow(/rejected requests/);
  });

  it('records malformed bodies and endpoints it does not implement', async () => {
    expect((await call('POST', '/rest/api/3/search/jql', { jql: 'project = ENG', startAt: 0 })).status).toBe(
      400,
    );
    expect((await call('GET', '/rest/api/3/search?jql=project%3DENG')).status).toBe(404);
    expect(fake.rejections).toEqual([
      expect.stringContaining('malformed body'),
      expect.stringContaining('not an endpoint'),
    ]);
  });

  it('answers JQL errors in Jira’s words', async () => {
    const count = (jql: string) => call('POST', '/rest/api/3/search/approximate-count', { jql });
    expect((await count('project = ENG')).body).toEqual({ count: 1 });
    expect((await count('cf[10500] = Nope')).body).toEqual({
      errorMessages: ["The option 'Nope' for field 'AI-Implement Status' does not exist."],
      errors: {},
    });
    expect((await count('colour = red')).status).toBe(400);
    expect((await count('order by key')).body).toMatchObject({
      errorMessages: [expect.stringContaining('Unbounded JQL')],
    });
    expect((await count('project = ENG AND (statusCategory != Done OR labels is empty)')).body).toEqual({
      count: 1,
    });
    expect(fake.rejections).toEqual([]);
  });

  it('checks credentials and the gateway’s cloud id', async () => {
    expect((await call('GET', '/rest/api/3/myself', undefined, 'Bearer wrong')).status).toBe(401);
    const otherSite = await fetch(`${fake.siteUrl}/ex/jira/other-cloud/rest/api/3/myself`, {
      headers: { Authorization: `Bearer ${fake.token}` },
    });
    expect(otherSite.status).toBe(404);
    expect((await call('GET', '/rest/api/3/myself')).status).toBe(200);
  });

  it('ties page tokens to their query', async () => {
    fake.addIssue({ project: 'ENG' });
    const first = await call('POST', '/rest/api/3/search/jql', { jql: 'project = ENG', maxResults: 1 });
    const token = (first.body as { nextPageToken: string }).nextPageToken;
    expect(first.body).toMatchObject({ isLast: false, issues: [{ id: expect.any(String) }] });
    expect(
      (
        await call('POST', '/rest/api/3/search/jql', {
          jql: 'project = ENG',
          maxResults: 1,
          nextPageToken: token,
        })
      ).body,
    ).toMatchObject({ isLast: true });
    expect(
      (await call('POST', '/rest/api/3/search/jql', { jql: 'project = eng', nextPageToken: token })).status,
    ).toBe(400);
  });
});
