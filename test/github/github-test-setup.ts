import {
  createFakeGitHub,
  generateTestAppKeyPair,
  type FakeGitHub,
} from '../fakes/github/fake-github-server.ts';
import { createGitHubAppClient, type GitHubAppClient } from '../../src/github/github-app.ts';

/** One key pair per test process: RSA generation is slow enough to matter when repeated. */
export const APP_KEYS = generateTestAppKeyPair();
export const APP_ID = 424242;
export const INSTALLATION_ID = 9001;

export interface GitHubTestBed {
  fake: FakeGitHub;
  client: GitHubAppClient;
}

/**
 * A fake GitHub with the app installed on acme/api (which has claude-implement.yml and
 * claude-plan.yml declaring the CONTRACTS §3 inputs) and a client pointed at it.
 */
export async function startGitHubTestBed(): Promise<GitHubTestBed> {
  const fake = await createFakeGitHub({ appId: APP_ID, publicKey: APP_KEYS.publicKey });
  const inputs = ['issue_id', 'issue_identifier', 'payload'];
  fake.addRepo({
    owner: 'acme',
    repo: 'api',
    defaultBranch: 'main',
    workflows: [
      { file: 'claude-implement.yml', inputs },
      { file: 'claude-plan.yml', inputs },
    ],
  });
  fake.addInstallation({ id: INSTALLATION_ID, account: 'acme', repos: ['acme/api'] });
  const client = createGitHubAppClient({
    appId: APP_ID,
    privateKey: APP_KEYS.privateKey,
    baseUrl: fake.url,
    log: silentLog,
  });
  return { fake, client };
}

/** Keeps Octokit's expected warnings (rate limits, 401 retries) out of the test output. */
export const silentLog = { debug() {}, info() {}, warn() {}, error() {} };
