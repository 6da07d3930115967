import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunResultSchema } from '../../src/domain/run-result.ts';
import { mapping } from './template-fixtures.ts';
import { dispatchContexts, payload, renderedJob } from './workflow-contexts.ts';
import { startRecordingServer, type RecordingServer } from './recording-server.ts';
import { runStep, step } from './workflow-harness.ts';

/** The scripts of claude-implement.yml, run under bash as the Actions runner runs them. */

const ALL_SETTINGS = {
  secrets: {
    AI_IMPLEMENT_APP_ID: '123',
    AI_IMPLEMENT_PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----',
    ANTHROPIC_API_KEY: 'sk-ant-test',
  },
  vars: { AI_IMPLEMENT_RUNNER_REPOSITORY: 'acme/ai-implement' },
};
const BEDROCK_MAPPING = mapping({ provider: 'bedrock', awsRegion: 'us-west-2' });
const BEDROCK_PAYLOAD = payload({ provider: { name: 'bedrock', awsRegion: 'us-west-2' } });

let server: RecordingServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('preflight: repository settings', () => {
  const preflight = step(renderedJob('claude-implement.yml'), 'preflight');

  it('passes when the repository is set up', async () => {
    const run = await runStep(preflight, dispatchContexts(payload(), ALL_SETTINGS));
    expect(run).toMatchObject({ code: 0, outputs: {} });
  });

  it('fails naming every missing secret and variable', async () => {
    const run = await runStep(preflight, dispatchContexts(payload()));
    expect(run.code).toBe(1);
    expect(run.outputs.problem).toBe(
      'missing repository settings: secret AI_IMPLEMENT_APP_ID (the GitHub App id); secret AI_IMPLEMENT_PRIVATE_KEY (the GitHub App private key); variable AI_IMPLEMENT_RUNNER_REPOSITORY (owner/name of the AI-Implement repository); secret CLAUDE_CODE_OAUTH_TOKEN or ANTHROPIC_API_KEY',
    );
    expect(run.stdout).toContain('::error title=AI-Implement is not set up::missing repository settings');
  });

  it('asks for the Bedrock role, and for a re-sync when the workflow was rendered without Bedrock', async () => {
    const bedrock = await runStep(
      step(renderedJob('claude-implement.yml', [BEDROCK_MAPPING]), 'preflight'),
      dispatchContexts(BEDROCK_PAYLOAD, ALL_SETTINGS),
    );
    expect(bedrock.outputs.problem).toBe(
      'missing repository settings: secret AWS_BEDROCK_ROLE_ARN (IAM role for Bedrock)',
    );
    const stale = await runStep(
      preflight,
      dispatchContexts(BEDROCK_PAYLOAD, {
        ...ALL_SETTINGS,
        secrets: { ...ALL_SETTINGS.secrets, AWS_BEDROCK_ROLE_ARN: 'arn:aws:iam::1:role/x' },
      }),
    );
    expect(stale.outputs.problem).toContain('run Sync workflows again after switching to Bedrock');
  });
});

