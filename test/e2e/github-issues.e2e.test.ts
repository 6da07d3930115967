import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestClosed } from '../webhooks/webhook-payloads.ts';
import { startE2eWorld, type E2eWorld } from './e2e-world.ts';
import { deliverGitHubWebhook } from './github-delivery.ts';
import { eventually } from './orchestrator-process.ts';

let w: E2eWorld;
const APP_ID = 5252;
const WEBHOOK_SECRET = 'e2e-github-issues-webhook-secret-0123';

/** A delivery as GitHub sends it, to this world's orchestrator. */
const deliver = (event: string, payload: Record<string, unknown>) =>
  deliverGitHubWebhook(
    { baseUrl: w.orchestrator.url, secret: WEBHOOK_SECRET, appId: APP_ID },
    event,
    payload,
  );

beforeAll(async () => {
  w = await startE2eWorld({
    appId: APP_ID,
    env: { GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET },
    repos: [
      { repo: 'api', workflows: ['claude-implement.yml'] },
      { repo: 'web', workflows: ['claude-implement.yml'] },
      { repo: 'planning', workflows: [] },
      { repo: 'deps', workflows: ['claude-implement.yml'] },
    ],
  });
}, 60_000);

afterAll(async () => {
  await w?.close();
});

describe('GitHub Issues as a tracker', () => {
  it('a labelled issue is dispatched in its mapping’s bucket, marked with labels, and closed when its PR merges', async () => {
    const base = { owner: 'acme', defaultBranch: 'main', planningEnabled: false, maxInProgressAiIssues: 1 };
    const badRepository = await w.api('POST', '/api/mappings', {
      ...base,
      teamKey: 'WEB',
      repo: 'web',
      ticketingProvider: 'github',
      ticketingConfig: { kind: 'github', repository: 'not a repo' },
    });
    expect(badRepository.status).toBe(400);
    const created = await w.api('POST', '/api/mappings', {
      ...base,
      teamKey: 'API',
      repo: 'api',
      ticketingProvider: 'github',
    });
    expect(created.status).toBe(201);
    // Issues in a planning repository, code in another.
    const planned = await w.api('POST', '/api/mappings', {
      ...base,
      teamKey: 'WEB',
      repo: 'web',
      ticketingProvider: 'github',
      ticketingConfig: { kind: 'github', repository: 'acme/planning' },
    });
    expect(planned.status).toBe(201);

    const first = w.github.addIssue({
      owner: 'acme',
      repo: 'api',
      title: 'Add CSV export',
      labels: ['AI-Implement'],
    });
    w.github.addIssue({ owner: 'acme', repo: 'api', title: 'Second', labels: ['AI-Implement'] });
    w.github.addIssue({ owner: 'acme', repo: 'api', title: 'Not asked', labels: ['bug'] });
    const web = w.github.addIssue({
      owner: 'acme',
      repo: 'planning',
      title: 'Web one',
      labels: ['ai-implement'],
    });

    await eventually('one dispatch per bucket', async () =>
      w.github.dispatches.length >= 2 ? true : undefined,
    );
    await w.orchestrator.afterTicks(2); // ticks, not time: nothing more happens
    expect(
      w
        .payloads()
        .map((p) => [p.issue.provider, p.issue.identifier, p.issue.title])
        .sort(),
    ).toEqual(
      [
        ['github', `acme/api#${first.number}`, 'Add CSV export'],
        ['github', `acme/planning#${web.number}`, 'Web one'],
      ].sort(),
    );
    expect(w.github.dispatches.map((d) => d.repo).sort()).toEqual(['api', 'web']);
    expect(w.github.repo('acme', 'api').labels.get(first.number)).toEqual(['AI-Working']);
    expect(w.github.repo('acme', 'planning').labels.get(web.number)).toEqual(['AI-Working']);

    const blockers = (await w.api('GET', '/api/blockers')).body as {
      blockers: { mapping: string; reason: string; bucket: string }[];
    };
    expect(blockers.blockers.map((b) => [b.mapping, b.reason, b.bucket])).toEqual([
      ['API', 'capacity', 'github:API'],
    ]);

    // The run opens a PR (the runner's side, played here) and reports it; the PR is merged.
    const run = w.payloads().find((p) => p.issue.identifier === `acme/api#${first.number}`)!;
    const repo = w.github.repo('acme', 'api');
    const branch = `ai-implement/api-${first.number}`;
    repo.refs.set(`refs/heads/${branch}`, repo.refs.get('refs/heads/main')!);
    const head = repo.writeFile(branch, 'src/export.ts', 'export {};\n', 'CSV export').sha;
    const number = Math.max(...repo.issues.map((i) => i.number)) + 1;
    const now = new Date().toISOString();
    repo.pulls.push({
      id: 9001,
      number,
      title: 'Add CSV export',
      body: `Fixes #${first.number}`,
      state: 'open',
      draft: false,
      head: branch,
      base: 'main',
      user: { login: 'ai-implement[bot]', id: 41_005_252, type: 'Bot' },
      createdAt: now,
      updatedAt: now,
    });
    const reported = await w.post(
      '/runner/result',
      { status: 'success', prUrl: `https://github.com/acme/api/pull/${number}`, branch },
      { authorization: `Bearer ${run.callback!.resultToken}` },
    );
    expect(reported.status).toBe(200);
    // Once the loop has looked at the new head's checks (it has none).
    await eventually('Ready for Review', async () =>
      repo.labels.get(first.number)?.join() === 'Ready for Review' ? true : undefined,
    );
    expect(repo.labels.get(first.number)).toEqual(['Ready for Review']);
    repo.pulls.at(-1)!.state = 'closed';
    repo.pulls.at(-1)!.merged = true;
    const pr = { owner: 'acme', repo: 'api', number, headRef: branch, headSha: head };
    expect((await deliver('pull_request', pullRequestClosed(pr, true))).status).toBe(202);
    await eventually('the issue closed as completed', async () =>
      repo.issues.find((i) => i.number === first.number)?.stateReason === 'completed' ? true : undefined,
    );
    expect(repo.issues.find((i) => i.number === first.number)?.state).toBe('closed');
    w.github.assertNoViolations();
  }, 90_000);

  it('holds an issue blocked by an open issue with a dependency blocker until the blocker closes', async () => {
    const mapping = {
      owner: 'acme',
      repo: 'deps',
      teamKey: 'DEPS',
      defaultBranch: 'main',
      planningEnabled: false,
      ticketingProvider: 'github',
    };
    expect((await w.api('POST', '/api/mappings', mapping)).status).toBe(201);
    const schema = w.github.addIssue({ owner: 'acme', repo: 'deps', title: 'Schema first' });
    const blocked = w.github.addIssue({
      owner: 'acme',
      repo: 'deps',
      title: 'Use the schema',
      labels: ['AI-Implement'],
      blockedBy: [`acme/deps#${schema.number}`],
    });
    // Dispatches of this mapping's repository only: the API bucket's next issue may go meanwhile.
    const depsDispatches = () => w.github.dispatches.filter((d) => d.repo === 'deps').length;

    const blocker = async () => {
      const body = (await w.api('GET', '/api/blockers')).body as {
        blockers: { mapping: string; reason: string }[];
      };
      return body.blockers.find((b) => b.mapping === 'DEPS');
    };
    await eventually('the dependency blocker', async () =>
      (await blocker())?.reason === 'dependency' ? true : undefined,
    );
    await w.orchestrator.afterTicks(2); // ticks, not time: still held
    expect(depsDispatches()).toBe(0);
    expect(w.github.repo('acme', 'deps').labels.get(blocked.number)).toEqual(['AI-Implement']);

    w.github.closeIssue('acme', 'deps', schema.number);
    await eventually('dispatched once its blocker closed', async () =>
      depsDispatches() > 0 ? true : undefined,
    );
    expect(w.payloads().map((p) => p.issue.identifier)).toContain(`acme/deps#${blocked.number}`);
    expect(await blocker()).toBeUndefined();
    w.github.assertNoViolations();
  }, 90_000);
});
