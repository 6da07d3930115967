import { afterAll, beforeAll, expect, it } from 'vitest';
import { SYNC_BRANCH } from '../../src/github/template-sync/sync-workflows.ts';
import { startE2eWorld, type E2eWorld } from '../e2e/e2e-world.ts';
import { eventually } from '../e2e/orchestrator-process.ts';

/**
 * Sync workflows through the real process (`npm start`): the operator syncs a new repository,
 * merges the pull request, and the orchestrator's next dispatch runs the synced workflow — which
 * the fake GitHub accepts only with the inputs the synced file declares.
 */

let w: E2eWorld;

beforeAll(async () => {
  w = await startE2eWorld({ appId: 6161, repos: [{ repo: 'web', workflows: [] }] });
}, 60_000);

afterAll(() => w?.close());

it('syncs a repository, reports it current once merged, and the synced workflow takes the dispatch', async () => {
  expect(
    (
      await w.api('POST', '/api/mappings', {
        teamKey: 'ENG',
        owner: 'acme',
        repo: 'web',
        defaultBranch: 'main',
      })
    ).status,
  ).toBe(201);
  const before = await w.api<{ repos: { status: string }[] }>('GET', '/api/admin/template-status');
  expect(before.body.repos.map((r) => r.status)).toEqual(['missing']);

  const sync = await w.api<{ status: string; pullRequest: { url: string } }>(
    'POST',
    '/api/mappings/ENG/sync-workflows',
  );
  expect(sync).toMatchObject({
    status: 200,
    body: { status: 'opened', pullRequest: { url: 'https://github.com/acme/web/pull/1' } },
  });
  const web = w.github.repo('acme', 'web');
  expect(web.pulls[0]?.body).toContain(`\`AI_IMPLEMENT_ORCHESTRATOR_URL\`: \`${w.orchestrator.url}\``);

  // A person merges the pull request.
  const head = web.refs.get(`refs/heads/${SYNC_BRANCH}`);
  if (head) web.refs.set('refs/heads/main', head);
  for (const pull of web.pulls) Object.assign(pull, { state: 'closed', merged: true });
  const after = await w.api<{ repos: { status: string; syncPullRequest: unknown }[] }>(
    'GET',
    '/api/admin/template-status',
  );
  expect(after.body.repos).toMatchObject([{ status: 'current', syncPullRequest: null }]);
  expect((await w.api('POST', '/api/mappings/ENG/sync-workflows')).body).toMatchObject({
    status: 'up_to_date',
  });

  const issue = w.linear.addIssue({
    team: 'ENG',
    title: 'Export users',
    state: 'Todo',
    labels: ['AI-Implement'],
  });
  await eventually('the planning dispatch', async () => (w.github.dispatches.length > 0 ? true : undefined));
  expect(w.github.dispatches[0]).toMatchObject({
    repo: 'web',
    workflow: 'claude-plan.yml',
    ref: 'main',
    inputs: { issue_id: issue.id, issue_identifier: issue.identifier },
  });
  w.github.assertNoViolations();
}, 60_000);
