import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Rows removed by one prune, per table. */
export interface PruneCounts {
  jobs: number;
  dispatches: number;
  runSteps: number;
  planApprovals: number;
  pullRequests: number;
  pullRequestFeedback: number;
  dedupWindow: number;
  webhookDeliveries: number;
  /** The reaper's record of actions (migration 0008). */
  reaperActions: number;
  shadowRuns: number;
  /** Kept tracker states (migration 0013) of tickets whose history is gone. */
  ticketStates: number;
  /** Agent questions and their answers (migration 0015), by when they were asked. */
  runQuestions: number;
}

/** How many job ids go into one `IN (…)` list: far below SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500;

/**
 * Deletes finished history older than `cutoff`, whole jobs at a time so nothing left behind
 * points at a deleted row. A job (its dispatches, run steps, plan approval, pull request rows and
 * their feedback) goes only when:
 * - every dispatch of it has finished (none `pending`/`running`, all with `finished_at`), the
 *   newest before `cutoff` — so no run in flight and no result still being applied is touched;
 * - it is not waiting for a person: a succeeded plan with no implementation dispatch yet stays;
 * - none of its pull requests is open, and each was closed before `cutoff` (follow-up runs of an
 *   open PR share its job).
 * Dedup rows go once older than `dedupCutoff` (the earlier of `cutoff` and the 24 h window's
 * start, so the window still works); webhook deliveries once received before `cutoff`.
 * Runs in one transaction; timestamps are ISO strings, so text comparison is time order.
 */
export async function pruneHistory(
  db: Kysely<Database>,
  cutoff: Date,
  dedupCutoff: Date,
): Promise<PruneCounts> {
  const before = cutoff.toISOString();
  return db.transaction().execute(async (trx) => {
    const jobs = await trx
      .selectFrom('dispatches')
      .select((eb) => [
        'job_id',
        eb.fn.max('finished_at').as('last_finished'),
        eb.fn
          .sum<number>(
            eb
              .case()
              .when(eb.or([eb('status', 'in', ['pending', 'running']), eb('finished_at', 'is', null)]))
              .then(1)
              .else(0)
              .end(),
          )
          .as('unfinished'),
        eb.fn
          .sum<number>(
            eb
              .case()
              .when(eb.and([eb('phase', '=', 'planning'), eb('status', '=', 'succeeded')]))
              .then(1)
              .else(0)
              .end(),
          )
          .as('plans'),
        eb.fn.sum<number>(eb.case().when('phase', '!=', 'planning').then(1).else(0).end()).as('later_runs'),
      ])
      .groupBy('job_id')
      .having((eb) => eb.fn.max('finished_at'), '<', before)
      .execute();
    const protectedJobs = new Set(
      (
        await trx
          .selectFrom('pull_requests')
          .select('job_id')
          .where((eb) =>
            eb.or([eb('state', '=', 'open'), eb('closed_at', 'is', null), eb('closed_at', '>=', before)]),
          )
          .execute()
      ).map((row) => row.job_id),
    );
    const prunable = jobs
      .filter(
        (job) =>
          Number(job.unfinished) === 0 &&
          !(Number(job.plans) > 0 && Number(job.later_runs) === 0) &&
          !protectedJobs.has(job.job_id),
      )
      .map((job) => job.job_id);

    const counts: PruneCounts = {
      jobs: prunable.length,
      dispatches: 0,
      runSteps: 0,
      planApprovals: 0,
      pullRequests: 0,
      pullRequestFeedback: 0,
      dedupWindow: 0,
      webhookDeliveries: 0,
      reaperActions: 0,
      shadowRuns: 0,
      ticketStates: 0,
      runQuestions: 0,
    };
    for (let i = 0; i < prunable.length; i += CHUNK) {
      const ids = prunable.slice(i, i + CHUNK);
      const pulls = await trx
        .selectFrom('pull_requests')
        .select(['repo', 'number'])
        .where('job_id', 'in', ids)
        .execute();
      for (const pull of pulls) {
        counts.pullRequestFeedback += deleted(
          await trx
            .deleteFrom('pull_request_feedback')
            .where('repo', '=', pull.repo)
            .where('pr_number', '=', pull.number)
            .executeTakeFirst(),
        );
      }
      counts.pullRequests += deleted(
        await trx.deleteFrom('pull_requests').where('job_id', 'in', ids).executeTakeFirst(),
      );
      counts.runSteps += deleted(
        await trx.deleteFrom('run_steps').where('job_id', 'in', ids).executeTakeFirst(),
      );
      counts.planApprovals += deleted(
        await trx.deleteFrom('plan_approvals').where('job_id', 'in', ids).executeTakeFirst(),
      );
      counts.dispatches += deleted(
        await trx.deleteFrom('dispatches').where('job_id', 'in', ids).executeTakeFirst(),
      );
    }
    counts.dedupWindow = deleted(
      await trx
        .deleteFrom('dedup_window')
        .where('dispatched_at', '<', dedupCutoff.toISOString())
        .executeTakeFirst(),
    );
    counts.webhookDeliveries = deleted(
      await trx.deleteFrom('webhook_deliveries').where('received_at', '<', before).executeTakeFirst(),
    );
    counts.reaperActions = deleted(
      await trx.deleteFrom('reaper_actions').where('at', '<', before).executeTakeFirst(),
    );
    counts.shadowRuns = deleted(
      await trx.deleteFrom('shadow_runs').where('created_at', '<', before).executeTakeFirst(),
    );
    counts.runQuestions = deleted(
      await trx.deleteFrom('run_questions').where('asked_at', '<', before).executeTakeFirst(),
    );
    // A kept tracker state goes with the last of its ticket's history.
    counts.ticketStates = deleted(
      await trx
        .deleteFrom('ticket_states')
        .where('read_at', '<', before)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('dispatches')
                .select(sql`1`.as('one'))
                .whereRef('dispatches.issue_id', '=', 'ticket_states.issue_id'),
            ),
          ),
        )
        .executeTakeFirst(),
    );
    // Run steps whose dispatch is already gone (none should exist; cheap to keep it true).
    counts.runSteps += deleted(
      await trx
        .deleteFrom('run_steps')
        .where('received_at', '<', before)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('dispatches')
                .select(sql`1`.as('one'))
                .whereRef('dispatches.id', '=', 'run_steps.dispatch_id'),
            ),
          ),
        )
        .executeTakeFirst(),
    );
    return counts;
  });
}

function deleted(result: { numDeletedRows: bigint }): number {
  return Number(result.numDeletedRows);
}
