import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getDispatch } from '../../src/store/dispatches.ts';
import { adminGet, readCalls, runInProcess, tempDir, writeScript } from './support/run-helpers.ts';
import { startRunnerWorld, type RunnerWorld } from './support/runner-world.ts';
import { FAREWELL_FILES, TARGET_REPO_FILES, WORKFLOW_MD } from './support/target-repo.ts';

let world: RunnerWorld | undefined;
const dirs: string[] = [];

afterEach(async () => {
  await world?.close();
  world = undefined;
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function scriptDir(): string {
  const dir = tempDir('script');
  dirs.push(dir);
  return dir;
}

type Steps = { steps: { step: string; status: string; output: { error?: string } | null }[] };

/** Runs an implementation run that must fail; checks what every failure must leave behind. */
async function expectFailedRun(options: { script: string; step: string; reason: RegExp }) {
  const payload = await world!.dispatch('implementation');
  const run = await runInProcess(world!, payload, { script: options.script });
  expect(run.code, run.output).toBe(1);
  const dispatch = await getDispatch(world!.h.store.db, payload.dispatchId);
  expect(dispatch?.status).toBe('failed');
  expect(dispatch?.error).toMatch(new RegExp(`^step ${options.step} failed: `));
  expect(dispatch?.error).toMatch(options.reason);
  const ticket = world!.linear.getIssue(world!.issue.id)!;
  expect(ticket.labels).toContain('AI-Failed');
  expect(ticket.labels).not.toContain('AI-Working');
  expect(ticket.comments.at(-1)).toContain(`failed at step \`${options.step}\``);
  const { steps } = (await adminGet(world!, `/api/jobs/${payload.dispatchId}/steps`)) as Steps;
  expect(steps.some((s) => s.step === options.step && s.status === 'failed')).toBe(true);
  // Clean-up and the ticket update run whatever failed; logs stay in the run directory.
  expect(steps.some((s) => s.step === 'update-ticket' && s.status === 'succeeded')).toBe(true);
  expect(fs.existsSync(path.join(run.workdir, 'logs', 'runner.log'))).toBe(true);
  expect(world!.github.repo('acme', 'api').pulls).toHaveLength(0);
  return { run, steps };
}

describe('a failing run reports the step, keeps its logs and marks the ticket failed', () => {
  it('when the agent runs past its own timeout', async () => {
    const slow = WORKFLOW_MD.replace('teardown: echo bye', 'teardown: echo bye\nagent_timeout_minutes: 0.02');
    world = await startRunnerWorld({ files: { ...TARGET_REPO_FILES, 'WORKFLOW.md': slow } });
    const dir = scriptDir();
    const script = writeScript(dir, { rules: [{ actions: [{ sleepMs: 20_000 }], result: 'never' }] });
    const started = Date.now();
    const { steps } = await expectFailedRun({
      script,
      step: 'implement',
      reason: /did not finish within 1 second and was stopped/,
    });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(steps.find((s) => s.step === 'teardown' && s.status !== 'started')?.status).toBe('succeeded');
  });

  it('when the verify hook fails in every iteration', async () => {
    world = await startRunnerWorld({ mapping: { maxIterations: 2 } });
    const dir = scriptDir();
    const broken = FAREWELL_FILES['src/farewell.js'].replace('Goodbye', 'Bye');
    const script = writeScript(dir, {
      rules: [
        { when: 'VERDICT: APPROVE', result: 'VERDICT: APPROVE' },
        {
          actions: [
            { write: { path: 'src/farewell.js', content: broken } },
            { write: { path: 'test/farewell.test.js', content: FAREWELL_FILES['test/farewell.test.js'] } },
          ],
          result: 'Added farewell().',
        },
      ],
    });
    const { steps } = await expectFailedRun({
      script,
      step: 'verify',
      reason: /failed in every iteration \(2\)[\s\S]*Goodbye Ada/,
    });
    expect(steps.filter((s) => s.step === 'verify' && s.status === 'failed')).toHaveLength(2);
    // The second pass was shown the failing test output.
    expect(readCalls(dir)[1]?.prompt).toContain("failed the repository's verify command");
    expect(steps.some((s) => s.step === 'commit-push')).toBe(false);
  });

  it('when the remote rejects the push', async () => {
    world = await startRunnerWorld();
    const hook = path.join(world.git.repoPath('acme', 'api'), 'hooks', 'pre-receive');
    fs.writeFileSync(
      hook,
      '#!/bin/sh\necho "GH006: Protected branch update failed for refs/heads/ai-implement/eng-1." >&2\nexit 1\n',
      { mode: 0o755 },
    );
    const dir = scriptDir();
    const script = writeScript(dir, {
      rules: [
        { when: 'VERDICT: APPROVE', result: 'VERDICT: APPROVE' },
        {
          actions: [{ write: { path: 'src/farewell.js', content: FAREWELL_FILES['src/farewell.js'] } }],
          result: 'Done.',
        },
      ],
    });
    await expectFailedRun({
      script,
      step: 'commit-push',
      reason: /rejected the push to ai-implement\/eng-1[\s\S]*GH006/,
    });
  });

  it('when WORKFLOW.md is malformed, naming the line', async () => {
    const malformed =
      '---\nmodel: claude-sonnet-4-6\nverify: [node --test\nteardown: echo bye\n---\nDo it.\n';
    world = await startRunnerWorld({ files: { ...TARGET_REPO_FILES, 'WORKFLOW.md': malformed } });
    const script = writeScript(scriptDir(), { rules: [] });
    await expectFailedRun({
      script,
      step: 'load-workflow',
      reason: /WORKFLOW\.md line 4: invalid YAML front matter: Flow sequence/,
    });
  });

  it('when WORKFLOW.md is a symbolic link (the runner never reads through one)', async () => {
    world = await startRunnerWorld();
    // A branch can carry a link to any file of the machine the runner runs on, e.g. its own environment.
    const bare = world.git.repoPath('acme', 'api');
    const git = (args: string[], input?: string) =>
      execFileSync('git', args, { cwd: bare, input, encoding: 'utf8' }).trim();
    const link = git(['hash-object', '-w', '--stdin'], '/proc/self/environ');
    const tree = git(['ls-tree', 'main'])
      .split('\n')
      .map((line) => (line.endsWith('\tWORKFLOW.md') ? `120000 blob ${link}\tWORKFLOW.md` : line))
      .join('\n');
    const commit = git([
      '-c',
      'user.name=x',
      '-c',
      'user.email=x@example.com',
      'commit-tree',
      git(['mktree'], `${tree}\n`),
      '-p',
      'main',
      '-m',
      'link',
    ]);
    git(['update-ref', 'refs/heads/main', commit]);
    const script = writeScript(scriptDir(), { rules: [] });
    await expectFailedRun({
      script,
      step: 'load-workflow',
      reason: /WORKFLOW\.md must be a regular file in the repository: .*WORKFLOW\.md is a symbolic link/,
    });
  });

  it('when a placeholder is unknown, naming the line', async () => {
    const typo = WORKFLOW_MD.replace('{{ issue.description }}', '{{ issue.descripton }}');
    world = await startRunnerWorld({ files: { ...TARGET_REPO_FILES, 'WORKFLOW.md': typo } });
    const line = typo.split('\n').findIndex((text) => text.includes('descripton')) + 1;
    const script = writeScript(scriptDir(), { rules: [] });
    await expectFailedRun({
      script,
      step: 'load-workflow',
      reason: new RegExp(`WORKFLOW\\.md line ${line}: unknown placeholder \\{\\{ issue\\.descripton \\}\\}`),
    });
  });
});
