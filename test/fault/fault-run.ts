import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DispatchPayload } from '../../src/runners/types.ts';
import { WORKFLOW_INPUTS } from '../e2e/e2e-world.ts';
import { completedTicks, startOrchestrator, type OrchestratorProcess } from '../e2e/orchestrator-process.ts';
import { createFakeGitHub, generateTestAppKeyPair } from '../fakes/github/fake-github-server.ts';
import { startFakeLinear } from '../fakes/linear/fake-linear-server.ts';
import { freePort } from '../support/free-port.ts';
import { seededRandom, startFaultProxy, type Fault } from './fault-proxy.ts';

/**
 * The fault run of issue 9, as one function for the CI test (test/fault/) and the long form
 * (bench/fault-run.ts): the real product (`npm start`) against fake Linear and GitHub, each
 * behind a seeded fault-injecting proxy; tickets over three teams (the first plans, then
 * implements; the others implement at once); a stand-in runner that answers every workflow run
 * with a result (and, for implementation, a PR in the fake repository), retrying until the
 * orchestrator takes it; the orchestrator SIGKILLed at seeded moments and started again. Then
 * faults stop, the world settles, and the invariants are checked.
 */

export interface FaultRunOptions {
  seed: number;
  /** Labelled tickets, spread over the teams. */
  tickets: number;
  /** Tickets blocked by an unresolved prerequisite (never to be dispatched). */
  blocked: number;
  crashes: number;
  /** Share of Linear and GitHub calls that fail, 0–1. */
  faultRate: number;
  /** Longest wait between two crashes, ms (each wait is drawn between a quarter of it and it). */
  crashEveryMs: number;
  stallMs: number;
  /** After the crashes, how long work goes on under faults (less if it settles first), ms. */
  workUnderFaultsMs: number;
  /** How long the world may take to settle once faults stop, ms. */
  settleTimeoutMs: number;
  /** Progress lines (bench); silent by default. */
  log?: (line: string) => void;
}

export interface FaultRunReport {
  violations: string[];
  figures: {
    tickets: number;
    blocked: number;
    crashes: number;
    faultRate: number;
    runs: number;
    /** Runs dispatched before faults stopped. */
    runsUnderFaults: number;
    resultsPosted: number;
    requests: { linear: Record<string, number>; github: Record<string, number> };
    /** Faults on (crashes, then work under faults), and from faults off to settled, seconds. */
    faultPhaseSeconds: number;
    settleSeconds: number;
  };
}

const TEAMS = ['WEB', 'ENG', 'OPS'];
const LINEAR_FAULTS: Fault[] = [
  'http-500',
  'http-502',
  'http-429',
  'ratelimited-200',
  'reset',
  'stall',
  'applied-502',
];
const GITHUB_FAULTS: Fault[] = ['http-500', 'http-502', 'http-429', 'reset', 'stall', 'applied-502'];

interface RunRecord {
  index: number;
  payload: DispatchPayload;
  runId: number;
  observedAt: number;
  firstResultSentAt?: number;
  resultAccepted?: boolean;
}

