import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTick } from '../../src/orchestrator/tick.ts';
import {
  createLocalBackend,
  passThroughEnv,
  type LocalBackend,
} from '../../src/runners/local/local-backend.ts';
import { listRecentDispatches } from '../../src/store/dispatches.ts';
import { adminGet, runInProcess, tempDir, writeScript } from './support/run-helpers.ts';
import { CLAUDE_KEY, STAND_IN, startRunnerWorld, type RunnerWorld } from './support/runner-world.ts';
import { FAREWELL_FILES } from './support/target-repo.ts';

/**
 * custom/ in a run (issue 20): a custom step ("write a CHANGELOG entry" before the push), a
 * custom pipeline that uses it (chosen by the mapping's `pipelines`), and a custom `verify` that
 * replaces the built-in — in a GitHub Actions-style run (the runner CLI as the workflow starts it,
 * payload from the event file) and in execution mode `local` (the local backend's child process).
 */

const CHANGELOG_STEP = `import fs from 'node:fs';
import path from 'node:path';

export default {
  id: 'write-changelog',
  description: 'Adds a line for the ticket to the changelog',
  options: { safeParse: (value) => (typeof value.file === 'string' ? { success: true, data: value } : { success: false, error: { issues: [{ path: ['file'], message: 'must be a file name' }] } }) },
  async run(ctx, options) {
    const file = path.join(ctx.paths.repo, options.file);
    fs.writeFileSync(file, '# Changelog\\n\\n- ' + ctx.payload.issue.identifier + ': ' + ctx.payload.issue.title + '\\n');
    return { output: { file: options.file } };
  },
};
`;

/** Replaces the built-in verify: passes without running the hook, and says so in its output. */
const VERIFY_OVERRIDE = `export default {
  async run(ctx) {
    ctx.state.verifyPassed = true;
    return { output: { verifiedBy: 'custom/steps/verify.ts' } };
  },
};
`;

const PIPELINE = fs
  .readFileSync(path.resolve(import.meta.dirname, '../../src/pipeline/implementation.yml'), 'utf8')
  .replace(
    '  - step: commit-push\n',
    '  - step: write-changelog\n    name: Add a CHANGELOG line\n    options:\n      file: CHANGELOG.md\n  - step: commit-push\n',
  );

const GAPS =
  '## Implemented\n\n- farewell\n\n## Gaps / Partial Implementation\n\nNone\n\n## Manual Steps Required\n\nNone';

let world: RunnerWorld;
let dir: string;
let customDir: string;
let script: string;

beforeEach(async () => {
  world = await startRunnerWorld({
    mapping: { planningEnabled: false, pipelines: { implementation: 'implementation-with-changelog' } },
  });
  dir = tempDir('script');
  customDir = tempDir('custom');
  fs.mkdirSync(path.join(customDir, 'steps'));
  fs.mkdirSync(path.join(customDir, 'pipelines'));
  fs.mkdirSync(path.join(customDir, 'providers'));
  fs.writeFileSync(path.join(customDir, 'steps', 'write-changelog.ts'), CHANGELOG_STEP);
  fs.writeFileSync(path.join(customDir, 'steps', 'verify.ts'), VERIFY_OVERRIDE);
  fs.writeFileSync(path.join(customDir, 'pipelines', 'implementation-with-changelog.yml'), PIPELINE);
  script = writeScript(dir, {
    rules: [
      { when: 'VERDICT: APPROVE', result: 'VERDICT: APPROVE', costUsd: 0.01 },
      { when: '## Gaps / Partial Implementation', result: GAPS, costUsd: 0.001 },
      {
        actions: [
          { write: { path: 'src/farewell.js', content: FAREWELL_FILES['src/farewell.js'] } },
          { write: { path: 'test/farewell.test.js', content: FAREWELL_FILES['test/farewell.test.js'] } },
        ],
        result: 'Added farewell() and its test.',
        costUsd: 0.1,
      },
    ],
  });
});
afterEach(async () => {
  await world.close();
  for (const root of [dir, customDir]) fs.rmSync(root, { recursive: true, force: true });
});

/** The run's steps as the job page shows them, and the pushed branch's CHANGELOG.md. */
async function expectCustomRun(): Promise<void> {
  const dispatch = (await listRecentDispatches(world.h.store.db, 10)).find(
    (d) => d.phase === 'implementation',
  )!;
  expect(dispatch.status).toBe('succeeded');
  const { steps } = (await adminGet(world, `/api/jobs/${dispatch.job_id}/steps`)) as {
    steps: { step: string; status: string; output?: Record<string, unknown> }[];
  };
  // The progress reports name the custom step like the built-ins.
  const ended = (name: string) => steps.find((step) => step.step === name && step.status !== 'started');
  expect(ended('write-changelog')).toMatchObject({ status: 'succeeded', output: { file: 'CHANGELOG.md' } });
  // The override replaced the built-in verify (which would have run the repository's hook).
  expect(ended('verify')?.output).toMatchObject({
    verifiedBy: 'custom/steps/verify.ts',
  });
  const changelog = world.git.git('acme', 'api', ['show', 'ai-implement/eng-1:CHANGELOG.md']);
  expect(changelog).toBe('# Changelog\n\n- ENG-1: Add a farewell function\n');
}

