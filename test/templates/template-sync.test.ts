import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IntegrationError } from '../../src/domain/errors.ts';
import { renderRepoFiles } from '../../src/github/template-sync/render-templates.ts';
import { SYNC_BRANCH } from '../../src/github/template-sync/sync-workflows.ts';
import { loadTemplates } from '../../src/github/template-sync/template-catalog.ts';
import { createTemplateSync } from '../../src/github/template-sync/template-sync.ts';
import type { FakeRepo } from '../fakes/github/fake-github-server.ts';
import { startGitHubTestBed, type GitHubTestBed } from '../github/github-test-setup.ts';
import { bumpVersion, mapping, target } from './template-fixtures.ts';

const ENG = mapping({ teamKey: 'ENG' });
const EXPECTED_PATHS = [
  '.github/workflows/claude-implement.yml',
  '.github/workflows/claude-plan.yml',
  '.github/workflows/comment-trigger.yml',
  'WORKFLOW.md',
  'PLANNING.md',
  '.ai-implement/config.yml',
];

let bed: GitHubTestBed;
let web: FakeRepo;

beforeEach(async () => {
  bed = await startGitHubTestBed();
  web = bed.fake.addRepo({ owner: 'acme', repo: 'web', defaultBranch: 'main' });
  bed.fake.addInstallation({ id: 9002, account: 'acme', repos: ['acme/web'] });
});
afterEach(async () => {
  bed.fake.assertNoViolations();
  await bed.fake.close();
});

/** What a person merging the sync pull request does: main moves to the branch, the PR closes. */
function mergeSyncPull(repo: FakeRepo): void {
  const head = repo.refs.get(`refs/heads/${SYNC_BRANCH}`);
  if (!head) throw new Error('no sync branch to merge');
  repo.refs.set('refs/heads/main', head);
  for (const pull of repo.pulls) if (pull.head === SYNC_BRANCH) pull.state = 'closed';
}

function writes(): number {
  return bed.fake.requests.filter((r) => r.method !== 'GET').length;
}

