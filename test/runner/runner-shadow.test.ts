import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDispatch } from '../../src/store/dispatches.ts';
import { runInProcess, tempDir, writeScript } from './support/run-helpers.ts';
import { startRunnerWorld, type RunnerWorld } from './support/runner-world.ts';
import { FAREWELL_FILES } from './support/target-repo.ts';

let world: RunnerWorld;
let dir: string;

beforeEach(async () => {
  world = await startRunnerWorld();
  dir = tempDir('script');
});
afterEach(async () => {
  await world.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('a shadow run (RUNNER_MODE=shadow’s Fly secondary)', () => {
  it('does the work and reports, but pushes nothing, opens no PR and writes no comment', async () => {
    const payload = await world.dispatch('implementation');
    const ticketComments = world.linear.getIssue(world.issue.id)!.comments.length;
    const script = writeScript(dir, {
      rules: [
        { when: 'VERDICT: APPROVE', result: 'Good.\n\nVERDICT: APPROVE', costUsd: 0.01 },
        { when: '## Gaps / Partial Implementation', result: '## Implemented\n\n- farewell', costUsd: 0.003 },
        {
          actions: [
            { write: { path: 'src/farewell.js', content: FAREWELL_FILES['src/farewell.js'] } },
            { write: { path: 'test/farewell.test.js', content: FAREWELL_FILES['test/farewell.test.js'] } },
          ],
          result: 'Added farewell().',
          costUsd: 0.1,
        },
      ],
    });
    const run = await runInProcess(world, { ...payload, shadow: true }, { script });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/shadow run: not pushing [0-9a-f]{12} to ai-implement\/eng-1/);

    const repo = world.github.repo('acme', 'api');
    expect(repo.pulls).toEqual([]);
    expect(repo.comments).toEqual([]);
    expect(repo.refs.has('refs/heads/ai-implement/eng-1')).toBe(false);
    expect(world.linear.getIssue(world.issue.id)!.comments).toHaveLength(ticketComments);
    // Its result still arrives (here under the ledger's id; the orchestrator routes a real shadow's).
    expect(await getDispatch(world.h.store.db, payload.dispatchId)).toMatchObject({ status: 'succeeded' });
  });
});
