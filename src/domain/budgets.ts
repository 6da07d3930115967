import type { Refusal } from './admission.ts';

/**
 * Spend budgets (issue 16) as pure rules. Periods are UTC: a day runs from 00:00 UTC, a month
 * from the 1st at 00:00 UTC. A run's cost counts in the period its result arrived in (that is
 * when the cost is known). Budgets are checked before a run starts, so the run that crosses a
 * budget finishes; `maxRunCostUsd` bounds how far past it one run can go.
 */

/** The start of `now`'s UTC day. */
export function dayStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** The start of `now`'s UTC calendar month. */
export function monthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** When the `period` containing `now` ends and its budget resets. */
export function periodEnd(period: BudgetPeriod, now: Date): Date {
  return period === 'daily'
    ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1))
    : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

export type BudgetPeriod = 'daily' | 'monthly';

/** Dollars spent in the current periods, from the ledger; teams absent have spent nothing. */
export interface SpendState {
  teamDay: ReadonlyMap<string, number>;
  teamMonth: ReadonlyMap<string, number>;
  globalMonth: number;
  /** GLOBAL_MONTHLY_BUDGET_USD; undefined: no global budget. */
  globalMonthlyBudgetUsd?: number;
}

/** One budget as the gate and the alerts see it. */
export interface BudgetStanding {
  /** `team:ENG:daily`, `team:ENG:monthly`, `global:monthly`: the alert key. */
  key: string;
  period: BudgetPeriod;
  /** Undefined for the global budget. */
  teamKey?: string;
  budgetUsd: number;
  spentUsd: number;
}

/** The budgets that apply to a team's runs, with what each has spent; unset budgets are left out. */
export function standings(
  teamKey: string,
  budgets: { dailyBudgetUsd?: number; monthlyBudgetUsd?: number },
  spend: SpendState,
): BudgetStanding[] {
  const list: BudgetStanding[] = [];
  if (budgets.dailyBudgetUsd !== undefined) {
    list.push({
      key: `team:${teamKey}:daily`,
      period: 'daily',
      teamKey,
      budgetUsd: budgets.dailyBudgetUsd,
      spentUsd: spend.teamDay.get(teamKey) ?? 0,
    });
  }
  if (budgets.monthlyBudgetUsd !== undefined) {
    list.push({
      key: `team:${teamKey}:monthly`,
      period: 'monthly',
      teamKey,
      budgetUsd: budgets.monthlyBudgetUsd,
      spentUsd: spend.teamMonth.get(teamKey) ?? 0,
    });
  }
  if (spend.globalMonthlyBudgetUsd !== undefined)
    list.push(globalStanding(spend, spend.globalMonthlyBudgetUsd));
  return list;
}

/** The global monthly budget's standing. */
export function globalStanding(spend: SpendState, budgetUsd: number): BudgetStanding {
  return { key: 'global:monthly', period: 'monthly', budgetUsd, spentUsd: spend.globalMonth };
}

/**
 * The `budget` refusal for the first spent budget (daily, then monthly, then global), saying
 * which, how much is spent and when it resets; undefined while every budget has money left.
 */
export function budgetRefusal(list: BudgetStanding[], now: Date): Refusal | undefined {
  const spent = list.find((standing) => standing.spentUsd >= standing.budgetUsd);
  if (!spent) return undefined;
  const which = spent.teamKey
    ? `the ${spent.period} budget of ${spent.teamKey}`
    : `the global ${spent.period} budget (GLOBAL_MONTHLY_BUDGET_USD)`;
  return {
    reason: 'budget',
    detail:
      `${which} is spent: $${spent.spentUsd.toFixed(2)} of $${spent.budgetUsd.toFixed(2)}; ` +
      `it resets at ${periodEnd(spent.period, now).toISOString()}`,
  };
}

/** Alert thresholds, in percent of a budget (issue 16: 80 % and 100 %). */
export const ALERT_THRESHOLDS = [80, 100] as const;

/** The thresholds a standing has reached (none below 80 %). */
export function reachedThresholds(standing: BudgetStanding): number[] {
  return ALERT_THRESHOLDS.filter((percent) => standing.spentUsd >= (standing.budgetUsd * percent) / 100);
}
