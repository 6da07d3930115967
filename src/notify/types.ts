import type { Phase } from '../domain/phases.ts';

/** The ticket a notification is about, as the tracker shows it. `title` is user text. */
export interface NotifiedIssue {
  /** e.g. `ENG-123` or `PROJ-456`. */
  identifier: string;
  title: string;
  url: string;
}

/** One dispatch of a run: which ticket, where, what kind, how many times so far. */
export interface NotifiedRun {
  issue: NotifiedIssue;
  /** `owner/repo`. */
  repo: string;
  phase: Phase;
  /** 1 for the first dispatch of this ticket and phase, 2 for the first retry, … */
  dispatchNumber: number;
  /** Where the run executes: `github-actions`, `fly-machines`, `local`. */
  runnerMode: string;
}

/**
 * What the orchestrator tells people about (seed 000, Notifications; the reaper alert of
 * REAPER_ALERT_THRESHOLD). `run_finished` mirrors the runner result of CONTRACTS.md §4.
 */
export type NotificationEvent =
  | ({ type: 'dispatch_succeeded' } & NotifiedRun)
  | ({ type: 'dispatch_failed'; error: string } & NotifiedRun)
  | ({
      type: 'run_finished';
      result: { status: 'success'; prUrl: string | undefined } | { status: 'failure'; error: string };
      /** Dollars the run spent, when it reported its usage (issue 16). */
      costUsd?: number;
    } & NotifiedRun)
  | BudgetAlert
  | {
      type: 'reaper_alert';
      /** Destructions in the window. */
      destroyedCount: number;
      /** REAPER_ALERT_THRESHOLD. */
      threshold: number;
      windowHours: number;
      /** REAPER_DRY_RUN: the count is of machines it would have destroyed. */
      dryRun: boolean;
    };

export type NotificationEventType = NotificationEvent['type'];

/** Multi-tenant labels (CLIENT_SLUG, FLY_APP_NAME) added to every notification when set. */
export interface NotificationLabels {
  clientSlug: string | undefined;
  flyAppName: string | undefined;
}

/**
 * Sends notifications to people. `notify` never throws and never rejects: a notification is
 * best effort and must not disturb dispatching, so delivery failures are logged and dropped.
 */
export interface Notifier {
  /** `none` when NOTIFY_WEBHOOK_URL is unset. */
  readonly kind: 'slack' | 'teams' | 'none';
  notify(event: NotificationEvent): Promise<void>;
}

/**
 * A budget passed 80 % or 100 % of its amount (issue 16); sent once per budget, period and
 * threshold. At 100 % the admission gate holds the budget's new runs until `resetsAt`.
 */
export interface BudgetAlert {
  type: 'budget_alert';
  /** `daily` or `monthly` of a team (`teamKey`), or the global monthly budget (no `teamKey`). */
  period: 'daily' | 'monthly';
  teamKey?: string;
  /** 80 or 100. */
  thresholdPercent: number;
  spentUsd: number;
  budgetUsd: number;
  /** ISO-8601 UTC: the start of the next period. */
  resetsAt: string;
}