export async function runFaultScenario(options: FaultRunOptions): Promise<FaultRunReport> {
  const log = options.log ?? (() => {});
  const random = seededRandom(options.seed);
  const appId = 9000 + (options.seed % 1000);
  const keys = generateTestAppKeyPair();
  const github = await createFakeGitHub({ appId, publicKey: keys.publicKey });
  const repos = TEAMS.map((team) => `svc-${team.toLowerCase()}`);
  for (const repo of repos) {
    github.addRepo({
      owner: 'acme',
      repo,
      defaultBranch: 'main',
      workflows: ['claude-implement.yml', 'claude-plan.yml'].map((file) => ({
        file,
        inputs: WORKFLOW_INPUTS,
      })),
    });
  }
  github.addInstallation({ id: appId + 1, account: 'acme', repos: repos.map((repo) => `acme/${repo}`) });
  const linear = await startFakeLinear({
    apiKey: `lin_api_fault_${options.seed}`,
    requestsLimit: 10_000_000,
  });
  for (const key of TEAMS) linear.addTeam({ key });
  const proxyOptions = { faultRate: options.faultRate, stallMs: options.stallMs };
  const linearProxy = await startFaultProxy({
    ...proxyOptions,
    target: linear.url,
    seed: options.seed,
    faults: LINEAR_FAULTS,
  });
  const githubProxy = await startFaultProxy({
    ...proxyOptions,
    target: github.url,
    seed: options.seed + 1,
    faults: GITHUB_FAULTS,
  });
  linearProxy.setEnabled(false);
  githubProxy.setEnabled(false);

  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-implement-fault-'));
  const secrets = {
    privateKey: keys.privateKey.trim().replace(/\n/g, '\\n'),
    linearKey: linear.apiKey,
    tokenSecret: `fault-runner-token-secret-${options.seed}-0123456789abcdef`,
    accessCode: `fault-access-code-${options.seed}`,
  };
  const env = {
    GITHUB_APP_ID: String(appId),
    GITHUB_APP_PRIVATE_KEY: secrets.privateKey,
    GITHUB_API_URL: githubProxy.url,
    LINEAR_API_KEY: secrets.linearKey,
    LINEAR_API_URL: linearProxy.url,
    ADMIN_ACCESS_CODE: secrets.accessCode,
    POLL_INTERVAL_MS: '1000',
    DEDUP_DB_PATH: path.join(dir, 'dedup.sqlite'),
    RUNNER_TOKEN_SECRET: secrets.tokenSecret,
    RUNNER_CALLBACK_BASE_URL: `http://127.0.0.1:${port}`,
  };
  const outputs: string[] = [];
  let orchestrator: OrchestratorProcess = await startOrchestrator(env, port);
  const base = `http://127.0.0.1:${port}`;

  const violations: string[] = [];
  const records: RunRecord[] = [];
  let runnerStopped = false;
  let resultsPosted = 0;
  try {
    // Set up without faults: the mappings, through the admin API as an operator does.
    const token = String(
      (
        (await (
          await fetch(`${base}/api/auth`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ code: secrets.accessCode }),
          })
        ).json()) as { token: string }
      ).token,
    );
    for (const [i, team] of TEAMS.entries()) {
      const response = await fetch(`${base}/api/mappings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          teamKey: team,
          owner: 'acme',
          repo: repos[i],
          defaultBranch: 'main',
          planningEnabled: i === 0,
          maxInProgressAiIssues: 8,
        }),
      });
      if (response.status !== 201)
        throw new Error(`mapping ${team}: ${response.status} ${await response.text()}`);
    }

    const prerequisite = linear.addIssue({ team: TEAMS[1]!, title: 'Prerequisite', state: 'In Progress' });
    const eligible = Array.from({ length: options.tickets }, (_, i) =>
      linear.addIssue({
        team: TEAMS[i % TEAMS.length]!,
        title: `Fault ticket ${i + 1}`,
        priority: 1 + (i % 4),
        state: 'Todo',
        labels: ['AI-Implement'],
      }),
    );
    const blocked = Array.from({ length: options.blocked }, (_, i) =>
      linear.addIssue({
        team: TEAMS[i % TEAMS.length]!,
        title: `Blocked ticket ${i + 1}`,
        state: 'Todo',
        labels: ['AI-Implement'],
        blockedBy: [prerequisite.id],
      }),
    );
    const teamOf = new Map(
      [...eligible, ...blocked].map((issue) => [issue.id, issue.identifier.split('-')[0]!]),
    );

    // The stand-in runner: one result per workflow run, retried until the orchestrator takes it.
    const pending = new Set<Promise<void>>();
    const runner = (async () => {
      while (!runnerStopped) {
        for (let i = records.length; i < github.workflowRuns.length; i += 1) {
          const payload = JSON.parse(String(github.dispatches[i]!.inputs.payload)) as DispatchPayload;
          const record: RunRecord = {
            index: i,
            payload,
            runId: github.workflowRuns[i]!.id,
            observedAt: Date.now(),
          };
          records.push(record);
          const delayMs = 200 + Math.floor(random() * 1200);
          const work = finishRun(record, delayMs).finally(() => pending.delete(work));
          pending.add(work);
        }
        await sleep(50);
      }
      await Promise.all(pending);
    })();

    async function finishRun(record: RunRecord, delayMs: number): Promise<void> {
      await sleep(delayMs);
      const { payload } = record;
      const team = teamOf.get(payload.issue.id) ?? 'WEB';
      const repo = `svc-${team.toLowerCase()}`;
      let result: Record<string, unknown> = { status: 'success', summary: `${payload.phase} done` };
      if (payload.phase !== 'planning') {
        const fake = github.repo('acme', repo);
        const number = Math.max(0, ...fake.pulls.map((pull) => pull.number)) + 1;
        const branch = `ai/${payload.issue.identifier.toLowerCase()}-${number}`;
        fake.refs.set(`refs/heads/${branch}`, fake.refs.get('refs/heads/main') ?? '');
        const now = new Date().toISOString();
        fake.pulls.push({
          id: 70_000 + record.index,
          number,
          title: `${payload.issue.identifier}: ${payload.issue.title}`,
          body: `Fixes ${payload.issue.identifier}`,
          state: 'open',
          draft: false,
          head: branch,
          base: 'main',
          user: { login: 'ai-implement[bot]', id: 41_004_343, type: 'Bot' },
          createdAt: now,
          updatedAt: now,
        });
        result = { ...result, prUrl: `https://github.com/acme/${repo}/pull/${number}`, branch };
      }
      const callback = payload.callback;
      if (!callback) {
        violations.push(`${payload.issue.identifier}: dispatch ${payload.dispatchId} has no callback`);
        return;
      }
      record.firstResultSentAt = Date.now();
      for (;;) {
        try {
          const response = await fetch(`${callback.url}/runner/result`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${callback.resultToken}` },
            body: JSON.stringify(result),
          });
          if (response.status === 200) {
            record.resultAccepted = true;
            resultsPosted += 1;
            return;
          }
          if (response.status !== 502 && response.status !== 503 && response.status < 500) {
            violations.push(
              `${payload.issue.identifier}: result of ${payload.dispatchId} answered ${response.status} ${await response.text()}`,
            );
            return;
          }
        } catch {
          // The orchestrator is down (killed): the runner retries, as src/runner/callbacks.ts does.
        }
        if (runnerStopped) return;
        await sleep(300);
      }
    }

    // Faults on; kill and restart at seeded moments.
    const faultStart = Date.now();
    linearProxy.setEnabled(true);
    githubProxy.setEnabled(true);
    for (let crash = 1; crash <= options.crashes; crash += 1) {
      await sleep(options.crashEveryMs * (0.25 + 0.75 * random()));
      await orchestrator.kill();
      outputs.push(orchestrator.output());
      log(`crash ${crash}/${options.crashes}: ${records.length} runs, ${resultsPosted} results so far`);
      orchestrator = await startOrchestrator(env, port);
    }
    // Work on under faults, without crashes, until settled (or `workUnderFaultsMs`), so most
    // runs meet the faults; then faults stop and the world must settle.
    const settled = () =>
      eligible.every((issue) => linear.getIssue(issue.id)?.labels.join(',') === 'Ready for Review') &&
      records.every((record) => record.resultAccepted);
    await waitFor(settled, options.workUnderFaultsMs);
    const faultPhaseSeconds = (Date.now() - faultStart) / 1000;
    const runsUnderFaults = records.length;
    linearProxy.setEnabled(false);
    githubProxy.setEnabled(false);
    log(`faults off: ${records.length} runs, ${resultsPosted} results`);

    const settleStart = Date.now();
    if (!(await waitFor(settled, options.settleTimeoutMs))) {
      violations.push(`not settled ${options.settleTimeoutMs / 1000} s after faults stopped`);
    }
    const target = (await completedTicks(base)) + 3;
    while ((await completedTicks(base)) < target) await sleep(200);
    const settleSeconds = (Date.now() - settleStart) / 1000;
    runnerStopped = true;
    await runner;
    await orchestrator.stop();
    outputs.push(orchestrator.output());

    checkInvariants({ eligible, blocked, records, linear, outputs, secrets, violations });
    return {
      violations,
      figures: {
        tickets: options.tickets,
        blocked: options.blocked,
        crashes: options.crashes,
        faultRate: options.faultRate,
        runs: records.length,
        runsUnderFaults,
        resultsPosted,
        requests: { linear: { ...linearProxy.counts }, github: { ...githubProxy.counts } },
        faultPhaseSeconds,
        settleSeconds,
      },
    };
  } finally {
    runnerStopped = true;
    await orchestrator.kill().catch(() => undefined);
    await Promise.all([linearProxy.close(), githubProxy.close()]);
    await Promise.all([github.close(), linear.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function checkInvariants(input: {
  eligible: { id: string; identifier: string }[];
  blocked: { id: string; identifier: string }[];
  records: RunRecord[];
  linear: { getIssue(id: string): { labels: string[] } | undefined };
  outputs: string[];
  secrets: Record<string, string>;
  violations: string[];
}): void {
  const { violations } = input;
  const runsOf = new Map<string, RunRecord[]>();
  for (const record of input.records) {
    runsOf.set(record.payload.issue.id, [...(runsOf.get(record.payload.issue.id) ?? []), record]);
  }
  for (const issue of input.eligible) {
    const runs = runsOf.get(issue.id) ?? [];
    // No ticket dispatched twice: one run per phase (a re-sent lost intent is the same run).
    const phases = runs.map((run) => run.payload.phase);
    for (const phase of new Set(phases)) {
      const count = phases.filter((p) => p === phase).length;
      if (count > 1) violations.push(`${issue.identifier}: ${count} ${phase} runs`);
    }
    // Every eligible ticket dispatched, through to implementation.
    if (!phases.includes('implementation')) violations.push(`${issue.identifier}: never implemented`);
    // No two runs of one ticket overlapping: a later run appeared only after the earlier reported.
    for (let i = 1; i < runs.length; i += 1) {
      const earlier = runs[i - 1]!;
      if (earlier.firstResultSentAt === undefined || runs[i]!.observedAt < earlier.firstResultSentAt) {
        violations.push(
          `${issue.identifier}: ${runs[i]!.payload.phase} started while ${earlier.payload.phase} ran`,
        );
      }
    }
    // Every accepted result reflected in the ticket's marker.
    const labels = input.linear.getIssue(issue.id)?.labels ?? [];
    if (labels.join(',') !== 'Ready for Review')
      violations.push(`${issue.identifier}: labels ${labels.join(',')}`);
  }
  // Blocked tickets never dispatched.
  for (const issue of input.blocked) {
    if ((runsOf.get(issue.id) ?? []).length > 0)
      violations.push(`${issue.identifier}: blocked but dispatched`);
  }
  // No secret in the logs.
  const logs = input.outputs.join('\n');
  const pemLine = input.secrets.privateKey!.split('\\n').find((line) => line.length > 40) ?? '';
  const tokens = input.records.flatMap((record) =>
    record.payload.callback
      ? [record.payload.callback.resultToken, record.payload.callback.progressToken]
      : [],
  );
  for (const [name, value] of [
    ['GITHUB_APP_PRIVATE_KEY', pemLine],
    ['LINEAR_API_KEY', input.secrets.linearKey!],
    ['RUNNER_TOKEN_SECRET', input.secrets.tokenSecret!],
    ['ADMIN_ACCESS_CODE', input.secrets.accessCode!],
    ...tokens.map((token) => ['a run token', token] as const),
  ] as const) {
    if (value && logs.includes(value)) violations.push(`${name} appears in the logs`);
  }
}

/** Polls `done` every 250 ms; false when `timeoutMs` passed first. */
async function waitFor(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await sleep(250);
  }
  return true;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