describe('runner: how the runner CLI is started', () => {
  /** A workspace with a runner checkout whose cli.ts records how it was started. */
  function workspaceWithRunner() {
    const workspace = mkdtempSync(path.join(os.tmpdir(), 'ai-implement-workspace-'));
    const temp = mkdtempSync(path.join(os.tmpdir(), 'ai-implement-runner-temp-'));
    const home = mkdtempSync(path.join(os.tmpdir(), 'ai-implement-runner-home-'));
    const cli = path.join(workspace, '.ai-implement-runner/src/runner/cli.ts');
    mkdirSync(path.dirname(cli), { recursive: true });
    writeFileSync(
      cli,
      "import { writeFileSync } from 'node:fs';\nwriteFileSync(process.env.SEEN, JSON.stringify({ cwd: process.cwd(), env: process.env }));\n",
    );
    const contexts = dispatchContexts(payload({ caps: { maxTurns: 12 } }), {
      secrets: { CLAUDE_CODE_OAUTH_TOKEN: 'oauth-token', LINEAR_API_KEY: 'lin_api_key' },
      vars: { AI_IMPLEMENT_MAX_ITERATIONS: '2', AI_IMPLEMENT_AGENT_ENV: 'JAVA_HOME' },
      steps: { 'app-token': { outcome: 'success', outputs: { token: 'ghs_installation_token' } } },
    });
    (contexts.runner as Record<string, string>).temp = temp;
    (contexts.github as Record<string, string>).workspace = workspace;
    return { workspace, temp, home, contexts, seen: path.join(temp, 'seen.json') };
  }

  it('without sudo: runs cli.ts of the runner checkout as this user, the payload left in the event file', async () => {
    const { workspace, temp, home, contexts, seen } = workspaceWithRunner();
    const bin = mkdtempSync(path.join(os.tmpdir(), 'ai-implement-bin-'));
    writeFileSync(path.join(bin, 'sudo'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    const run = await runStep(step(renderedJob('claude-implement.yml'), 'runner'), contexts, {
      cwd: workspace,
      extraEnv: { SEEN: seen, RUNNER_TEMP: temp, HOME: home, PATH: `${bin}:${process.env.PATH ?? ''}` },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('::warning title=AI-Implement cannot isolate the agent::');
    const { cwd, env } = JSON.parse(readFileSync(seen, 'utf8')) as {
      cwd: string;
      env: Record<string, string>;
    };
    expect(cwd).toBe(workspace);
    expect(env).not.toHaveProperty('AI_IMPLEMENT_PAYLOAD');
    expect(JSON.parse(readFileSync(env.GITHUB_EVENT_PATH ?? '', 'utf8'))).toMatchObject({
      inputs: { payload: JSON.stringify(payload({ caps: { maxTurns: 12 } })) },
    });
    expect(env).toMatchObject({
      GITHUB_TOKEN: 'ghs_installation_token',
      CLAUDE_CODE_OAUTH_TOKEN: 'oauth-token',
      LINEAR_API_KEY: 'lin_api_key',
      AI_IMPLEMENT_MAX_ITERATIONS: '2',
      AI_IMPLEMENT_WORKDIR: `${temp}/ai-implement`,
      CLAUDE_CODE_PATH: `${workspace}/.ai-implement-runner/node_modules/.bin/claude`,
    });
    expect(statSync(`${temp}/ai-implement`).isDirectory()).toBe(true);
  });

  it('with sudo: installs the runner for root, locks this user’s files away, passes only what the runner reads', async () => {
    const { workspace, temp, home, contexts } = workspaceWithRunner();
    const bin = mkdtempSync(path.join(os.tmpdir(), 'ai-implement-bin-'));
    const calls = path.join(bin, 'calls.txt');
    // Records every sudo call (one line each) instead of running it.
    writeFileSync(path.join(bin, 'sudo'), `#!/bin/sh\n[ "$1" = -n ] && exit 0\necho "$*" >> ${calls}\n`, {
      mode: 0o755,
    });
    const run = await runStep(step(renderedJob('claude-implement.yml'), 'runner'), contexts, {
      cwd: workspace,
      extraEnv: {
        RUNNER_TEMP: temp,
        HOME: home,
        GITHUB_RUN_ID: '4242',
        GITHUB_RUN_ATTEMPT: '1',
        PATH: `${bin}:${process.env.PATH ?? ''}`,
      },
    });
    expect(run.code, run.stderr).toBe(0);
    const lines = readFileSync(calls, 'utf8').trim().split('\n');
    const install = '/opt/ai-implement-runner';
    expect(lines.slice(0, 3)).toEqual([
      `rm -rf ${install}`,
      `cp -R ${workspace}/.ai-implement-runner ${install}`,
      `chown -R root:root ${install}`,
    ]);
    const start = lines[3] ?? '';
    const keep = (/--preserve-env=(\S+)/.exec(start)?.[1] ?? '').split(',');
    expect(keep).toEqual(
      expect.arrayContaining([
        'GITHUB_EVENT_PATH',
        'GITHUB_TOKEN',
        'LINEAR_API_KEY',
        'AI_IMPLEMENT_WORKDIR',
        'JAVA_HOME',
      ]),
    );
    expect(keep.filter((name) => /^(ACTIONS_|INPUT_|RUNNER_)/.test(name))).toEqual([]);
    expect(start).toMatch(new RegExp(`-- env PATH=\\S+ node ${install}/src/runner/cli.ts$`));
    expect(lines[4]).toBe('rm -rf /tmp/ai-implement-4242-1');
    // The agent user may read nothing secret of this user's: the job's temp directory (the event
    // file, the App token's output) is closed, the home only passable.
    expect(statSync(temp).mode & 0o777).toBe(0o700);
    expect(statSync(home).mode & 0o777).toBe(0o711);
  });
});

describe('report: a failure the runner could not report', () => {
  const report = renderedJob('claude-implement.yml').steps.at(-1) ?? { run: '' };
  const withCallback = (url: string) =>
    payload({ callback: { url, resultToken: 'result-token', progressToken: 'progress-token' } });

  it('posts a failure result naming the missing settings', async () => {
    server = await startRecordingServer();
    const contexts = dispatchContexts(withCallback(`${server.url}/`), {
      job: { status: 'failure' },
      steps: {
        preflight: {
          outcome: 'failure',
          conclusion: 'failure',
          outputs: { problem: 'missing repository settings: secret AI_IMPLEMENT_APP_ID (the GitHub App id)' },
        },
      },
    });
    const run = await runStep(report, contexts);
    expect(run.code, run.stderr).toBe(0);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/runner/result' });
    expect(request?.headers.authorization).toBe('Bearer result-token');
    const body = RunResultSchema.parse(JSON.parse(request?.body ?? ''));
    expect(body).toEqual({
      status: 'failure',
      error:
        'missing repository settings: secret AI_IMPLEMENT_APP_ID (the GitHub App id) (see https://github.com/acme/web/actions/runs/4242)',
    });
    expect(run.stdout).toContain('::add-mask::result-token');
  });

  it('names the failed step, a runner that died, or a cancelled job', async () => {
    server = await startRecordingServer();
    const url = server.url;
    const errorFor = async (steps: Record<string, unknown>, status = 'failure') => {
      await runStep(report, dispatchContexts(withCallback(url), { job: { status }, steps }));
      return (JSON.parse(server?.requests.at(-1)?.body ?? '{}') as { error: string }).error;
    };
    expect(
      await errorFor({
        preflight: { outcome: 'success', outputs: {} },
        'runner-install': { outcome: 'failure', outputs: {} },
      }),
    ).toBe(
      'workflow step "runner-install" failed before the runner started (see https://github.com/acme/web/actions/runs/4242)',
    );
    expect(await errorFor({ runner: { outcome: 'failure', outputs: {} } })).toBe(
      'the runner stopped without reporting a result (see https://github.com/acme/web/actions/runs/4242)',
    );
    expect(await errorFor({ runner: { outcome: 'cancelled', outputs: {} } }, 'cancelled')).toBe(
      'the job was cancelled or ran past its timeout-minutes (see https://github.com/acme/web/actions/runs/4242)',
    );
  });

  it('accepts that the runner already reported (409) and skips a payload without callback', async () => {
    server = await startRecordingServer(() => ({ status: 409, body: { error: 'conflict' } }));
    const conflict = await runStep(
      report,
      dispatchContexts(withCallback(server.url), {
        job: { status: 'failure' },
        steps: { runner: { outcome: 'failure', outputs: {} } },
      }),
    );
    expect(conflict.code).toBe(0);
    expect(conflict.stdout).toContain("The runner had already reported this run's result.");
    const none = await runStep(report, dispatchContexts(payload(), { job: { status: 'failure' } }));
    expect(none.code).toBe(0);
    expect(server.requests).toHaveLength(1);
  });
});
