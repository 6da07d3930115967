import type { Kysely } from 'kysely';

/**
 * The agent's questions to a person and their answers (issue 21, `sessionMode` interactive and
 * hybrid): one row per question a run asked (`POST /runner/question`), where it was put (the
 * Linear agent session, or a ticket comment), and the reply once someone gave one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('run_questions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dispatch_id', 'text', (c) => c.notNull())
    .addColumn('question_key', 'text', (c) => c.notNull())
    .addColumn('issue_id', 'text', (c) => c.notNull())
    .addColumn('issue_identifier', 'text', (c) => c.notNull())
    .addColumn('pass', 'text', (c) => c.notNull())
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('channel', 'text')
    .addColumn('session_id', 'text')
    .addColumn('asked_at', 'text', (c) => c.notNull())
    .addColumn('checked_at', 'text')
    .addColumn('answer', 'text')
    .addColumn('answered_by', 'text')
    .addColumn('answered_at', 'text')
    .addUniqueConstraint('run_questions_dispatch_key', ['dispatch_id', 'question_key'])
    .execute();
  await db.schema.createIndex('run_questions_issue').on('run_questions').columns(['issue_id']).execute();
}
