import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GitHubAppClient } from '../../src/github/github-app.ts';
import { runTick } from '../../src/orchestrator/tick.ts';
import {
  createLocalBackend,
  passThroughEnv,
  runnerEnvironment,
  type LocalBackend,
} from '../../src/runners/local/local-backend.ts';
import { listDispatchesOfJob, listRecentDispatches } from '../../src/store/dispatches.ts';
import { adminGet, readCalls, tempDir, writeScript } from './support/run-helpers.ts';
import { CLAUDE_KEY, STAND_IN, startRunnerWorld, type RunnerWorld } from './support/runner-world.ts';
import { FAREWELL_FILES } from './support/target-repo.ts';

/**
 * The whole lifecycle through execution mode `local`: the orchestrator's tick picks the labelled
 * ticket up, the local backend runs the runner CLI as a child process for planning, the result
 * dispatches implementation the same way, and the PR, the gap analysis and the ticket end up as a
 * person would see them.
 */
let world: RunnerWorld;
let dir: string;
let workRoot: string;
let backend: LocalBackend;
const logs: string[] = [];

beforeEach(async () => {
  world = await startRunnerWorld();
  dir = tempDir('script');
  workRoot = tempDir('local-runs');
  // The agent user passes through it to its checkout (runs are made inside, 0700, and opened by the runner).
  fs.chmodSync(workRoot, 0o711);
});
afterEach(async () => {
  await backend?.idle();
  await world.close();
  for (const root of [dir, workRoot]) fs.rmSync(root, { recursive: true, force: true });
});

/** What each run's installation token was minted with. */
const tokenRequests: unknown[] = [];

function useLocalBackend(script: string, orchestratorEnv: Record<string, string>) {
  tokenRequests.length = 0;
  const github: Pick<GitHubAppClient, 'repoOctokit'> = {
    async repoOctokit(owner, repo) {
      const octokit = await world.app.repoOctokit(owner, repo);
      const auth = octokit.auth.bind(octokit);
      return Object.assign(Object.create(octokit) as typeof octokit, {
        auth: (request: unknown) => {
          tokenRequests.push(request);
          return auth(request);
        },
      });
    },
  };
  backend = createLocalBackend({
    github,
    githubApiUrl: world.github.url,
    gitServerUrl: world.git.url,
    claudeCodePath: STAND_IN,
    claude: { anthropicApiKey: CLAUDE_KEY },
    linear: { apiKey: world.linear.apiKey, apiUrl: world.linear.url },
    // Given to runs of Jira tickets only (test/e2e/jira-runner.e2e.test.ts); these are Linear's.
    jira: {
      auth: 'bearer',
      token: 'atlassian-token-for-jira-runs-only',
      cloudId: 'cloud-1',
      siteUrl: undefined,
      apiUrl: 'https://api.atlassian.com/ex/jira/cloud-1',
    },
    baseEnv: passThroughEnv(orchestratorEnv),
    extraEnv: { CLAUDE_STAND_IN_SCRIPT: script, AI_IMPLEMENT_AGENT_ENV: 'CLAUDE_STAND_IN_SCRIPT' },
    workRoot,
    logger: pino({ level: 'info' }, { write: (line: string) => logs.push(line) }),
  });
  world.h.ctx.backends = new Map([['local', backend]]);
  world.h.ctx.runnerMode = async () => 'local';
}

const PLAN = '## Architecture Analysis\n\nfarewell goes beside greet.\n\n## Test Plan\n\nnode --test.';
const GAPS =
  '## Implemented\n\n- farewell\n\n## Gaps / Partial Implementation\n\nNone\n\n## Manual Steps Required\n\nNone';

