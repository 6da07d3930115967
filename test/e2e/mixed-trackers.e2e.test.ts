import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeJira, type FakeJira } from '../fakes/jira/fake-jira-server.ts';
import { startE2eWorld, type E2eWorld } from './e2e-world.ts';
import { eventually } from './orchestrator-process.ts';

let w: E2eWorld;
let jira: FakeJira;

beforeAll(async () => {
  jira = await startFakeJira({ auth: 'bearer', repoOptions: ['jira-repo'] });
  jira.addProject({ key: 'OPS' });
  w = await startE2eWorld({
    appId: 5151,
    repos: [
      { repo: 'api', workflows: ['claude-implement.yml'] },
      { repo: 'jira-repo', workflows: ['claude-implement.yml'] },
    ],
    env: { JIRA_TOKEN: jira.token, JIRA_API_URL: jira.apiUrl, JIRA_SITE_URL: jira.siteUrl },
  });
}, 60_000);

afterAll(async () => {
  await w?.close();
  await jira?.close();
});

describe('one orchestrator, a Linear and a Jira mapping', () => {
  it('dispatches from both, each within its own bucket, and moves markers in both trackers', async () => {
    const base = { owner: 'acme', defaultBranch: 'main', planningEnabled: false, maxInProgressAiIssues: 1 };
    expect((await w.api('POST', '/api/mappings', { ...base, teamKey: 'ENG', repo: 'api' })).status).toBe(201);
    const badJql = await w.api('POST', '/api/mappings', {
      ...base,
      teamKey: 'OPS',
      repo: 'jira-repo',
      ticketingProvider: 'jira',
      ticketingConfig: { kind: 'jira', jql: 'project = = OPS', repoFieldValue: 'jira-repo' },
    });
    expect(badJql.status).toBe(400);
    const jiraMapping = {
      ...base,
      teamKey: 'OPS',
      repo: 'jira-repo',
      ticketingProvider: 'jira',
      ticketingConfig: { kind: 'jira', jql: 'project = OPS', repoFieldValue: 'jira-repo' },
    };
    expect((await w.api('POST', '/api/mappings', jiraMapping)).status).toBe(201);
    expect((await w.api('POST', '/api/jira/validate-jql', { jql: 'project = OPS' })).body).toMatchObject({
      valid: true,
    });

    const l1 = w.linear.addIssue({ team: 'ENG', title: 'Linear one', priority: 1, labels: ['AI-Implement'] });
    w.linear.addIssue({ team: 'ENG', title: 'Linear two', priority: 2, labels: ['AI-Implement'] });
    const ready = { 'AI-Implement Status': 'Ready', 'AI-Implement Repo': 'jira-repo' };
    const j1 = jira.addIssue({ project: 'OPS', summary: 'Jira one', priority: 'Highest', fields: ready });
    const j2 = jira.addIssue({ project: 'OPS', summary: 'Jira two', priority: 'Low', fields: ready });

    await eventually('one dispatch per bucket', async () =>
      w.github.dispatches.length >= 2 ? true : undefined,
    );
    await w.orchestrator.afterTicks(2); // ticks, not time: nothing more happens
    expect(
      w
        .payloads()
        .map((p) => [p.issue.provider, p.issue.identifier])
        .sort(),
    ).toEqual(
      [
        ['jira', j1.key],
        ['linear', l1.identifier],
      ].sort(),
    );
    expect(w.github.dispatches.map((d) => d.repo).sort()).toEqual(['api', 'jira-repo']);
    expect(jira.fieldValue(j1.key, jira.statusField!.id)).toBe('Implementing');
    expect(w.linear.getIssue(l1.id)?.labels).toEqual(['AI-Working']);

    const blockers = (await w.api('GET', '/api/blockers')).body as {
      blockers: { mapping: string; reason: string; bucket: string }[];
    };
    expect(blockers.blockers.map((b) => [b.mapping, b.reason, b.bucket]).sort()).toEqual(
      [
        ['ENG', 'capacity', 'linear:ENG'],
        ['OPS', 'capacity', 'jira:OPS'],
      ].sort(),
    );

    // The Jira run reports a PR: PR Ready, and the Jira bucket's next issue goes; Linear's waits.
    const jiraRun = w.payloads().find((p) => p.issue.provider === 'jira')!;
    const result = await w.post(
      '/runner/result',
      { status: 'success', prUrl: 'https://github.com/acme/jira-repo/pull/3', branch: 'ai/ops-1' },
      { authorization: `Bearer ${jiraRun.callback!.resultToken}` },
    );
    expect(result.status).toBe(200);
    expect(jira.fieldValue(j1.key, jira.statusField!.id)).toBe('PR Ready');
    await eventually('the second Jira issue', async () =>
      w.github.dispatches.length >= 3 ? true : undefined,
    );
    expect(w.payloads()[2]!.issue.identifier).toBe(j2.key);
    await w.orchestrator.afterTicks(2); // ticks, not time: nothing more happens
    expect(w.github.dispatches).toHaveLength(3);

    w.github.assertNoViolations();
    w.linear.assertNoRejections();
    jira.assertNoRejections();
  }, 90_000);
});
