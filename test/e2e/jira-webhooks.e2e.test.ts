import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeJira, type FakeJira } from '../fakes/jira/fake-jira-server.ts';
import { JIRA_OPS_MAPPING, startE2eWorld, type E2eWorld } from './e2e-world.ts';
import { eventually } from './orchestrator-process.ts';

const SECRET = 'jira-webhook-e2e-secret-0123456789';
let w: E2eWorld;
let jira: FakeJira;

beforeAll(async () => {
  jira = await startFakeJira({ auth: 'bearer', repoOptions: ['jira-repo'] });
  jira.addProject({ key: 'OPS' });
  w = await startE2eWorld({
    appId: 4646,
    repos: [{ repo: 'jira-repo', workflows: ['claude-implement.yml'] }],
    env: {
      JIRA_TOKEN: jira.token,
      JIRA_API_URL: jira.apiUrl,
      JIRA_SITE_URL: jira.siteUrl,
      JIRA_WEBHOOK_SECRET: SECRET,
      // Ten minutes between polls: a dispatch within this test came from the webhook.
      POLL_INTERVAL_MS: '600000',
    },
  });
  jira.webhooks.configure({ url: `${w.orchestrator.url}/api/jira/webhook`, secret: SECRET });
}, 60_000);

afterAll(async () => {
  await w?.close();
  await jira?.close();
});

describe('Jira webhooks end to end (npm start, fake Jira sending signed webhooks)', () => {
  it('dispatches a ticket as soon as a person sets AI-Implement Status to Ready', async () => {
    expect((await w.api('POST', '/api/mappings', JIRA_OPS_MAPPING)).status).toBe(201);
    const issue = jira.addIssue({
      project: 'OPS',
      summary: 'Rotate keys',
      fields: { 'AI-Implement Repo': 'jira-repo' },
    });
    await jira.webhooks.settled();
    expect(w.github.dispatches).toHaveLength(0);

    jira.setField(issue.key, 'AI-Implement Status', 'Ready');
    await eventually('the dispatch', async () => (w.github.dispatches.length === 1 ? true : undefined));
    expect(w.payloads()[0]!.issue.identifier).toBe(issue.key);
    await jira.webhooks.settled();
    expect(jira.webhooks.deliveries.map((d) => [d.event, d.status])).toEqual([
      ['jira:issue_created', 200],
      ['jira:issue_updated', 200],
      // The orchestrator's own marker write (Implementing) is not delivered by the fake: only a person's changes are.
    ]);
    jira.assertNoRejections();
  }, 60_000);
});