describe('Sync workflows against GitHub', () => {
  it('opens one pull request with every file, then does nothing while it carries them', async () => {
    const sync = createTemplateSync({ github: bed.client, orchestratorUrl: 'https://orchestrator.example' });
    const first = await sync.sync(target(ENG));
    expect(first.status).toBe('opened');
    expect(first.commits).toBe(EXPECTED_PATHS.length);
    expect(first.files.map((f) => [f.path, f.state, f.action])).toEqual(
      EXPECTED_PATHS.map((p) => [p, 'missing', 'create']),
    );
    const pull = web.pulls[0];
    expect(web.pulls).toHaveLength(1);
    expect(pull).toMatchObject({
      title: 'AI-Implement: sync workflow templates',
      head: SYNC_BRANCH,
      base: 'main',
    });
    expect(first.pullRequest).toEqual({
      number: pull?.number,
      url: `https://github.com/acme/web/pull/${pull?.number}`,
    });
    expect(pull?.body).toContain(
      '| `.github/workflows/claude-implement.yml` | claude-implement.yml@1 | added |',
    );
    expect(pull?.body).toContain('`AI_IMPLEMENT_ORCHESTRATOR_URL`: `https://orchestrator.example`');
    expect(pull?.body).toContain('`LINEAR_API_KEY`');
    expect(pull?.body).not.toContain('JIRA_TOKEN');
    // Each file on the branch is the render, stamped; the default branch is untouched.
    for (const file of renderRepoFiles(sync.templates, target(ENG))) {
      expect(web.readFile(SYNC_BRANCH, file.path)).toBe(file.content);
      expect(web.readFile('main', file.path)).toBeUndefined();
    }
    expect(web.resolve(SYNC_BRANCH)?.message).toMatch(/^AI-Implement: sync \.ai-implement\/config\.yml/);

    const before = writes();
    const second = await sync.sync(target(ENG));
    expect(second).toMatchObject({ status: 'unchanged', commits: 0, pullRequest: first.pullRequest });
    expect(writes()).toBe(before);
    expect(web.pulls).toHaveLength(1);
  });

  it('puts a changed template on the same pull request branch', async () => {
    await createTemplateSync({ github: bed.client }).sync(target(ENG));
    const number = web.pulls[0]?.number;
    const newer = createTemplateSync({
      github: bed.client,
      templates: bumpVersion('claude-implement.yml', 2),
    });
    const outcome = await newer.sync(target(ENG));
    expect(outcome).toMatchObject({ status: 'updated', commits: 1, pullRequest: { number } });
    expect(web.pulls).toHaveLength(1);
    expect(web.readFile(SYNC_BRANCH, '.github/workflows/claude-implement.yml')).toMatch(
      /^# ai-implement-template: claude-implement\.yml@2 sha256:[0-9a-f]{16}$/m,
    );
    expect(web.pulls[0]?.body).toContain('claude-implement.yml@2');
  });

  it('reports missing → current → stale, and an up-to-date repository needs no pull request', async () => {
    const v1 = createTemplateSync({ github: bed.client });
    const [missing] = await v1.statusAll([ENG]);
    expect(missing).toMatchObject({ repository: 'acme/web', status: 'missing', syncPullRequest: null });
    expect(missing?.files.every((f) => f.state === 'missing')).toBe(true);

    const opened = await v1.sync(target(ENG));
    const [pending] = await v1.statusAll([ENG]);
    expect(pending).toMatchObject({ status: 'missing', syncPullRequest: opened.pullRequest });

    mergeSyncPull(web);
    const [current] = await v1.statusAll([ENG]);
    expect(current).toMatchObject({ status: 'current', syncPullRequest: null });
    expect(current?.files.every((f) => f.state === 'current' && f.action === 'none')).toBe(true);
    const before = writes();
    expect(await v1.sync(target(ENG))).toMatchObject({ status: 'up_to_date', pullRequest: null, commits: 0 });
    expect(writes()).toBe(before);

    const v2 = createTemplateSync({ github: bed.client, templates: bumpVersion('comment-trigger.yml', 2) });
    const [stale] = await v2.statusAll([ENG]);
    expect(stale?.status).toBe('stale');
    expect(stale?.files.find((f) => f.template === 'comment-trigger.yml')).toMatchObject({
      state: 'stale',
      version: 2,
      foundVersion: 1,
      reason: 'template version 1; version 2 is available',
      action: 'update',
    });
    // The older orchestrator does not take the newer file back.
    mergeSyncPull((await v2.sync(target(ENG)), web));
    const [newer] = await v1.statusAll([ENG]);
    expect(newer?.files.find((f) => f.template === 'comment-trigger.yml')).toMatchObject({
      state: 'stale',
      action: 'none',
      foundVersion: 2,
    });
    expect((await v1.sync(target(ENG))).status).toBe('up_to_date');
  });

  it('puts back an edited workflow but leaves an edited starter file to the repository', async () => {
    const sync = createTemplateSync({ github: bed.client });
    await sync.sync(target(ENG));
    mergeSyncPull(web);
    const workflow = web.readFile('main', '.github/workflows/claude-plan.yml') ?? '';
    web.writeFile(
      'main',
      '.github/workflows/claude-plan.yml',
      workflow.replace('ubuntu-latest', 'self-hosted'),
      'edit',
    );
    const guide = web.readFile('main', 'WORKFLOW.md') ?? '';
    web.writeFile('main', 'WORKFLOW.md', guide.replace('## How to work', '## How we work here'), 'edit');

    const [status] = await sync.statusAll([ENG]);
    expect(status?.status).toBe('stale');
    expect(status?.files.find((f) => f.path === 'WORKFLOW.md')).toMatchObject({
      state: 'customized',
      action: 'none',
    });
    expect(status?.files.find((f) => f.template === 'claude-plan.yml')).toMatchObject({
      state: 'stale',
      reason: 'edited after the last sync',
      action: 'update',
    });

    const outcome = await sync.sync(target(ENG));
    expect(outcome).toMatchObject({ status: 'opened', commits: 1 });
    expect(web.pulls.filter((p) => p.state === 'open')).toHaveLength(1);
    expect(web.readFile(SYNC_BRANCH, '.github/workflows/claude-plan.yml')).toBe(workflow);
    expect(web.readFile(SYNC_BRANCH, 'WORKFLOW.md')).toContain('## How we work here');
    expect(web.pulls.at(-1)?.body).toContain(
      '- `WORKFLOW.md`: edited in the repository; Sync leaves it alone',
    );
  });

  it('starts a closed pull request’s leftover branch again from the default branch', async () => {
    const sync = createTemplateSync({ github: bed.client });
    await sync.sync(target(ENG));
    for (const pull of web.pulls) pull.state = 'closed';
    web.writeFile('main', 'README.md', '# web\n', 'Unrelated work on main');
    const outcome = await sync.sync(target(ENG));
    expect(outcome).toMatchObject({ status: 'opened', commits: EXPECTED_PATHS.length });
    expect(web.pulls.filter((p) => p.state === 'open')).toHaveLength(1);
    expect(web.readFile(SYNC_BRANCH, 'README.md')).toBe('# web\n');
  });

  it('renders for every mapping of the repository: both ticketing systems, each workflow name', async () => {
    const jira = mapping({
      teamKey: 'OPS',
      ticketingProvider: 'jira',
      ticketingConfig: { kind: 'jira', jql: 'project = OPS', repoFieldValue: 'acme/web' },
      workflowFile: 'ops-implement.yml',
    });
    const sync = createTemplateSync({ github: bed.client });
    const outcome = await sync.sync(target(ENG, jira));
    expect(outcome.files.map((f) => f.path)).toContain('.github/workflows/ops-implement.yml');
    const ops = web.readFile(SYNC_BRANCH, '.github/workflows/ops-implement.yml') ?? '';
    expect(ops).toBe(web.readFile(SYNC_BRANCH, '.github/workflows/claude-implement.yml'));
    expect(ops).toContain('LINEAR_API_KEY: ${{ secrets.LINEAR_API_KEY }}');
    expect(ops).toContain('JIRA_TOKEN: ${{ secrets.JIRA_TOKEN }}');
    expect(web.pulls[0]?.body).toContain('`JIRA_TOKEN`, `JIRA_CLOUD_ID`, `JIRA_SITE_URL`');
  });

  it('syncs one repository at a time: two concurrent syncs open one pull request', async () => {
    const sync = createTemplateSync({ github: bed.client });
    const outcomes = await Promise.all([sync.sync(target(ENG)), sync.sync(target(ENG))]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['opened', 'unchanged']);
    expect(web.pulls).toHaveLength(1);
  });

  it('names what to fix when GitHub refuses', async () => {
    const sync = createTemplateSync({ github: bed.client });
    const elsewhere = mapping({ owner: 'other', repo: 'thing' });
    await expect(sync.sync(target(elsewhere))).rejects.toMatchObject({
      category: 'not_found',
      message: 'the GitHub App is not installed on other/thing',
    });
    const develop = mapping({ defaultBranch: 'develop' });
    await expect(sync.sync(target(develop))).rejects.toMatchObject({
      category: 'not_found',
      message:
        "branch develop does not exist in acme/web; set the mapping's defaultBranch to the repository's primary branch",
    });
    bed.fake.failNext(1, 403, {
      operationId: 'repos/create-or-update-file-contents',
      message: 'Resource not accessible by integration',
    });
    const refused = await sync.sync(target(ENG)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(IntegrationError);
    expect(refused).toMatchObject({ category: 'auth' });
    expect((refused as Error).message).toContain('commit .github/workflows/claude-implement.yml');

    const statuses = await sync.statusAll([
      elsewhere,
      mapping({ teamKey: 'A', repo: 'x' }),
      mapping({ teamKey: 'B', repo: 'x', defaultBranch: 'dev' }),
    ]);
    expect(statuses.map((s) => [s.repository, s.status])).toEqual([
      ['acme/x', 'unknown'],
      ['other/thing', 'unknown'],
    ]);
    expect(statuses[0]?.error).toContain('disagree on defaultBranch (A: main, B: dev)');
    expect(statuses[1]?.error).toBe('the GitHub App is not installed on other/thing');
  });

  it('reads the templates shipped in templates/', () => {
    expect(loadTemplates().map((t) => [t.name, t.kind])).toEqual([
      ['claude-implement.yml', 'workflow'],
      ['claude-plan.yml', 'workflow'],
      ['comment-trigger.yml', 'workflow'],
      ['WORKFLOW.md', 'starter'],
      ['PLANNING.md', 'starter'],
      ['.ai-implement/config.yml', 'starter'],
    ]);
  });
});
