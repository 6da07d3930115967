import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GAP_ANALYSIS_MARKER } from '../../src/runner/gap-analysis.ts';
import { listDispatchesOfJob } from '../../src/store/dispatches.ts';
import { adminGet, readCalls, runInProcess, tempDir, writeScript } from './support/run-helpers.ts';
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

const GAPS =
  '## Implemented\n\n- farewell(name)\n\n## Gaps / Partial Implementation\n\nNone\n\n## Manual Steps Required\n\nNone';

/** First pass forgets the test; the review asks for it; the second pass adds it. */
function twoIterationScript(): string {
  return writeScript(dir, {
    rules: [
      {
        when: 'VERDICT: APPROVE',
        times: 1,
        result: '- Add a test for farewell.\n\nVERDICT: REQUEST_CHANGES',
        costUsd: 0.02,
      },
      { when: 'VERDICT: APPROVE', result: 'Good.\n\nVERDICT: APPROVE', costUsd: 0.01 },
      { when: '## Gaps / Partial Implementation', result: GAPS, costUsd: 0.003 },
      {
        times: 1,
        actions: [{ write: { path: 'src/farewell.js', content: FAREWELL_FILES['src/farewell.js'] } }],
        result: 'Added farewell().',
        costUsd: 0.1,
        turns: 5,
      },
      {
        actions: [
          { write: { path: 'test/farewell.test.js', content: FAREWELL_FILES['test/farewell.test.js'] } },
        ],
        result: 'Added the farewell test.',
        costUsd: 0.05,
        turns: 3,
      },
    ],
  });
}

describe('an implementation run', () => {
  it('implements, verifies, iterates on review, pushes one branch, opens the PR and reports', async () => {
    const payload = await world.dispatch('implementation');
    const run = await runInProcess(world, payload, { script: twoIterationScript() });
    expect(run.code, run.output).toBe(0);

    const repo = world.github.repo('acme', 'api');
    expect(repo.pulls).toHaveLength(1);
    const pull = repo.pulls[0]!;
    expect(pull).toMatchObject({
      title: 'ENG-1: Add a farewell function',
      head: 'ai-implement/eng-1',
      base: 'main',
    });
    expect(pull.body).toMatch(/^Fixes ENG-1\n/);
    expect(pull.body).toContain(world.issue.url);
    // One squashed commit with exactly the agent's files: nothing from the setup hook or verify.
    expect(world.git.git('acme', 'api', ['rev-list', '--count', 'main..ai-implement/eng-1']).trim()).toBe(
      '1',
    );
    expect(
      world.git.git('acme', 'api', ['diff', '--name-only', 'main', 'ai-implement/eng-1']).trim().split('\n'),
    ).toEqual(['src/farewell.js', 'test/farewell.test.js']);

    const gap = repo.comments.filter((comment) => comment.body.includes(GAP_ANALYSIS_MARKER));
    expect(gap).toHaveLength(1);
    for (const heading of [
      '### Implemented',
      '### Gaps / Partial Implementation',
      '### Manual Steps Required',
    ]) {
      expect(gap[0]!.body).toContain(heading);
    }

    const ticket = world.linear.getIssue(world.issue.id)!;
    expect(ticket.labels).toContain('Ready for Review');
    expect(ticket.labels).not.toContain('AI-Working');
    expect(
      ticket.comments.some((body) => body.includes(`https://github.com/acme/api/pull/${pull.number}`)),
    ).toBe(true);

    // The stand-in saw: implement, review (changes), implement, review (approve), gap analysis.
    const calls = readCalls(dir);
    expect(calls.map((call) => call.permissionMode)).toEqual([
      'acceptEdits',
      'default',
      'acceptEdits',
      'default',
      'default',
    ]);
    expect(calls[2]!.prompt).toContain('Add a test for farewell.');
    expect(calls[4]!.model).toBe('claude-haiku-4-5-20251001');

    const [dispatch] = await listDispatchesOfJob(world.h.store.db, payload.dispatchId);
    expect(dispatch).toMatchObject({
      status: 'succeeded',
      pr_number: pull.number,
      branch: 'ai-implement/eng-1',
    });
    // 0.1 + 0.05 (implement) + 0.02 + 0.01 (review) + 0.003 (gap analysis); the stand-in reports
    // 1 000 input and 200 output tokens per turn: 5 + 3 + 1 + 1 + 1 turns.
    const usage = JSON.parse(dispatch!.usage_json!) as Record<string, unknown> & { passes: unknown[] };
    expect(usage).toMatchObject({
      costUsd: 0.183,
      inputTokens: 11_000,
      outputTokens: 2_200,
      cacheReadTokens: 0,
      cacheCreationTokens: 0,
      turns: 11,
      model: 'claude-sonnet-4-6',
    });
    expect(usage.passes).toHaveLength(5);

    const pulls = await adminGet(world, '/api/pulls');
    expect(pulls).toMatchObject({
      pulls: [{ url: `https://github.com/acme/api/pull/${pull.number}`, costUsd: 0.183 }],
    });

    const { steps } = (await adminGet(world, `/api/jobs/${payload.dispatchId}/steps`)) as {
      steps: { step: string; status: string; elapsedMs: number | null; output: Record<string, unknown> }[];
    };
    const ends = steps.filter((step) => step.status !== 'started');
    for (const name of [
      'checkout',
      'load-workflow',
      'context',
      'setup-hook',
      'implement',
      'verify',
      'review',
      'commit-push',
      'open-pr',
      'gap-analysis',
      'teardown',
      'update-ticket',
    ]) {
      expect(
        steps.some((step) => step.step === name && step.status === 'started'),
        name,
      ).toBe(true);
      expect(
        ends.some((step) => step.step === name && step.status === 'succeeded'),
        name,
      ).toBe(true);
    }
    expect(ends.every((step) => typeof step.elapsedMs === 'number')).toBe(true);
    expect(ends.filter((step) => step.step === 'implement')).toHaveLength(2);
    world.github.assertNoViolations();
    world.linear.assertNoRejections();
  });
});
