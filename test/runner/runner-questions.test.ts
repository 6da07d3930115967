import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { getDispatch } from '../../src/store/dispatches.ts';
import { adminGet, readCalls, runInProcess, tempDir, writeScript } from './support/run-helpers.ts';
import { startRunnerWorld, type RunnerWorld } from './support/runner-world.ts';
import { FAREWELL_FILES } from './support/target-repo.ts';

/**
 * sessionMode interactive and hybrid (issue 21), end to end on the runner's side: the stand-in
 * CLI asks in its answer, the runner puts the question through the orchestrator (a comment on
 * the fake Linear ticket: no agent session here), waits, and resumes the same session with the
 * person's reply comment, read by the orchestrator's polling fallback.
 */

let world: RunnerWorld | undefined;
const dirs: string[] = [];

afterEach(async () => {
  await world?.close();
  world = undefined;
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const GAPS =
  '## Implemented\n\n- farewell(name)\n\n## Gaps / Partial Implementation\n\nNone\n\n## Manual Steps Required\n\nNone';
const QUESTION = 'Should farewell say "Goodbye <name>" or "Bye <name>"? I would pick Goodbye.';

function script(rules: object[]): { file: string; dir: string } {
  const dir = tempDir('script');
  dirs.push(dir);
  const file = writeScript(dir, {
    rules: [
      { when: 'VERDICT: APPROVE', result: 'Good.\n\nVERDICT: APPROVE' },
      { when: '## Gaps / Partial Implementation', result: GAPS },
      ...rules,
    ] as never,
  });
  return { file, dir };
}

const WRITE_BOTH = [
  { write: { path: 'src/farewell.js', content: FAREWELL_FILES['src/farewell.js'] } },
  { write: { path: 'test/farewell.test.js', content: FAREWELL_FILES['test/farewell.test.js'] } },
];

interface Call {
  prompt: string;
  resume?: string;
  sessionId: string;
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('an interactive run', () => {
  it('asks on the ticket, waits, and resumes the same Claude Code session with the answer', async () => {
    world = await startRunnerWorld({ mapping: { sessionMode: 'interactive' } });
    world.h.ctx.questionCommentCheckMs = 0;
    const { file, dir } = script([
      {
        when: 'This session is interactive',
        times: 1,
        result: `Before I write it:\n\n<ai-implement-question>${QUESTION}</ai-implement-question>`,
      },
      { when: 'Alice answered', actions: WRITE_BOTH, result: 'Added farewell() saying Goodbye.' },
    ]);
    const payload = await world.dispatch('implementation');
    expect(payload.sessionMode).toBe('interactive');
    const running = runInProcess(world, payload, {
      script: file,
      extraEnv: { AI_IMPLEMENT_ANSWER_POLL_MS: '100' },
    });

    const issueId = world.issue.id;
    const asked = await until('the question comment', () =>
      world!.linear.getIssue(issueId)?.comments.find((body) => body.includes('AI-Implement question')),
    );
    expect(asked).toContain(`> ${QUESTION}`);
    // The run is waiting: the job page shows the step, and nothing was pushed.
    const waiting = (await adminGet(world, `/api/jobs/${payload.dispatchId}/steps`)) as {
      steps: { step: string; status: string }[];
    };
    expect(JSON.stringify(waiting)).toContain('waiting_for_input');
    expect(world.github.repo('acme', 'api').pulls).toHaveLength(0);
    world.linear.addComment(issueId, 'Goodbye, please — with the name.');

    const run = await running;
    expect(run.code, run.output).toBe(0);
    const calls = readCalls(dir) as unknown as Call[];
    const implement = calls.filter((call) => !/VERDICT|Gaps \/ Partial/.test(call.prompt));
    expect(implement).toHaveLength(2);
    expect(implement[0]!.prompt).toContain('This session is interactive');
    expect(implement[1]).toMatchObject({
      resume: implement[0]!.sessionId,
      sessionId: implement[0]!.sessionId,
      prompt: expect.stringContaining('Alice answered to your question:\n\nGoodbye, please — with the name.'),
    });
    const row = await getDispatch(world.h.store.db, payload.dispatchId);
    expect(row).toMatchObject({ status: 'succeeded' });
    expect(row?.pr_url).toBeTruthy();
    const question = await world.h.store.db.selectFrom('run_questions').selectAll().executeTakeFirstOrThrow();
    expect(question).toMatchObject({
      dispatch_id: payload.dispatchId,
      pass: 'implement',
      question: QUESTION,
      channel: 'comment',
      answer: 'Goodbye, please — with the name.',
      answered_by: 'Alice',
    });
    const steps = await world.h.store.db
      .selectFrom('run_steps')
      .select(['step', 'status'])
      .where('step', '=', 'waiting_for_input')
      .orderBy('received_at')
      .execute();
    expect(steps.map((s) => s.status)).toEqual(['started', 'succeeded']);
    world.linear.assertNoRejections();
  }, 60_000);
});

describe('a hybrid run', () => {
  it('asks only when the agent signals uncertainty: a confident pass runs through without a question', async () => {
    world = await startRunnerWorld({ mapping: { sessionMode: 'hybrid' } });
    const { file, dir } = script([{ actions: WRITE_BOTH, result: 'Added farewell().' }]);
    const payload = await world.dispatch('implementation');
    const run = await runInProcess(world, payload, { script: file });
    expect(run.code, run.output).toBe(0);
    const implement = (readCalls(dir) as unknown as Call[]).filter(
      (call) => !/VERDICT|Gaps \/ Partial/.test(call.prompt),
    );
    expect(implement).toHaveLength(1);
    expect(implement[0]!.prompt).toContain('This session is hybrid');
    expect(implement[0]!.prompt).toContain('only when you are genuinely uncertain');
    expect(await world.h.store.db.selectFrom('run_questions').selectAll().execute()).toEqual([]);
    expect(world.linear.getIssue(world.issue.id)?.comments.join('\n')).not.toContain('AI-Implement question');
  }, 60_000);

  it('asks when the agent signals uncertainty with the question tag', async () => {
    world = await startRunnerWorld({ mapping: { sessionMode: 'hybrid' } });
    world.h.ctx.questionCommentCheckMs = 0;
    const { file } = script([
      {
        when: 'This session is hybrid',
        times: 1,
        result: `<ai-implement-question>${QUESTION}</ai-implement-question>`,
      },
      { actions: WRITE_BOTH, result: 'Added farewell().' },
    ]);
    const payload = await world.dispatch('implementation');
    const running = runInProcess(world, payload, {
      script: file,
      extraEnv: { AI_IMPLEMENT_ANSWER_POLL_MS: '100' },
    });
    await until('the question comment', () =>
      world!.linear
        .getIssue(world!.issue.id)
        ?.comments.find((body) => body.includes('AI-Implement question')),
    );
    world.linear.addComment(world.issue.id, 'Goodbye.');
    expect((await running).code).toBe(0);
  }, 60_000);
});
