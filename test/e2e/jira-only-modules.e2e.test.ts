import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFakeGitHub,
  generateTestAppKeyPair,
  type FakeGitHub,
} from '../fakes/github/fake-github-server.ts';
import { startFakeJira, type FakeJira } from '../fakes/jira/fake-jira-server.ts';
import { JIRA_OPS_MAPPING } from './e2e-world.ts';
import { startOrchestrator, type OrchestratorProcess } from './orchestrator-process.ts';

/**
 * A Jira-only orchestrator (no LINEAR_API_KEY) never loads the Linear provider nor `@linear/sdk`'s
 * main entry: ~20 MB of memory for a tracker it does not use (docs/decisions/tick-at-scale.md,
 * "Memory"). Checked by the modules the process actually loads (test/support/record-modules.mjs),
 * not by RSS, which is too noisy to tell 20 MB from the machine's load — both as the image runs
 * it (`node src/main.ts`: one module per source file, whatever the bundle inlines) and as
 * `npm start` does (the bundle: the provider is a chunk of its own, loaded on demand).
 */
const APP_ID = 5151;
const HOOK = path.resolve(import.meta.dirname, '../support/record-modules.mjs');
const ACCESS_CODE = 'jira-only-access-code';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-implement-jira-only-'));
let github: FakeGitHub;
let jira: FakeJira;
const started: Partial<Record<'src' | 'npm start', OrchestratorProcess>> = {};

async function start(from: 'src' | 'npm start', env: Record<string, string>): Promise<OrchestratorProcess> {
  const name = from === 'src' ? 'src' : 'bundle';
  started[from] = await startOrchestrator(
    {
      ...env,
      NODE_OPTIONS: `--import ${pathToFileURL(HOOK).href}`,
      RECORD_MODULES_FILE: path.join(dir, `${name}-modules.txt`),
      DEDUP_DB_PATH: path.join(dir, `${name}.sqlite`),
    },
    undefined,
    from,
  );
  return started[from];
}

beforeAll(async () => {
  const keys = generateTestAppKeyPair();
  github = await createFakeGitHub({ appId: APP_ID, publicKey: keys.publicKey });
  github.addRepo({ owner: 'acme', repo: 'jira-repo', defaultBranch: 'main', workflows: [] });
  github.addInstallation({ id: APP_ID + 1, account: 'acme', repos: ['acme/jira-repo'] });
  jira = await startFakeJira({ auth: 'bearer', repoOptions: ['jira-repo'] });
  jira.addProject({ key: 'OPS' });
  const env = {
    GITHUB_APP_ID: String(APP_ID),
    GITHUB_APP_PRIVATE_KEY: keys.privateKey.trim().replace(/\n/g, '\\n'),
    GITHUB_API_URL: github.url,
    JIRA_TOKEN: jira.token,
    JIRA_API_URL: jira.apiUrl,
    JIRA_SITE_URL: jira.siteUrl,
    ADMIN_ACCESS_CODE: ACCESS_CODE,
    POLL_INTERVAL_MS: '1000',
    RUNNER_TOKEN_SECRET: 'jira-only-runner-token-secret-0123456789abcdef',
    RUNNER_CALLBACK_BASE_URL: 'http://127.0.0.1:1',
  };
  await Promise.all([start('src', env), start('npm start', env)]);
}, 60_000);

afterAll(async () => {
  await Promise.all(Object.values(started).map((orchestrator) => orchestrator.stop()));
  await Promise.all([github?.close(), jira?.close()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Saves a Jira mapping through the admin API, waits for two ticks, returns the loaded URLs. */
async function exercise(from: 'src' | 'npm start'): Promise<string[]> {
  const orchestrator = started[from]!;
  const auth = await fetch(`${orchestrator.url}/api/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: ACCESS_CODE }),
  });
  const { token } = (await auth.json()) as { token: string };
  const saved = await fetch(`${orchestrator.url}/api/mappings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(JIRA_OPS_MAPPING),
  });
  expect(saved.status).toBe(201);
  await orchestrator.afterTicks(2);
  return fs
    .readFileSync(path.join(dir, `${from === 'src' ? 'src' : 'bundle'}-modules.txt`), 'utf8')
    .split('\n');
}

const sdkMain = (url: string) => url.endsWith('/node_modules/@linear/sdk/dist/index.mjs');

describe('a Jira-only orchestrator (no LINEAR_API_KEY)', () => {
  it('from src/ (as the image runs it) saves a Jira mapping and ticks without loading the Linear provider or @linear/sdk', async () => {
    const loaded = await exercise('src');
    // The recording sees the product's modules, the Jira provider's (loaded on demand) among them.
    expect(loaded.some((url) => url.endsWith('/src/ticketing/jira/jira-provider.ts'))).toBe(true);
    // main.ts imports the agent's OAuth and client modules statically: plain fetch, no SDK.
    const light = /\/src\/ticketing\/linear\/(agent\/[\w-]+|operation-name)\.ts$/;
    const linear = (url: string) => url.includes('/src/ticketing/linear/') && !light.test(url);
    expect(loaded.filter((url) => linear(url) || sdkMain(url))).toEqual([]);
  });

  it('from the bundle (npm start) does the same without loading the Linear provider chunk or @linear/sdk', async () => {
    const loaded = await exercise('npm start');
    expect(loaded.some((url) => /\/dist\/\w+\/jira-provider-[\w-]+\.js$/.test(url))).toBe(true);
    expect(loaded.filter((url) => /\/linear-provider-[\w-]+\.js$/.test(url) || sdkMain(url))).toEqual([]);
  });
});
