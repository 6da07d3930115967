import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';

const MAIN = path.resolve(import.meta.dirname, '../../src/main.ts');
let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it('a broken pipeline YAML under custom/ stops the orchestrator at start-up, naming the file and line', () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-implement-custom-'));
  fs.mkdirSync(path.join(dir, 'pipelines'));
  fs.writeFileSync(
    path.join(dir, 'pipelines', 'implementation.yml'),
    'result: pull-request\nsteps:\n  - step: checkout\n  - step: security-scan\n',
  );
  // cwd: the temp directory, so no .env of the working tree is read.
  const run = spawnSync(process.execPath, [MAIN], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: dir, AI_IMPLEMENT_CUSTOM_DIR: dir },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(run.status, run.stderr).toBe(1);
  expect(run.stderr).toContain('AI-Implement cannot start: the pipelines and custom modules have problems');
  expect(run.stderr).toContain(
    'custom/pipelines/implementation.yml:4: unknown step module "security-scan" (known: checkout, commit-push,',
  );
});
