import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeJira, type FakeJira } from '../fakes/jira/fake-jira-server.ts';
import { pullRequestClosed } from '../webhooks/webhook-payloads.ts';
import { startE2eWorld, type E2eWorld } from './e2e-world.ts';
import { deliverGitHubWebhook } from './github-delivery.ts';
import { eventually } from './orchestrator-process.ts';

let w: E2eWorld;
let jira: FakeJira;
const APP_ID = 5151;
const WEBHOOK_SECRET = 'e2e-mixed-trackers-webhook-secret-0123';

beforeAll(async () => {
  jira = await startFakeJira({ auth: 'bearer', repoOptions: ['jira-repo'] });
  jira.addProject({ key: 'OPS' });
  w = await startE2eWorld({
    appId: APP_ID,
    repos: [
      { repo: 'api', workflows: ['claude-implement.yml'] },
      { repo: 'jira-repo', workflows: ['claude-implement.yml'] },
      { repo: 'gh-repo', workflows: ['claude-implement.yml'] },
    ],
    env: {
      JIRA_TOKEN: jira.token,
      JIRA_API_URL: jira.apiUrl,
      JIRA_SITE_URL: jira.siteUrl,
      GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
    },
  });
}, 60_000);

afterAll(async () => {
  await w?.close();
  await jira?.close();
});

describe('one orchestrator, a Linear, a Jira and a GitHub Issues mapping', () => {
  it('dispatches from all three, each within its own bucket, moves markers in each tracker, and closes the GitHub issue when its PR merges', async () => {
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
    const githubMapping = { ...base, teamKey: 'GH', repo: 'gh-repo', ticketingProvider: 'github' };
    expect((await w.api('POST', '/api/mappings', githubMapping)).status).toBe(201);
    expect((await w.api('POST', '/api/jira/validate-jql', { jql: 'project = OPS' })).body).toMatchObject({
      valid: true,
    });

    const l1 = w.linear.addIssue({ team: 'ENG', title: 'Linear one', priority: 1, labels: ['AI-Implement'] });
    w.linear.addIssue({ team: 'ENG', title: 'Linear two', priority: 2, labels: ['AI-Implement'] });
    const ready = { 'AI-Implement Status': 'Ready', 'AI-Implement Repo': 'jira-repo' };
    const j1 = jira.addIssue({ project: 'OPS', summary: 'Jira one', priority: 'Highest', fields: ready });
    const j2 = jira.addIssue({ project: 'OPS', summary: 'Jira two', priority: 'Low', fields: ready });
    const g1 = w.github.addIssue({
      owner: 'acme',
      repo: 'gh-repo',
      title: 'GitHub one',
      labels: ['AI-Implement'],
    });
    const g2 = w.github.addIssue({
      owner: 'acme',
      repo: 'gh-repo',
      title: 'GitHub two',
      labels: ['AI-Implement'],
    });

    await eventually('one dispatch per bucket', async () =>
      w.github.dispatches.length >= 3 ? true : undefined,
    );
    await w.orchestrator.afterTicks(2); // ticks, not time: nothing more happens
    expect(
      w
        .payloads()
        .map((p) => [p.issue.provider, p.issue.identifier])
        .sort(),
    ).toEqual(
      [
        ['github', `acme/gh-repo#${g1.number}`],
        ['jira', j1.key],
        ['linear', l1.identifier],
      ].sort(),
    );
    expect(w.github.dispatches.map((d) => d.repo).sort()).toEqual(['api', 'gh-repo', 'jira-repo']);
    expect(w.github.repo('acme', 'gh-repo').labels.get(g1.number)).toEqual(['AI-Working']);
    expect(jira.fieldValue(j1.key, jira.statusField!.id)).toBe('Implementing');
    expect(w.linear.getIssue(l1.id)?.labels).toEqual(['AI-Working']);

    const blockers = (await w.api('GET', '/api/blockers')).body as {
      blockers: { mapping: string; reason: string; bucket: string }[];
    };
    expect(blockers.blockers.map((b) => [b.mapping, b.reason, b.bucket]).sort()).toEqual(
      [
        ['ENG', 'capacity', 'linear:ENG'],
        ['GH', 'capacity', 'github:GH'],
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
    await eventually('PR Ready', async () =>
      jira.fieldValue(j1.key, jira.statusField!.id) === 'PR Ready' ? true : undefined,
    );
    await eventually('the second Jira issue', async () =>
      w.github.dispatches.length >= 4 ? true : undefined,
    );
    expect(w.payloads()[3]!.issue.identifier).toBe(j2.key);

    // The GitHub run opens a PR (the runner's side, played here) and reports it; the PR merges:
    // the issue closes as completed and the GitHub bucket's next issue goes.
    const githubRun = w.payloads().find((p) => p.issue.provider === 'github')!;
    const repo = w.github.repo('acme', 'gh-repo');
    const branch = `ai-implement/gh-${g1.number}`;
    repo.refs.set(`refs/heads/${branch}`, repo.refs.get('refs/heads/main')!);
    const head = repo.writeFile(branch, 'src/one.ts', 'export {};\n', 'GitHub one').sha;
    const number = Math.max(...repo.issues.map((i) => i.number)) + 1;
    const now = new Date().toISOString();
    repo.pulls.push({
      id: 9101,
      number,
      title: 'GitHub one',
      body: `Fixes #${g1.number}`,
      state: 'open',
      draft: false,
      head: branch,
      base: 'main',
      user: { login: 'ai-implement[bot]', id: 41_005_151, type: 'Bot' },
      createdAt: now,
      updatedAt: now,
    });
    const reported = await w.post(
      '/runner/result',
      { status: 'success', prUrl: `https://github.com/acme/gh-repo/pull/${number}`, branch },
      { authorization: `Bearer ${githubRun.callback!.resultToken}` },
    );
    expect(reported.status).toBe(200);
    // Once the loop has looked at the new head's checks (it has none).
    await eventually('Ready for Review', async () =>
      repo.labels.get(g1.number)?.join() === 'Ready for Review' ? true : undefined,
    );
    expect(repo.labels.get(g1.number)).toEqual(['Ready for Review']);
    repo.pulls.at(-1)!.state = 'closed';
    repo.pulls.at(-1)!.merged = true;
    const pr = { owner: 'acme', repo: 'gh-repo', number, headRef: branch, headSha: head };
    const target = { baseUrl: w.orchestrator.url, secret: WEBHOOK_SECRET, appId: APP_ID };
    expect((await deliverGitHubWebhook(target, 'pull_request', pullRequestClosed(pr, true))).status).toBe(
      202,
    );
    await eventually('the GitHub issue closed as completed', async () =>
      repo.issues.find((i) => i.number === g1.number)?.stateReason === 'completed' ? true : undefined,
    );
    await eventually('the second GitHub issue', async () =>
      w.payloads().some((p) => p.issue.identifier === `acme/gh-repo#${g2.number}`) ? true : undefined,
    );
    await w.orchestrator.afterTicks(2); // ticks, not time: nothing more happens
    expect(w.github.dispatches).toHaveLength(5);
    // The Linear bucket never moved: its second issue still waits behind the first.
    expect(w.payloads().filter((p) => p.issue.provider === 'linear')).toHaveLength(1);

    w.github.assertNoViolations();
    w.linear.assertNoRejections();
    jira.assertNoRejections();
  }, 90_000);
});
