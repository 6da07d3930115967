/**
 * The outside world of the demo, on 127.0.0.1: fake Linear, fake GitHub (with the App installed
 * on the demo repository) and a git remote served by `git http-backend` that accepts installation
 * tokens the fake GitHub issued and shows every push to it. The fakes come from test/fakes: the
 * demo is a development tool, not part of the product.
 */
import { startGitServer, type GitServer } from '../../test/fakes/git/git-http-server.ts';
import { syncFakeRepo } from '../../test/fakes/git/sync-fake-repo.ts';
import {
  createFakeGitHub,
  generateTestAppKeyPair,
  type FakeGitHub,
  type FakeRepo,
} from '../../test/fakes/github/fake-github-server.ts';
import { startFakeLinear, type FakeLinear } from '../../test/fakes/linear/fake-linear-server.ts';
import type { IssueRefs } from '../../src/ticketing/memory/workspace-seed.ts';
import { DEMO_OWNER, DEMO_REPO, DEMO_TEAM, DEMO_TICKET, demoRepoFiles } from './demo-repo.ts';

export const DEMO_APP_ID = 31337;
const INSTALLATION_ID = 4711;

export interface DemoWorld {
  linear: FakeLinear;
  github: FakeGitHub;
  git: GitServer;
  repo: FakeRepo;
  /** The seeded ticket, not yet labelled `AI-Implement`. */
  issue: IssueRefs;
  /** The GitHub App's private key (PKCS#1 PEM), for the orchestrator's GITHUB_APP_PRIVATE_KEY. */
  appPrivateKey: string;
  close(): Promise<void>;
}

export async function startDemoWorld(): Promise<DemoWorld> {
  const keys = generateTestAppKeyPair();
  const linear = await startFakeLinear({ apiKey: 'lin_api_demo_0123456789', workspaceUrlKey: 'demo' });
  linear.addTeam({ key: DEMO_TEAM });
  const issue = linear.addIssue({ team: DEMO_TEAM, ...DEMO_TICKET });

  const github = await createFakeGitHub({ appId: DEMO_APP_ID, publicKey: keys.publicKey });
  const repo = github.addRepo({ owner: DEMO_OWNER, repo: DEMO_REPO, defaultBranch: 'main' });
  github.addInstallation({ id: INSTALLATION_ID, account: DEMO_OWNER, repos: [`${DEMO_OWNER}/${DEMO_REPO}`] });

  const git = await startGitServer({
    // As on GitHub: `x-access-token:<installation token>`, good when the token may read the repo.
    authenticate: async ({ owner, repo: name, user, password }) =>
      user === 'x-access-token' &&
      (
        await fetch(`${github.url}/repos/${owner}/${name}`, {
          headers: { authorization: `token ${password}` },
        })
      ).ok,
    onPush: ({ bareDir }) => syncFakeRepo(repo, bareDir),
  });
  syncFakeRepo(repo, git.createRepo({ owner: DEMO_OWNER, repo: DEMO_REPO, files: demoRepoFiles() }));

  return {
    linear,
    github,
    git,
    repo,
    issue,
    appPrivateKey: keys.privateKey,
    async close() {
      await Promise.allSettled([linear.close(), github.close(), git.close()]);
    },
  };
}