describe('execution mode local', () => {
  it('runs planning and implementation as child processes, from the label to Ready for Review', async () => {
    const script = writeScript(dir, {
      rules: [
        { when: 'Answer with a plan in Markdown', result: PLAN, costUsd: 0.02 },
        { when: 'VERDICT: APPROVE', result: 'VERDICT: APPROVE', costUsd: 0.01 },
        { when: '## Gaps / Partial Implementation', result: GAPS, costUsd: 0.001 },
        {
          actions: [
            { dumpParentEnv: path.join(dir, 'runner-env.json') },
            { write: { path: 'src/farewell.js', content: FAREWELL_FILES['src/farewell.js'] } },
            { write: { path: 'test/farewell.test.js', content: FAREWELL_FILES['test/farewell.test.js'] } },
          ],
          result: 'Added farewell() and its test.',
          costUsd: 0.2,
        },
      ],
    });
    useLocalBackend(script, {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: os.homedir(),
      // The orchestrator's own secrets, which must never reach a run.
      RUNNER_TOKEN_SECRET: 'orchestrator-token-secret-0123456789',
      GITHUB_APP_PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----',
      ADMIN_ACCESS_CODE: 'admin-code',
    });

    const report = await runTick(world.h.ctx);
    expect(report.dispatched).toHaveLength(1);
    await backend.idle();

    const pull = world.github.repo('acme', 'api').pulls[0];
    expect(pull).toMatchObject({ title: 'ENG-1: Add a farewell function', head: 'ai-implement/eng-1' });
    const ticket = world.linear.getIssue(world.issue.id)!;
    expect(ticket.labels).toContain('Ready for Review');
    expect(ticket.comments.some((body) => body.includes('## Architecture Analysis'))).toBe(true);
    expect(ticket.comments.at(-1)).toContain(`/pull/${pull!.number}`);
    // The implementation pass saw the plan that planning posted.
    expect(readCalls(dir).find((call) => call.permissionMode === 'acceptEdits')?.prompt).toContain(
      'farewell goes beside greet.',
    );

    // The planning dispatch opened the job; implementation continued it.
    expect(report.dispatched).toEqual(['ENG-1']);
    const jobId = (await listRecentDispatches(world.h.store.db, 10)).find(
      (d) => d.phase === 'planning',
    )!.job_id;
    const dispatches = await listDispatchesOfJob(world.h.store.db, jobId);
    expect(dispatches.map((d) => [d.phase, d.status, d.runner_mode])).toEqual([
      ['planning', 'succeeded', 'local'],
      ['implementation', 'succeeded', 'local'],
    ]);
    expect(await adminGet(world, '/api/pulls')).toMatchObject({
      // A PR costs all the runs of its job, the plan included: 0.02 + 0.2 + 0.01 + 0.001.
      pulls: [{ number: pull!.number, costUsd: 0.231 }],
    });
    const { steps } = (await adminGet(world, `/api/jobs/${jobId}/steps`)) as { steps: { step: string }[] };
    expect(new Set(steps.map((step) => step.step))).toEqual(
      new Set([
        'checkout',
        'load-workflow',
        'setup-hook',
        'plan',
        'context',
        'implement',
        'verify',
        'review',
        'commit-push',
        'open-pr',
        'gap-analysis',
        'teardown',
        'update-ticket',
      ]),
    );

    // As root (here and in CI) the runner started the agent as another user: the runner's
    // environment (with the installation token) is not the agent's to read. Not as root, it is —
    // and the orchestrator said so at start-up.
    const seen = JSON.parse(fs.readFileSync(path.join(dir, 'runner-env.json'), 'utf8')) as Record<
      string,
      string
    >;
    if (process.getuid?.() === 0) expect(seen).toEqual({ error: 'EACCES' });
    else {
      expect(seen.GITHUB_TOKEN).toBeTruthy();
      expect(logs.join('')).toContain('not root');
    }
    // Each run's token was for acme/api alone, with the permissions its phase needs.
    expect(tokenRequests).toEqual([
      { type: 'installation', repositoryNames: ['api'], permissions: { contents: 'read', metadata: 'read' } },
      {
        type: 'installation',
        repositoryNames: ['api'],
        permissions: { contents: 'write', pull_requests: 'write', issues: 'write', metadata: 'read' },
      },
    ]);
    // Successful runs leave nothing behind.
    expect(fs.readdirSync(workRoot)).toEqual([]);
  });

  it('starts the runner with the run’s credentials and none of the orchestrator’s', async () => {
    const payload = await world.dispatch('planning');
    const orchestratorEnv = {
      PATH: '/usr/bin',
      HOME: os.homedir(),
      RUNNER_TOKEN_SECRET: 'orchestrator-token-secret-0123456789',
      GITHUB_APP_PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----',
      ADMIN_ACCESS_CODE: 'admin-code',
    };
    const mapping = { owner: 'acme', repo: 'api', defaultBranch: 'main' };
    const env = runnerEnvironment(
      {
        baseEnv: passThroughEnv(orchestratorEnv),
        githubApiUrl: world.github.url,
        claude: { anthropicApiKey: CLAUDE_KEY },
        linear: { apiKey: world.linear.apiKey, apiUrl: world.linear.url },
        // Given to runs of Jira tickets only; this one is Linear's.
        jira: {
          auth: 'bearer',
          token: 'atlassian-token-for-jira-runs-only',
          cloudId: 'cloud-1',
          siteUrl: undefined,
          apiUrl: 'https://api.atlassian.com/ex/jira/cloud-1',
        },
      },
      { mapping, payload } as unknown as Parameters<typeof runnerEnvironment>[1],
      { dir: '/tmp/run-1', token: 'ghs_run_token' },
    );
    expect(env).toMatchObject({
      GITHUB_REPOSITORY: 'acme/api',
      AI_IMPLEMENT_DEFAULT_BRANCH: 'main',
      GITHUB_TOKEN: 'ghs_run_token',
      HOME: '/tmp/run-1/home',
      LINEAR_API_KEY: world.linear.apiKey,
    });
    for (const name of ['RUNNER_TOKEN_SECRET', 'GITHUB_APP_PRIVATE_KEY', 'ADMIN_ACCESS_CODE', 'JIRA_TOKEN'])
      expect(env, name).not.toHaveProperty(name);
  });

  it('warns at start-up, naming the risk, when the orchestrator is not root', () => {
    const warnings: string[] = [];
    const logger = {
      info: () => undefined,
      warn: (_fields: object, message: string) => warnings.push(message),
    };
    const options = {
      github: world.app,
      githubApiUrl: world.github.url,
      claude: {},
      baseEnv: {},
      logger,
    };
    createLocalBackend({ ...options, uid: 0 });
    expect(warnings).toEqual([]);
    createLocalBackend({ ...options, uid: 1000 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/not root.*ai-agent.*installation token/);
  });

  it("keeps a failed run's directory and logs, and marks the ticket failed", async () => {
    const script = writeScript(dir, { rules: [{ when: 'Answer with a plan', crash: 3 }] });
    useLocalBackend(script, { PATH: process.env.PATH ?? '/usr/bin:/bin' });
    await runTick(world.h.ctx);
    await backend.idle();
    const ticket = world.linear.getIssue(world.issue.id)!;
    expect(ticket.labels).toContain('AI-Planning-Failed');
    expect(ticket.comments.at(-1)).toMatch(
      /failed at step `plan`:[\s\S]*Claude Code exited with 3 without a result message/,
    );
    const [kept] = fs.readdirSync(workRoot);
    expect(fs.readFileSync(path.join(workRoot, kept!, 'logs', 'runner.log'), 'utf8')).toContain(
      'step plan failed',
    );
    expect(logs.join('')).toContain('local run failed; its checkout and logs are kept');
  });
});
