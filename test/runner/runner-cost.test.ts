import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { getDispatch } from '../../src/store/dispatches.ts';
import { adminGet, readCalls, runInProcess, tempDir, writeScript } from './support/run-helpers.ts';
import { startRunnerWorld, type RunnerWorld } from './support/runner-world.ts';
import { FAREWELL_FILES } from './support/target-repo.ts';

/** Cost per run and the run's dollar cap (issue 16), end to end: stand-in CLI → runner → ledger. */

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

const GAPS =
  '## Implemented\n\n- farewell(name)\n\n## Gaps / Partial Implementation\n\nNone\n\n## Manual Steps Required\n\nNone';

const WRITE_BOTH = [
  { write: { path: 'src/farewell.js', content: FAREWELL_FILES['src/farewell.js'] } },
  { write: { path: 'test/farewell.test.js', content: FAREWELL_FILES['test/farewell.test.js'] } },
];

interface CallWithBudget {
  maxBudgetUsd?: number;
}

describe('cost per run', () => {
  it('records cost, tokens, turns, model and every pass; each pass gets what is left of maxRunCostUsd', async () => {
    world = await startRunnerWorld({ mapping: { maxRunCostUsd: 1 } });
    const dir = scriptDir();
    const script = writeScript(dir, {
      rules: [
        { when: 'VERDICT: APPROVE', result: 'Good.\n\nVERDICT: APPROVE', costUsd: 0.1, turns: 2 },
        { when: '## Gaps / Partial Implementation', result: GAPS, costUsd: 0.05, turns: 1 },
        { actions: WRITE_BOTH, result: 'Added farewell().', costUsd: 0.3, turns: 4, cacheReadTokens: 700 },
      ],
    });
    const payload = await world.dispatch('implementation');
    expect(payload.caps).toMatchObject({ maxRunCostUsd: 1 });
    const run = await runInProcess(world, payload, { script });
    expect(run.code, run.output).toBe(0);

    // implement $1.00, review what is left after $0.30, gap analysis after $0.40.
    expect(readCalls(dir).map((call) => (call as CallWithBudget).maxBudgetUsd)).toEqual([1, 0.7, 0.6]);
    const row = await getDispatch(world.h.store.db, payload.dispatchId);
    expect(row).toMatchObject({
      status: 'succeeded',
      cost_usd: 0.45,
      turns: 7,
      cache_read_tokens: 700,
      model: 'claude-sonnet-4-6',
    });
    expect(row?.input_tokens).toBeGreaterThan(700);
    expect(row?.output_tokens).toBeGreaterThan(0);
    const usage = JSON.parse(row!.usage_json!) as {
      passes: { label: string; costUsd: number; subtype: string }[];
    };
    expect(usage.passes.map((pass) => [pass.label, pass.costUsd, pass.subtype])).toEqual([
      ['implement', 0.3, 'success'],
      ['review', 0.1, 'success'],
      ['gap-analysis', 0.05, 'success'],
    ]);

    const job = (await adminGet(world, `/api/jobs/${payload.dispatchId}/steps`)) as {
      costUsd: number;
      dispatches: { usage: { costUsd: number; turns: number; passes: unknown[] } }[];
    };
    expect(job.costUsd).toBe(0.45);
    expect(job.dispatches[0]?.usage).toMatchObject({ costUsd: 0.45, turns: 7 });
    expect(job.dispatches[0]?.usage.passes).toHaveLength(3);
    const pulls = (await adminGet(world, '/api/pulls')) as { pulls: { costUsd: number }[] };
    expect(pulls.pulls[0]?.costUsd).toBe(0.45);
    const issues = (await adminGet(world, '/api/issues')) as {
      issues: { identifier: string; costUsd: number }[];
    };
    expect(issues.issues.find((issue) => issue.identifier === 'ENG-1')?.costUsd).toBe(0.45);
  });

  it('fails cleanly with the reason on the ticket when --max-budget-usd stops a pass', async () => {
    world = await startRunnerWorld({ mapping: { maxRunCostUsd: 0.5 } });
    const dir = scriptDir();
    const script = writeScript(dir, {
      rules: [{ actions: WRITE_BOTH, result: 'Added farewell().', costUsd: 0.62, turns: 9 }],
    });
    const payload = await world.dispatch('implementation');
    const run = await runInProcess(world, payload, { script });
    expect(run.code, run.output).toBe(1);

    const row = await getDispatch(world.h.store.db, payload.dispatchId);
    expect(row?.status).toBe('failed');
    expect(row?.error).toMatch(
      /^step implement failed: the run's budget is spent: the implement pass stopped at --max-budget-usd 0\.50 after \$0\.62/,
    );
    // The spend is recorded even though the run failed: those tokens were paid for.
    expect(row?.cost_usd).toBe(0.62);
    const ticket = world.linear.getIssue(world.issue.id)!;
    expect(ticket.labels).toContain('AI-Failed');
    expect(ticket.comments.at(-1)).toContain("the run's budget is spent");
    expect(world.github.repo('acme', 'api').pulls).toHaveLength(0);
  });

  it('starts no pass once the budget is spent, saying how much was used', async () => {
    world = await startRunnerWorld({ mapping: { maxRunCostUsd: 0.3 } });
    const dir = scriptDir();
    const script = writeScript(dir, {
      rules: [
        { when: 'VERDICT: APPROVE', result: 'Good.\n\nVERDICT: APPROVE', costUsd: 0.1 },
        // Exactly the cap: the CLI lets it finish; nothing is left for the review.
        { actions: WRITE_BOTH, result: 'Added farewell().', costUsd: 0.3 },
      ],
    });
    const payload = await world.dispatch('implementation');
    const run = await runInProcess(world, payload, { script });
    expect(run.code, run.output).toBe(1);
    expect(readCalls(dir)).toHaveLength(1);
    const row = await getDispatch(world.h.store.db, payload.dispatchId);
    expect(row?.error).toMatch(
      /^step review failed: the run's budget is spent: \$0\.30 of maxRunCostUsd \$0\.30 used before the review pass/,
    );
  });
});
