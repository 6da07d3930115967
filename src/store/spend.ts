import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Named queries for spend (issue 16): what runs cost per period, and the budget alerts sent. */

/** Dollars per team since `monthStart` and since `dayStart` (both UTC period starts). */
export interface TeamSpend {
  teamKey: string;
  monthUsd: number;
  dayUsd: number;
}

/**
 * What each team's runs cost this month and today, counted by when the result arrived (when the
 * cost is known): one grouped read over index `dispatches_result_team`, bounded by the month's
 * results. Teams without spend are absent.
 */
export async function sumSpendByTeam(
  db: Kysely<Database>,
  since: { monthStart: Date; dayStart: Date },
): Promise<TeamSpend[]> {
  const day = since.dayStart.toISOString();
  const rows = await db
    .selectFrom('dispatches')
    .select((eb) => [
      'team_key',
      eb.fn.sum<number | string>('cost_usd').as('month'),
      eb.fn
        .sum<number | string>(
          eb.case().when('result_received_at', '>=', day).then(eb.ref('cost_usd')).else(sql.lit(0)).end(),
        )
        .as('day'),
    ])
    .where('result_received_at', '>=', since.monthStart.toISOString())
    .where('cost_usd', 'is not', null)
    .groupBy('team_key')
    .execute();
  return rows.map((row) => ({
    teamKey: row.team_key,
    monthUsd: micro(Number(row.month)),
    dayUsd: micro(Number(row.day)),
  }));
}

/**
 * Per team: its AI pull requests that are open and have no approving review — what waits for a
 * person (`maxPullRequestsAwaitingReview`). One grouped read of the open PRs.
 */
export async function countAwaitingReviewByTeam(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('pull_requests as pr')
    .select((eb) => ['pr.team_key', eb.fn.countAll<number | string>().as('waiting')])
    .where('pr.state', '=', 'open')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('pull_request_feedback as review')
            .select(sql.lit(1).as('one'))
            .whereRef('review.repo', '=', 'pr.repo')
            .whereRef('review.pr_number', '=', 'pr.number')
            .where('review.kind', '=', 'review')
            .where('review.review_state', '=', 'approved'),
        ),
      ),
    )
    .groupBy('pr.team_key')
    .execute();
  return new Map(rows.map((row) => [row.team_key, Number(row.waiting)]));
}

/**
 * Records that the alert for `budget` at `threshold` % in the period starting `periodStart` was
 * sent; true the first time, false when it already was (the primary key decides, so two
 * orchestrators never both send it).
 */
export async function claimBudgetAlert(
  db: Kysely<Database>,
  alert: { budget: string; periodStart: Date; threshold: number; at: Date },
): Promise<boolean> {
  const result = await db
    .insertInto('budget_alerts')
    .values({
      budget: alert.budget,
      period_start: alert.periodStart.toISOString(),
      threshold: alert.threshold,
      sent_at: alert.at.toISOString(),
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Dollars to micro-dollars, so sums of cents do not show binary noise. */
function micro(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}
