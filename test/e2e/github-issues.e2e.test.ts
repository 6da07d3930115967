import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eWorld, type E2eWorld } from './e2e-world.ts';
import { eventually } from './orchestrator-process.ts';

let w: E2eWorld;

beforeAll(async () => {
  w = await startE2eWorld({
    appId: 5252,
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
  it('a labelled issue is dispatched in its mapping’s bucket, with markers as labels', async () => {
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
    const before = w.github.dispatches.length;

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
    expect(w.github.dispatches).toHaveLength(before);
    expect(w.github.repo('acme', 'deps').labels.get(blocked.number)).toEqual(['AI-Implement']);

    w.github.closeIssue('acme', 'deps', schema.number);
    await eventually('dispatched once its blocker closed', async () =>
      w.github.dispatches.length > before ? true : undefined,
    );
    expect(w.payloads().at(-1)?.issue.identifier).toBe(`acme/deps#${blocked.number}`);
    expect(await blocker()).toBeUndefined();
    w.github.assertNoViolations();
  }, 90_000);
});
