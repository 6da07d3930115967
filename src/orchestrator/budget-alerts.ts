import {
  dayStart,
  globalStanding,
  monthStart,
  periodEnd,
  reachedThresholds,
  standings,
  type BudgetStanding,
  type SpendState,
} from '../domain/budgets.ts';
import { describeError } from '../domain/errors.ts';
import type { Mapping } from '../domain/mapping.ts';
import { claimBudgetAlert } from '../store/spend.ts';
import type { OrchestratorContext } from './context.ts';

/**
 * Tells people when a budget passes 80 % and 100 % (issue 16), once per budget, period and
 * threshold: the tick calls this with the spend it loaded for the gate, and `budget_alerts`
 * remembers what was sent. Only budgets at or past a threshold touch the database. Best effort:
 * a failure is logged and the next tick tries again.
 */
export async function sendBudgetAlerts(
  ctx: OrchestratorContext,
  mappings: Mapping[],
  spend: SpendState,
  now: Date,
): Promise<void> {
  const all: BudgetStanding[] = mappings.flatMap((mapping) =>
    standings(mapping.teamKey, mapping, { ...spend, globalMonthlyBudgetUsd: undefined }),
  );
  if (spend.globalMonthlyBudgetUsd !== undefined)
    all.push(globalStanding(spend, spend.globalMonthlyBudgetUsd));
  for (const standing of all) {
    for (const threshold of reachedThresholds(standing)) {
      try {
        const first = await claimBudgetAlert(ctx.db, {
          budget: standing.key,
          periodStart: standing.period === 'daily' ? dayStart(now) : monthStart(now),
          threshold,
          at: now,
        });
        if (!first) continue;
        ctx.logger.warn(
          { budget: standing.key, spentUsd: standing.spentUsd, budgetUsd: standing.budgetUsd, threshold },
          `spend passed ${threshold} % of budget ${standing.key}`,
        );
        await ctx.notifier.notify({
          type: 'budget_alert',
          period: standing.period,
          ...(standing.teamKey !== undefined ? { teamKey: standing.teamKey } : {}),
          thresholdPercent: threshold,
          spentUsd: standing.spentUsd,
          budgetUsd: standing.budgetUsd,
          resetsAt: periodEnd(standing.period, now).toISOString(),
        });
      } catch (error) {
        ctx.logger.error({ budget: standing.key, err: describeError(error) }, 'budget alert failed');
      }
    }
  }
}
