import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { IN_FLIGHT } from './dispatches.ts';
import type { Database, RunQuestionsTable } from './schema.ts';

/** Named queries for the agent's questions to a person (migration 0015; issue 21). */

export type RunQuestionRow = Selectable<RunQuestionsTable>;

/**
 * Records a question, or finds the one the run already asked under the same key (a retried
 * `POST /runner/question`). `created` says whether this call wrote it, i.e. must put it to people.
 */
export async function recordQuestion(
  db: Kysely<Database>,
  row: Omit<
    RunQuestionRow,
    'id' | 'channel' | 'session_id' | 'checked_at' | 'answer' | 'answered_by' | 'answered_at'
  >,
): Promise<{ row: RunQuestionRow; created: boolean }> {
  const inserted = await db
    .insertInto('run_questions')
    .values({
      ...row,
      id: randomUUID(),
      channel: null,
      session_id: null,
      checked_at: null,
      answer: null,
      answered_by: null,
      answered_at: null,
    })
    .onConflict((oc) => oc.columns(['dispatch_id', 'question_key']).doNothing())
    .executeTakeFirst();
  const stored = await db
    .selectFrom('run_questions')
    .selectAll()
    .where('dispatch_id', '=', row.dispatch_id)
    .where('question_key', '=', row.question_key)
    .executeTakeFirstOrThrow();
  return { row: stored, created: Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0 };
}

export async function getQuestion(db: Kysely<Database>, id: string): Promise<RunQuestionRow | undefined> {
  return db.selectFrom('run_questions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Where the question was put: `linear-session` (with its session) or `comment`. */
export async function setQuestionChannel(
  db: Kysely<Database>,
  id: string,
  channel: 'linear-session' | 'comment',
  sessionId: string | null,
): Promise<void> {
  await db
    .updateTable('run_questions')
    .set({ channel, session_id: sessionId })
    .where('id', '=', id)
    .execute();
}

/** The ticket's comments were read for a reply at `at` (the polling fallback's rate limit). */
export async function markQuestionChecked(db: Kysely<Database>, id: string, at: Date): Promise<void> {
  await db.updateTable('run_questions').set({ checked_at: at.toISOString() }).where('id', '=', id).execute();
}

/**
 * Records the reply; the first one wins (a redelivered prompt or comment changes nothing).
 * True when this call recorded it.
 */
export async function answerQuestion(
  db: Kysely<Database>,
  id: string,
  answer: { text: string; by: string | null; at: Date },
): Promise<boolean> {
  const result = await db
    .updateTable('run_questions')
    .set({ answer: answer.text, answered_by: answer.by, answered_at: answer.at.toISOString() })
    .where('id', '=', id)
    .where('answer', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * The oldest unanswered question of a ticket whose run is still in flight, by the ticket's id
 * (a Linear agent session's issue, a comment event's issue); undefined when none waits.
 */
export async function openQuestionOfIssue(
  db: Kysely<Database>,
  issueId: string,
): Promise<RunQuestionRow | undefined> {
  return db
    .selectFrom('run_questions')
    .innerJoin('dispatches', 'dispatches.id', 'run_questions.dispatch_id')
    .selectAll('run_questions')
    .where('run_questions.issue_id', '=', issueId)
    .where('run_questions.answer', 'is', null)
    .where('dispatches.status', 'in', IN_FLIGHT)
    .orderBy('run_questions.asked_at')
    .limit(1)
    .executeTakeFirst();
}

/** The unanswered question of each in-flight dispatch that has one, by dispatch id (the Overview). */
export async function openQuestionsOf(db: Kysely<Database>): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('run_questions')
    .innerJoin('dispatches', 'dispatches.id', 'run_questions.dispatch_id')
    .select(['run_questions.dispatch_id', 'run_questions.question'])
    .where('run_questions.answer', 'is', null)
    .where('dispatches.status', 'in', IN_FLIGHT)
    .orderBy('run_questions.asked_at')
    .execute();
  return new Map(rows.map((row) => [row.dispatch_id, row.question]));
}
