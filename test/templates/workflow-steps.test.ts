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

describe('payload: run caps from repository variables', () => {
  const prepare = step(renderedJob('claude-implement.yml'), 'payload');

  it('fills the caps the mapping left unset; the mapping’s win', async () => {
    const run = await runStep(
      prepare,
      dispatchContexts(payload({ caps: { maxTurns: 5 } }), {
        vars: { AI_IMPLEMENT_MAX_TURNS: '9', AI_IMPLEMENT_MAX_ITERATIONS: '2' },
      }),
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.outputs.json ?? '')).toEqual({
      ...payload(),
      caps: { maxTurns: 5, maxIterations: 2 },
    });
  });

  it('passes a payload through unchanged when no variable is set', async () => {
    const body = payload({ issue: { ...payload().issue, description: 'Line one\nand "quoted" $(text)' } });
    const run = await runStep(prepare, dispatchContexts(body));
    expect(JSON.parse(run.outputs.json ?? '')).toEqual(body);
  });

  it('fails naming the variables when one is not a number', async () => {
    const run = await runStep(
      prepare,
      dispatchContexts(payload(), { vars: { AI_IMPLEMENT_MAX_TURNS: 'lots' } }),
    );
    expect(run.code).not.toBe(0);
    expect(run.outputs.problem).toContain('AI_IMPLEMENT_MAX_TURNS');
    expect(run.outputs.json).toBeUndefined();
  });
});

describe('runner: how the runner CLI is started', () => {
  it('runs src/runner/cli.ts of the runner checkout with the payload, the App token and a work directory', async () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), 'ai-implement-workspace-'));
    const temp = mkdtempSync(path.join(os.tmpdir(), 'ai-implement-runner-temp-'));
    const cli = path.join(workspace, '.ai-implement-runner/src/runner/cli.ts');
    mkdirSync(path.dirname(cli), { recursive: true });
    writeFileSync(
      cli,
      "import { writeFileSync } from 'node:fs';\nwriteFileSync(process.env.SEEN, JSON.stringify({ cwd: process.cwd(), env: process.env }));\n",
    );
    const seen = path.join(temp, 'seen.json');
    const body = payload({ caps: { maxTurns: 12 } });
    const contexts = dispatchContexts(body, {
      secrets: { CLAUDE_CODE_OAUTH_TOKEN: 'oauth-token', LINEAR_API_KEY: 'lin_api_key' },
      steps: {
        payload: { outcome: 'success', outputs: { json: JSON.stringify(body) } },
        'app-token': { outcome: 'success', outputs: { token: 'ghs_installation_token' } },
      },
    });
    (contexts.runner as Record<string, string>).temp = temp;
    (contexts.github as Record<string, string>).workspace = workspace;
    const run = await runStep(step(renderedJob('claude-implement.yml'), 'runner'), contexts, {
      cwd: workspace,
      extraEnv: { SEEN: seen },
    });
    expect(run.code, run.stderr).toBe(0);
    const { cwd, env } = JSON.parse(readFileSync(seen, 'utf8')) as {
      cwd: string;
      env: Record<string, string>;
    };
    expect(cwd).toBe(workspace);
    expect(JSON.parse(env.AI_IMPLEMENT_PAYLOAD ?? '')).toEqual(body);
    expect(env).toMatchObject({
      GITHUB_TOKEN: 'ghs_installation_token',
      CLAUDE_CODE_OAUTH_TOKEN: 'oauth-token',
      LINEAR_API_KEY: 'lin_api_key',
      AI_IMPLEMENT_WORKDIR: `${temp}/ai-implement`,
      CLAUDE_CODE_PATH: `${workspace}/.ai-implement-runner/node_modules/.bin/claude`,
    });
    expect(statSync(`${temp}/ai-implement`).isDirectory()).toBe(true);
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
