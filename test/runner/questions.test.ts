import { describe, expect, it } from 'vitest';
import type { AgentOutcome, AgentRequest } from '../../src/runner/agent/claude-cli.ts';
import { StepFailure } from '../../src/runner/pipeline.ts';
import { questionIn, questionInstructions, waitForAnswer } from '../../src/runner/questions.ts';
import type { RunContext } from '../../src/runner/run-context.ts';
import { conversationPass } from '../../src/runner/steps/conversation.ts';
import { replyAfter } from '../../src/orchestrator/questions/run-questions.ts';

describe('the question tag', () => {
  it('finds the last question in an answer, trimmed; none without a tag or with an empty one', () => {
    expect(questionIn('Done.')).toBeUndefined();
    expect(questionIn('<ai-implement-question>  </ai-implement-question>')).toBeUndefined();
    expect(
      questionIn(
        'first <ai-implement-question>old?</ai-implement-question>\n<AI-IMPLEMENT-QUESTION>\nWhich format, CSV or TSV?\n</AI-IMPLEMENT-QUESTION>',
      ),
    ).toBe('Which format, CSV or TSV?');
    expect(questionIn(`<ai-implement-question>${'x'.repeat(5000)}</ai-implement-question>`)).toHaveLength(
      4000,
    );
  });

  it('tells an interactive agent to ask at decision points and a hybrid one only when uncertain', () => {
    expect(questionInstructions('interactive')).toMatch(/Pause at each decision point/);
    expect(questionInstructions('hybrid')).toMatch(/only when you are genuinely uncertain/);
    for (const mode of ['interactive', 'hybrid'] as const) {
      expect(questionInstructions(mode)).toContain('<ai-implement-question>');
    }
  });
});

describe('waiting for an answer', () => {
  it('polls until an answer comes, counting a failed poll as none yet', async () => {
    let now = 0;
    const polls = [new Error('orchestrator restarting'), undefined, { answer: 'CSV', by: 'Alice' }];
    const errors: unknown[] = [];
    const answer = await waitForAnswer({
      poll: async () => {
        const next = polls.shift();
        if (next instanceof Error) throw next;
        return next;
      },
      deadline: 60_000,
      intervalMs: 10_000,
      now: () => now,
      wait: async (ms) => void (now += ms),
      onPollError: (error) => errors.push(error),
    });
    expect(answer).toEqual({ answer: 'CSV', by: 'Alice' });
    expect(now).toBe(20_000);
    expect(errors).toHaveLength(1);
  });

  it('gives up at the deadline, polling once more at it', async () => {
    let now = 0;
    let polls = 0;
    const answer = await waitForAnswer({
      poll: async () => void (polls += 1),
      deadline: 25_000,
      intervalMs: 10_000,
      now: () => now,
      wait: async (ms) => void (now += ms),
    });
    expect([answer, now, polls]).toEqual([undefined, 25_000, 4]);
  });
});

describe('a pass that asks and gets no reply within maxJobMinutes', () => {
  it('fails its step with a clear message, after reporting the wait as failed', async () => {
    const progress: { step: string; status: string }[] = [];
    const requests: AgentRequest[] = [];
    const ctx = {
      payload: { sessionMode: 'interactive', caps: { maxJobMinutes: 30 } },
      env: { AI_IMPLEMENT_ANSWER_POLL_MS: '20' },
      // The deadline passes while the run waits: the job's maxJobMinutes minus the reporting reserve.
      deadline: Date.now() + 31_000,
      caps: { maxTurns: 10, maxIterations: 1 },
      state: { usage: { costUsd: 0 }, workflow: undefined },
      log: { info: () => undefined, warn: () => undefined },
      agent: {
        async run(request: AgentRequest): Promise<AgentOutcome> {
          requests.push(request);
          // The pass takes the time it takes: the deadline is near when it asks.
          ctx.deadline = Date.now() + 150;
          return {
            text: '<ai-implement-question>CSV or TSV?</ai-implement-question>',
            subtype: 'success',
            usage: {
              costUsd: 0,
              inputTokens: 0,
              outputTokens: 0,
              cacheReadTokens: 0,
              cacheCreationTokens: 0,
              turns: 1,
            },
            hitMaxTurns: false,
            toolUses: 0,
            sessionId: 'session-1',
          };
        },
      },
      reporter: {
        progress: async (report: { step: string; status: string }) => void progress.push(report),
        ask: async () => 'question-1',
        answer: async () => undefined,
      },
    };
    const failure = await conversationPass(ctx as unknown as RunContext, {
      label: 'implement',
      prompt: 'Implement it.',
      model: 'claude-sonnet-4-6',
      mode: 'edit',
      maxTurns: 10,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StepFailure);
    expect((failure as StepFailure).message).toBe(
      "no reply to the agent's question within the job's time (maxJobMinutes 30); the question was: CSV or TSV?",
    );
    expect((failure as StepFailure).output).toMatchObject({ agent: 'no_answer', questionId: 'question-1' });
    expect(progress.map((p) => [p.step, p.status])).toEqual([
      ['waiting_for_input', 'started'],
      ['waiting_for_input', 'failed'],
    ]);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.prompt).toContain('This session is interactive');
  });
});

describe('the reply to a question comment', () => {
  const comment = (id: string, body: string, author?: string) => ({
    id,
    body,
    createdAt: `2026-12-06T00:00:0${id}Z`,
    author,
  });

  it('is the first comment after the question that is not ours', () => {
    const comments = [
      comment('1', 'Before: unrelated', 'Bob'),
      comment('2', '**AI-Implement question q-abc** — the implementation run …'),
      comment('3', '<!-- ai-implement:plan:architecture -->\n## Architecture'),
      comment('4', '**AI-Implement question q-def** — another run'),
      comment('5', 'CSV, please', 'Alice'),
      comment('6', 'No, TSV', 'Bob'),
    ];
    expect(replyAfter(comments, 'q-abc')).toMatchObject({ body: 'CSV, please', author: 'Alice' });
    expect(replyAfter(comments.slice(0, 4), 'q-abc')).toBeUndefined();
    expect(replyAfter(comments, 'q-zzz')).toBeUndefined();
  });
});
