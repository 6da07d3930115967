import type { CiFailure } from '../../../src/domain/ci-failure.ts';
import { serve, type ServerType } from '@hono/node-server';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createGitHubAppClient, type GitHubAppClient } from '../../../src/github/github-app.ts';
import { createHttpApp } from '../../../src/http/app.ts';
import type { Phase } from '../../../src/domain/phases.ts';
import { requestRun } from '../../../src/orchestrator/request-run.ts';
import type { DispatchPayload } from '../../../src/runners/types.ts';
import { getMapping } from '../../../src/store/mappings.ts';
import { createLinearProvider } from '../../../src/ticketing/linear/linear-provider.ts';
import { startGitServer, type GitServer } from '../../fakes/git/git-http-server.ts';
import { syncFakeRepo } from '../../fakes/git/sync-fake-repo.ts';
import { createFakeGitHub, type FakeGitHub } from '../../fakes/github/fake-github-server.ts';
import { startFakeLinear, type FakeLinear } from '../../fakes/linear/fake-linear-server.ts';
import type { IssueRefs } from '../../../src/ticketing/memory/workspace-seed.ts';
import { APP_ID, APP_KEYS, INSTALLATION_ID, silentLog } from '../../github/github-test-setup.ts';
import { createHarness, type Harness } from '../../support/orchestrator-harness.ts';
import { TARGET_REPO_FILES } from './target-repo.ts';

/**
 * Everything a run talks to, as real servers on loopback: the orchestrator's HTTP app (over the
 * test harness, with the real Linear provider), a fake Linear, a fake GitHub (with the app
 * installed on acme/api) and a git remote over `git http-backend` that checks installation tokens
 * against the fake GitHub and shows every push to it.
 */
export interface RunnerWorld {
  h: Harness;
  linear: FakeLinear;
  github: FakeGitHub;
  git: GitServer;
  app: GitHubAppClient;
  issue: IssueRefs;
  /** Dispatches a run through the orchestrator's one path (`requestRun`) and returns its payload. */
  dispatch(
    phase: Phase,
    options?: { pullRequest?: { number: number; branch: string }; ciFailure?: CiFailure },
  ): Promise<DispatchPayload>;
  installationToken(): Promise<string>;
  /** The environment a run gets, as the local backend would set it. */
  runnerEnv(workdir: string, extra?: Record<string, string>): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export const STAND_IN = path.resolve(import.meta.dirname, '../../fakes/claude/claude-stand-in.ts');
export const CLAUDE_KEY = 'sk-ant-test-0123456789abcdef';

export async function startRunnerWorld(
  options: { files?: Record<string, string>; mapping?: Record<string, unknown>; description?: string } = {},
): Promise<RunnerWorld> {
  const h = await createHarness();
  const linear = await startFakeLinear();
  linear.addTeam({ key: 'ENG' });
  const issue = linear.addIssue({
    team: 'ENG',
    title: 'Add a farewell function',
    description:
      options.description ??
      'Add `farewell(name)` next to `greet(name)`, returning "Goodbye <name>", with a test.',
    labels: ['AI-Implement'],
  });
  h.ctx.ticketing = new Map([
    ['linear', createLinearProvider({ apiKey: linear.apiKey, apiUrl: linear.url })],
  ]);

  const github = await createFakeGitHub({ appId: APP_ID, publicKey: APP_KEYS.publicKey });
  const fakeRepo = github.addRepo({ owner: 'acme', repo: 'api', defaultBranch: 'main' });
  github.addInstallation({ id: INSTALLATION_ID, account: 'acme', repos: ['acme/api'] });
  const app = createGitHubAppClient({
    appId: APP_ID,
    privateKey: APP_KEYS.privateKey,
    baseUrl: github.url,
    log: silentLog,
  });

  const git = await startGitServer({
    // A token is good for git when GitHub lets it read the repository, as with installation tokens.
    authenticate: async ({ owner, repo, user, password }) =>
      user === 'x-access-token' &&
      (
        await fetch(`${github.url}/repos/${owner}/${repo}`, {
          headers: { authorization: `token ${password}` },
        })
      ).ok,
    onPush: ({ bareDir }) => syncFakeRepo(fakeRepo, bareDir),
  });
  syncFakeRepo(
    fakeRepo,
    git.createRepo({ owner: 'acme', repo: 'api', files: options.files ?? TARGET_REPO_FILES }),
  );

  const server: ServerType = await new Promise((resolve) => {
    const started = serve(
      {
        fetch: createHttpApp({
          orchestrator: h.ctx,
          adminAccessCode: 'runner-world',
          statusChecks: async () => [],
        }).fetch,
        port: 0,
        hostname: '127.0.0.1',
      },
      () => resolve(started),
    );
  });
  const callbackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  h.ctx.callback = { ...h.ctx.callback!, baseUrl: callbackUrl };
  await h.addMapping({
    teamKey: 'ENG',
    owner: 'acme',
    repo: 'api',
    defaultBranch: 'main',
    ...options.mapping,
  });
  const homes: string[] = [];

  async function installationToken(): Promise<string> {
    const octokit = await app.repoOctokit('acme', 'api');
    return ((await octokit.auth({ type: 'installation' })) as { token: string }).token;
  }

  return {
    h,
    linear,
    github,
    git,
    app,
    issue,
    installationToken,
    async dispatch(phase, dispatchOptions = {}) {
      const provider = h.ctx.ticketing.get('linear')!;
      const ticket = (await provider.getTickets([issue.id])).get(issue.id)!;
      const mapping = (await getMapping(h.store.db, 'ENG'))!;
      const pr = dispatchOptions.pullRequest;
      const outcome = await requestRun(h.ctx, {
        kind: phase === 'gap-fill' || phase === 'review-fix' || phase === 'ci-fix' ? phase : 'pickup',
        phase,
        ticket,
        mapping,
        ...(pr ? { pullRequest: { key: `acme/api#${pr.number}`, ...pr, runsUsed: 0, budget: 5 } } : {}),
        ...(dispatchOptions.ciFailure ? { ciFailure: dispatchOptions.ciFailure } : {}),
      });
      if (outcome.status !== 'dispatched') throw new Error(`dispatch refused: ${JSON.stringify(outcome)}`);
      return h.backend.dispatched.at(-1)!.payload;
    },
    async runnerEnv(workdir, extra = {}) {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-implement-home-'));
      homes.push(home);
      return {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        GITHUB_REPOSITORY: 'acme/api',
        GITHUB_TOKEN: await installationToken(),
        GITHUB_API_URL: github.url,
        AI_IMPLEMENT_GIT_URL: `${git.url}/acme/api.git`,
        AI_IMPLEMENT_DEFAULT_BRANCH: 'main',
        AI_IMPLEMENT_WORKDIR: workdir,
        CLAUDE_CODE_PATH: STAND_IN,
        ANTHROPIC_API_KEY: CLAUDE_KEY,
        // The stand-in reads its script from this variable; the allowlist passes only what is named.
        AI_IMPLEMENT_AGENT_ENV: 'CLAUDE_STAND_IN_SCRIPT',
        LINEAR_API_KEY: linear.apiKey,
        LINEAR_API_URL: linear.url,
        ...extra,
      };
    },
    async close() {
      server.close();
      await Promise.all([linear.close(), github.close(), git.close()]);
      await h.close();
      for (const home of homes) fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
