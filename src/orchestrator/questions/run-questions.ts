import { describeError } from '../../domain/errors.ts';
import type { RunQuestion } from '../../domain/run-question.ts';
import type { TicketingProviderName } from '../../domain/ticket.ts';
import { getDispatch, IN_FLIGHT, type DispatchRow } from '../../store/dispatches.ts';
import {
  answerQuestion,
  getQuestion,
  markQuestionChecked,
  openQuestionOfIssue,
  recordQuestion,
  setQuestionChannel,
  type RunQuestionRow,
} from '../../store/run-questions.ts';
import type { TicketComment, TicketRef } from '../../ticketing/types.ts';
import type { OrchestratorContext } from '../context.ts';

/**
 * The orchestrator's side of an agent's question (sessionMode interactive / hybrid; issue 21):
 * the runner asks (`POST /runner/question`), the question is recorded in the ledger and put
 * where the person is — an `elicitation` in the ticket's Linear agent session when it has an open
 * one, else a ticket comment — and the runner polls (`POST /runner/answer`) until a reply is
 * recorded: a `prompt` in the session, a comment webhook, or, failing those, the ticket's
 * comments read again at most every `questionCommentCheckMs` while the runner polls.
 */

/** How often the ticket's comments are read for a reply while a run polls (default). */
export const COMMENT_CHECK_MS = 30_000;

/** In every question comment, so the reply is found after it and our own comments are skipped. */
const QUESTION_TAG = 'AI-Implement question';

export type AskOutcome = { questionId: string } | 'unknown_dispatch' | 'finished';

/** Records the question (once per key) and puts it to people; throws when it could not be put. */
export async function handleRunQuestion(
  ctx: OrchestratorContext,
  dispatchId: string,
  body: RunQuestion,
): Promise<AskOutcome> {
  const row = await getDispatch(ctx.db, dispatchId);
  if (!row) return 'unknown_dispatch';
  if (!IN_FLIGHT.includes(row.status)) return 'finished';
  const { row: question } = await recordQuestion(ctx.db, {
    dispatch_id: row.id,
    question_key: body.key,
    issue_id: row.issue_id,
    issue_identifier: row.issue_identifier,
    pass: body.pass,
    question: body.question,
    asked_at: ctx.clock().toISOString(),
  });
  // Not put yet (new, or an earlier attempt failed to reach the tracker): put it now.
  if (question.channel === null) await putQuestion(ctx, row, question);
  return { questionId: question.id };
}

async function putQuestion(ctx: OrchestratorContext, row: DispatchRow, question: RunQuestionRow) {
  const sessionId = await ctx.askInAgentSession?.(row, question.question).catch((error: unknown) => {
    ctx.logger.warn(
      { issue: row.issue_identifier, err: describeError(error) },
      'question not sent to the Linear agent session; asking in a ticket comment',
    );
    return undefined;
  });
  if (sessionId) {
    await setQuestionChannel(ctx.db, question.id, 'linear-session', sessionId);
    return;
  }
  const provider = ctx.ticketing.get(row.ticketing_provider as TicketingProviderName);
  if (!provider) throw new Error(`no ${row.ticketing_provider} provider to ask on ${row.issue_identifier}`);
  await provider.postComment(ticketRef(row), questionComment(row, question));
  await setQuestionChannel(ctx.db, question.id, 'comment', null);
}

/** The question as a ticket comment: who asks, the question quoted, how to answer. */
export function questionComment(row: DispatchRow, question: RunQuestionRow): string {
  const quoted = question.question
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
  return [
    `**${QUESTION_TAG} ${tagOf(question)}** — the ${row.phase} run on ${row.repo} is waiting for an answer:`,
    quoted,
    'Reply with a comment on this ticket: the first comment after this one is the answer. ' +
      'Without one, the run stops when its job time (maxJobMinutes) runs out.',
  ].join('\n\n');
}

const tagOf = (question: RunQuestionRow) => `q-${question.id.slice(0, 8)}`;

const ticketRef = (row: Pick<DispatchRow, 'issue_id' | 'issue_identifier' | 'team_key'>): TicketRef => ({
  id: row.issue_id,
  identifier: row.issue_identifier,
  teamKey: row.team_key,
});

export type AnswerPoll = { answer: string; by: string | null } | 'pending' | 'unknown_question';

