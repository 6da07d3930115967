import type { AgentOutcome, AgentRequest } from '../agent/claude-cli.ts';
import { StepFailure } from '../pipeline.ts';
import {
  MAX_QUESTIONS_PER_PASS,
  NO_MORE_QUESTIONS,
  answerPrompt,
  questionIn,
  questionInstructions,
  waitForAnswer,
  type Answer,
} from '../questions.ts';
import type { RunContext } from '../run-context.ts';
import { agentPass } from './agent-pass.ts';

/** How often the runner asks the orchestrator for the answer (`AI_IMPLEMENT_ANSWER_POLL_MS`). */
const DEFAULT_ANSWER_POLL_MS = 10_000;

/** The progress step a waiting run reports (issue 21): shown on the job page like every step. */
export const WAITING_STEP = 'waiting_for_input';

/**
 * An agent pass that may ask a person (payload `sessionMode` interactive or hybrid): the prompt
 * gets the asking instructions, and while the pass's answer ends with a question, the question
 * goes to the ticket's people, the run waits for the reply, and the same Claude Code session is
 * resumed with it (`--resume`). At most {@link MAX_QUESTIONS_PER_PASS} questions; then the
 * session is told to decide itself. Without `sessionMode` (autonomous) it is `agentPass` as is,
 * and a question tag in an answer is not acted on. Throws `StepFailure` when no reply comes
 * before the run's deadline (maxJobMinutes).
 */
export async function conversationPass(
  ctx: RunContext,
  request: Omit<AgentRequest, 'timeoutMs' | 'maxBudgetUsd'>,
  share = 1,
): Promise<AgentOutcome> {
  const mode = ctx.payload.sessionMode;
  if (!mode) return agentPass(ctx, request, share);
  let outcome = await agentPass(
    ctx,
    { ...request, prompt: `${request.prompt}\n\n${questionInstructions(mode)}` },
    share,
  );
  for (let asked = 0; ; asked += 1) {
    const question = questionIn(outcome.text);
    if (!question) return outcome;
    if (!outcome.sessionId) {
      throw new StepFailure(
        'Claude Code reported no session id, so the session cannot resume after its question',
      );
    }
    const answer =
      asked < MAX_QUESTIONS_PER_PASS ? await askPerson(ctx, request.label, question, asked + 1) : undefined;
    if (!answer)
      ctx.log.warn(
        `the ${request.label} pass asked more than ${MAX_QUESTIONS_PER_PASS} questions; it decides itself now`,
      );
    outcome = await agentPass(
      ctx,
      {
        ...request,
        label: `${request.label}.resumed`,
        prompt: answer ? answerPrompt(answer.answer, answer.by) : NO_MORE_QUESTIONS,
        resumeSessionId: outcome.sessionId,
      },
      share,
    );
    if (!answer) return outcome;
  }
}

/**
 * Puts `question` to the ticket's people through the orchestrator and waits for the reply,
 * reporting a `waiting_for_input` step around the wait. Throws `StepFailure` at the deadline.
 */
async function askPerson(ctx: RunContext, pass: string, question: string, n: number): Promise<Answer> {
  const started = Date.now();
  await ctx.reporter.progress({ step: WAITING_STEP, status: 'started', output: { pass, question } });
  let questionId: string;
  try {
    questionId = await ctx.reporter.ask({ key: `${pass}-${n}`, pass, question });
  } catch (error) {
    await ctx.reporter.progress({ step: WAITING_STEP, status: 'failed', elapsedMs: Date.now() - started });
    throw new StepFailure(`the agent's question could not be put to anyone: ${(error as Error).message}`);
  }
  ctx.log.info(`waiting for an answer to the ${pass} pass's question`, { questionId });
  const intervalMs = Number(ctx.env.AI_IMPLEMENT_ANSWER_POLL_MS) || DEFAULT_ANSWER_POLL_MS;
  const answer = await waitForAnswer({
    poll: () => ctx.reporter.answer(questionId),
    deadline: ctx.deadline,
    intervalMs,
    onPollError: (error) => ctx.log.warn(`answer not read: ${(error as Error).message}`),
  });
  const elapsedMs = Date.now() - started;
  if (!answer) {
    await ctx.reporter.progress({ step: WAITING_STEP, status: 'failed', elapsedMs, output: { questionId } });
    const minutes = ctx.payload.caps?.maxJobMinutes;
    throw new StepFailure(
      `no reply to the agent's question within the job's time (maxJobMinutes${minutes ? ` ${minutes}` : ''}); the question was: ${question}`,
      { output: { agent: 'no_answer', questionId } },
    );
  }
  await ctx.reporter.progress({
    step: WAITING_STEP,
    status: 'succeeded',
    elapsedMs,
    output: { questionId, ...(answer.by ? { answeredBy: answer.by } : {}) },
  });
  return answer;
}