describe('a custom step and a custom pipeline', () => {
  it('run in a GitHub Actions-style run: the runner CLI with the payload in the event file', async () => {
    await runTick(world.h.ctx);
    const payload = world.h.backend.dispatched.at(-1)!.payload;
    expect(payload).toMatchObject({ phase: 'implementation', pipeline: 'implementation-with-changelog' });
    const workdir = tempDir('actions-run');
    const eventFile = path.join(workdir, 'event.json');
    fs.writeFileSync(eventFile, JSON.stringify({ inputs: { payload: JSON.stringify(payload) } }));
    const env = await world.runnerEnv(workdir, {
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_PATH: eventFile,
      CLAUDE_STAND_IN_SCRIPT: script,
      AI_IMPLEMENT_CUSTOM_DIR: customDir,
    });
    const cli = path.resolve(import.meta.dirname, '../../src/runner/cli.ts');
    const child = spawn(process.execPath, [cli], { cwd: workdir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    fs.rmSync(workdir, { recursive: true, force: true });
    expect(code, output).toBe(0);
    // In the pipeline's order: after the review, before the push (which carries its file).
    const at = (line: string) => output.indexOf(line);
    expect(at('step review succeeded')).toBeGreaterThan(0);
    expect(at('step write-changelog started')).toBeGreaterThan(at('step review succeeded'));
    expect(at('step commit-push started')).toBeGreaterThan(at('step write-changelog succeeded'));
    await expectCustomRun();
  });

  it('run in execution mode local: the orchestrator passes its custom directory to the runner child', async () => {
    const workRoot = tempDir('local-runs');
    fs.chmodSync(workRoot, 0o711);
    const backend: LocalBackend = createLocalBackend({
      github: world.app,
      githubApiUrl: world.github.url,
      gitServerUrl: world.git.url,
      claudeCodePath: STAND_IN,
      claude: { anthropicApiKey: CLAUDE_KEY },
      linear: { apiKey: world.linear.apiKey, apiUrl: world.linear.url },
      jira: undefined,
      baseEnv: passThroughEnv({
        PATH: process.env.PATH,
        HOME: os.homedir(),
        AI_IMPLEMENT_CUSTOM_DIR: customDir,
      }),
      extraEnv: { CLAUDE_STAND_IN_SCRIPT: script, AI_IMPLEMENT_AGENT_ENV: 'CLAUDE_STAND_IN_SCRIPT' },
      workRoot,
      logger: pino({ level: 'silent' }),
    });
    world.h.ctx.backends = new Map([['local', backend]]);
    world.h.ctx.runnerMode = async () => 'local';
    try {
      expect((await runTick(world.h.ctx)).dispatched).toEqual(['ENG-1']);
      await backend.idle();
      await expectCustomRun();
    } finally {
      fs.rmSync(workRoot, { recursive: true, force: true });
    }
  });

  it('a custom provider adapter, a step whose when is false, and a failure that continues', async () => {
    fs.writeFileSync(
      path.join(customDir, 'providers', 'vertex.ts'),
      `export default {
  description: 'Claude through a gateway: the key from GATEWAY_KEY',
  environment: ({ env, base }) => ({ auth: { kind: 'vertex' }, env: { ...base, ANTHROPIC_API_KEY: env.GATEWAY_KEY } }),
};
`,
    );
    fs.writeFileSync(
      path.join(customDir, 'steps', 'flaky-scan.ts'),
      "export default { async run() { throw new Error('the scanner is down'); } };\n",
    );
    fs.writeFileSync(
      path.join(customDir, 'pipelines', 'implementation-with-changelog.yml'),
      PIPELINE.replace(
        '  - step: commit-push\n',
        '  - step: flaky-scan\n    continueOnFailure: true\n  - step: reproduce\n    when: hasPullRequest\n  - step: commit-push\n',
      ),
    );
    await runTick(world.h.ctx);
    const payload = world.h.backend.dispatched.at(-1)!.payload;
    const run = await runInProcess(world, payload, {
      script,
      extraEnv: {
        AI_IMPLEMENT_CUSTOM_DIR: customDir,
        AI_IMPLEMENT_PROVIDER: 'vertex',
        ANTHROPIC_API_KEY: '',
        GATEWAY_KEY: 'gateway-key-0123456789',
      },
    });
    expect(run.code, run.output).toBe(0);
    const dispatch = (await listRecentDispatches(world.h.store.db, 10)).find(
      (d) => d.phase === 'implementation',
    )!;
    const { steps } = (await adminGet(world, `/api/jobs/${dispatch.job_id}/steps`)) as {
      steps: { step: string; status: string; output?: Record<string, unknown> }[];
    };
    const ended = (name: string) => steps.find((step) => step.step === name && step.status !== 'started');
    expect(ended('load-workflow')?.output).toMatchObject({ auth: 'vertex' });
    expect(ended('flaky-scan')).toMatchObject({ status: 'failed', output: { error: 'the scanner is down' } });
    expect(ended('reproduce')).toMatchObject({
      status: 'skipped',
      output: { reason: 'when: hasPullRequest is false' },
    });
    expect(world.github.repo('acme', 'api').pulls).toHaveLength(1);
  });
});