/**
 * The reply to `questionId` of `dispatchId`, if one is recorded; for a question asked in a
 * comment, reads the ticket's comments first when the last read is `questionCommentCheckMs` old.
 */
export async function handleAnswerPoll(
  ctx: OrchestratorContext,
  dispatchId: string,
  questionId: string,
): Promise<AnswerPoll> {
  const question = await getQuestion(ctx.db, questionId);
  if (!question || question.dispatch_id !== dispatchId) return 'unknown_question';
  if (question.answer !== null) return { answer: question.answer, by: question.answered_by };
  if (question.channel !== 'comment') return 'pending';
  const now = ctx.clock();
  const every = ctx.questionCommentCheckMs ?? COMMENT_CHECK_MS;
  if (question.checked_at && now.getTime() - Date.parse(question.checked_at) < every) return 'pending';
  await markQuestionChecked(ctx.db, question.id, now);
  const row = await getDispatch(ctx.db, dispatchId);
  const provider = row ? ctx.ticketing.get(row.ticketing_provider as TicketingProviderName) : undefined;
  if (!row || !provider?.listComments) return 'pending';
  let comments: TicketComment[];
  try {
    comments = await provider.listComments(ticketRef(row));
  } catch (error) {
    ctx.logger.warn(
      { issue: row.issue_identifier, err: describeError(error) },
      'comments not read for a reply',
    );
    return 'pending';
  }
  const reply = replyAfter(comments, tagOf(question));
  if (!reply) return 'pending';
  await answerQuestion(ctx.db, question.id, { text: reply.body, by: reply.author ?? null, at: now });
  const stored = await getQuestion(ctx.db, question.id);
  return { answer: stored?.answer ?? reply.body, by: stored?.answered_by ?? null };
}

/**
 * The first comment after the question's own that a person wrote: not another question, not a
 * comment the runner or orchestrator marked (`<!-- ai-implement:… -->`), not empty.
 */
export function replyAfter(comments: TicketComment[], tag: string): TicketComment | undefined {
  const asked = comments.findIndex((comment) => comment.body.includes(`${QUESTION_TAG} ${tag}`));
  if (asked < 0) return undefined;
  return comments.slice(asked + 1).find((comment) => isPersonReply(comment.body));
}

/** Not empty, not one of our questions, not a comment with the runner's hidden marker line. */
export function isPersonReply(body: string): boolean {
  return (
    body.trim() !== '' && !body.includes(QUESTION_TAG) && !body.trimStart().startsWith('<!-- ai-implement')
  );
}

/**
 * A comment that arrived by webhook (Linear `Comment` create, Jira `comment_created`): the answer
 * to the ticket's open question asked in a comment, if one waits and the comment is a person's.
 * Never throws: the delivery was already answered.
 */
export async function answerFromComment(
  ctx: OrchestratorContext,
  comment: { issueId: string; body: string; author: string | null },
): Promise<void> {
  if (!isPersonReply(comment.body)) return;
  try {
    const question = await answerFromPerson(
      ctx,
      comment.issueId,
      { text: comment.body, by: comment.author },
      { channel: 'comment' },
    );
    if (question)
      ctx.logger.info(
        { issue: question.issue_identifier, questionId: question.id },
        'question answered by a comment',
      );
  } catch (error) {
    ctx.logger.warn(
      { issueId: comment.issueId, err: describeError(error) },
      'comment not taken as an answer',
    );
  }
}

/**
 * A person's reply that arrived by event (a Linear agent session `prompt`, a comment webhook):
 * answers the ticket's oldest open question of a run still in flight. Returns the question it
 * answered, or undefined when none was waiting (the caller then treats the text as it would
 * otherwise).
 */
export async function answerFromPerson(
  ctx: OrchestratorContext,
  issueId: string,
  reply: { text: string; by: string | null },
  options: { channel?: 'linear-session' | 'comment' } = {},
): Promise<RunQuestionRow | undefined> {
  const question = await openQuestionOfIssue(ctx.db, issueId);
  if (!question) return undefined;
  if (options.channel && question.channel !== options.channel) return undefined;
  const recorded = await answerQuestion(ctx.db, question.id, { ...reply, at: ctx.clock() });
  return recorded ? question : undefined;
}
