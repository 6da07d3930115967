import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DispatchPayload } from '../../src/runners/types.ts';
import {
  createFakeGitHub,
  generateTestAppKeyPair,
  type FakeGitHub,
} from '../fakes/github/fake-github-server.ts';
import { startFakeFly, type FakeFly } from '../fakes/fly/fake-fly-server.ts';
import { startFakeLinear, type FakeLinear } from '../fakes/linear/fake-linear-server.ts';
import { freePort } from '../support/free-port.ts';
import { freshDatabase, startPostgres } from '../support/postgres-server.ts';
import { startOrchestrator, type OrchestratorProcess } from './orchestrator-process.ts';

/** The workflow inputs of CONTRACTS.md §3, as the synced workflow files declare them. */
export const WORKFLOW_INPUTS = ['issue_id', 'issue_identifier', 'payload'];

/** A Jira mapping of the fake Jira's project OPS to acme/jira-repo, implementation only. */
export const JIRA_OPS_MAPPING = {
  teamKey: 'OPS',
  owner: 'acme',
  repo: 'jira-repo',
  defaultBranch: 'main',
  planningEnabled: false,
  ticketingProvider: 'jira',
  ticketingConfig: { kind: 'jira', jql: 'project = OPS', repoFieldValue: 'jira-repo' },
};

export interface E2eWorldOptions {
  appId: number;
  /** Repositories of `acme` with the App installed; workflows default to implement + plan. */
  repos: { repo: string; workflows?: string[] }[];
  /** Team keys created in the fake Linear. */
  linearTeams?: string[];
  /** More environment for the orchestrator (Jira, webhook secrets, …). */
  env?: Record<string, string>;
  /**
   * Start a fake Fly with this sessions app and point the orchestrator at it (FLY_SESSIONS_TOKEN,
   * FLY_API_URL, FLY_SESSIONS_APP).
   */
  flyApp?: string;
  /**
   * The ledger: a PostgreSQL URL (DATABASE_URL; `freshDatabase` in test/support/postgres-server.ts
   * makes one), or a new SQLite file at DEDUP_DB_PATH when absent — unless the environment says
   * `E2E_DATABASE=postgres`: then every world without a URL gets a throw-away PostgreSQL server of
   * its own (`E2E_DATABASE=postgres npx vitest run test/e2e` runs the e2e suite on PostgreSQL).
   * `'sqlite'`: SQLite whatever the environment says (a test that runs both ledgers itself).
   */
  databaseUrl?: string | 'sqlite';
  /** The Linear URL the orchestrator is given, from the fake's (e.g. a fault proxy in front). */
  linearUrl?: (fakeUrl: string) => Promise<string>;
}

/** Fake GitHub (App installed) and Linear, and the orchestrator started with `npm start` against them. */
export interface E2eWorld {
  github: FakeGitHub;
  linear: FakeLinear;
  /** Present with `flyApp`. */
  fly: FakeFly | undefined;
  orchestrator: OrchestratorProcess;
  /** The environment and port it was started with, to restart it on the same database. */
  env: Record<string, string>;
  port: number;
  accessCode: string;
  adminToken: string;
  /** An admin API call with the bearer token. */
  api<T = Record<string, unknown>>(
    method: string,
    route: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  /** A POST with the given headers and no admin token (runner callbacks, triggers). */
  post(
    route: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** The payloads of every dispatch GitHub received, in order. */
  payloads(): DispatchPayload[];
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startE2eWorld(options: E2eWorldOptions): Promise<E2eWorld> {
  const keys = generateTestAppKeyPair();
  const github = await createFakeGitHub({ appId: options.appId, publicKey: keys.publicKey });
  for (const { repo, workflows = ['claude-implement.yml', 'claude-plan.yml'] } of options.repos) {
    github.addRepo({
      owner: 'acme',
      repo,
      defaultBranch: 'main',
      workflows: workflows.map((file) => ({ file, inputs: WORKFLOW_INPUTS })),
    });
  }
  github.addInstallation({
    id: options.appId + 1,
    account: 'acme',
    repos: options.repos.map((r) => `acme/${r.repo}`),
  });
  const linear = await startFakeLinear({ apiKey: `lin_api_${options.appId}` });
  for (const key of options.linearTeams ?? ['ENG']) linear.addTeam({ key });
  const fly = options.flyApp ? await startFakeFly() : undefined;
  if (fly && options.flyApp) fly.addApp(options.flyApp);
  const port = await freePort();
  const accessCode = `e2e-access-code-${options.appId}`;
  const ownServer =
    !options.databaseUrl && process.env.E2E_DATABASE === 'postgres' ? await startPostgres() : undefined;
  const databaseUrl =
    options.databaseUrl === 'sqlite'
      ? undefined
      : (options.databaseUrl ?? (ownServer ? await freshDatabase(ownServer, 'e2e') : undefined));
  const env = {
    GITHUB_APP_ID: String(options.appId),
    // As operators set it: one line, newlines written as \n.
    GITHUB_APP_PRIVATE_KEY: keys.privateKey.trim().replace(/\n/g, '\\n'),
    GITHUB_API_URL: github.url,
    LINEAR_API_KEY: linear.apiKey,
    LINEAR_API_URL: options.linearUrl ? await options.linearUrl(linear.url) : linear.url,
    ADMIN_ACCESS_CODE: accessCode,
    POLL_INTERVAL_MS: '1000',
    ...(databaseUrl
      ? { DATABASE_URL: databaseUrl }
      : {
          DEDUP_DB_PATH: path.join(
            fs.mkdtempSync(path.join(os.tmpdir(), 'ai-implement-e2e-')),
            'dedup.sqlite',
          ),
        }),
    RUNNER_TOKEN_SECRET: `e2e-runner-token-secret-${options.appId}-0123456789abcdef`,
    RUNNER_CALLBACK_BASE_URL: `http://127.0.0.1:${port}`,
    ...(fly && options.flyApp
      ? { FLY_SESSIONS_TOKEN: fly.token, FLY_API_URL: fly.url, FLY_SESSIONS_APP: options.flyApp }
      : {}),
    ...options.env,
  };
  const world: E2eWorld = {
    github,
    linear,
    fly,
    orchestrator: await startOrchestrator(env, port),
    env,
    port,
    accessCode,
    adminToken: '',
    async api<T>(method: string, route: string, body?: unknown) {
      const response = await fetch(world.orchestrator.url + route, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${world.adminToken}` },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as T };
    },
    async post(route, body, headers = {}) {
      const response = await fetch(world.orchestrator.url + route, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    payloads: () => github.dispatches.map((d) => JSON.parse(String(d.inputs.payload)) as DispatchPayload),
    async restart() {
      await world.orchestrator.stop();
      world.orchestrator = await startOrchestrator(env, port);
    },
    async close() {
      await world.orchestrator.stop();
      await Promise.all([github.close(), linear.close(), fly?.close()]);
      await ownServer?.stop();
    },
  };
  world.adminToken = String((await world.post('/api/auth', { code: accessCode })).body.token);
  return world;
}
