import type { LocalRunnerBackend, NotifyType, RunnerMode } from './config-schema.ts';

export type { NotifyType, RunnerMode };

/** Linear, configured by LINEAR_API_KEY. */
export interface LinearConfig {
  readonly apiKey: string;
  /** GraphQL endpoint, LINEAR_API_URL. */
  readonly apiUrl: string;
  /** For issue links, LINEAR_WORKSPACE_URL. */
  readonly workspaceUrl: string | undefined;
}

/**
 * Jira, in one of two auth modes:
 * - `bearer`: JIRA_TOKEN as a Bearer token through `https://api.atlassian.com/ex/jira/{cloudId}`;
 * - `basic`: JIRA_EMAIL + JIRA_TOKEN as Basic auth straight to JIRA_SITE_URL.
 * `apiUrl` is the REST base either way (JIRA_API_URL overrides it), without `/rest/api/3`.
 */
export type JiraConfig =
  | {
      readonly auth: 'bearer';
      readonly token: string;
      /** Unset only when JIRA_API_URL names the REST base directly (Data Center, tests). */
      readonly cloudId: string | undefined;
      /** For issue links. */
      readonly siteUrl: string | undefined;
      readonly apiUrl: string;
    }
  | {
      readonly auth: 'basic';
      readonly email: string;
      readonly token: string;
      readonly siteUrl: string;
      readonly apiUrl: string;
    };

/** The orchestrator's configuration: CONTRACTS.md §1, parsed by `loadConfig`. Deeply frozen. */
export interface Config {
  /** NODE_ENV=production. */
  readonly production: boolean;
  readonly port: number;
  readonly pollIntervalMs: number;
  readonly dedupDbPath: string;
  /**
   * DATABASE_URL (CONTRACTS.md §10): PostgreSQL instead of the SQLite file at `dedupDbPath`.
   * `leaderLockUrl` (LEADER_LOCK_DATABASE_URL, default DATABASE_URL) is the direct connection the
   * leader lock is held on; `leaderCheckIntervalMs` how often a follower tries to take it
   * (docs/decisions/replicas.md). Unset: SQLite, one replica, always the leader.
   */
  readonly postgres:
    | { readonly url: string; readonly leaderLockUrl: string; readonly leaderCheckIntervalMs: number }
    | undefined;
  readonly github: {
    /** The numeric GitHub App ID. */
    readonly appId: number;
    /** PEM with real newlines. */
    readonly privateKey: string;
    readonly apiUrl: string;
    /** Unset: `/api/github/webhook` answers 503. */
    readonly webhookSecret: string | undefined;
  };
  /** Unset when LINEAR_API_KEY is. At least one of `linear` and `jira` is set. */
  readonly linear: LinearConfig | undefined;
  readonly jira: JiraConfig | undefined;
  readonly admin: {
    /** Unset: `/admin` and `/api/*` answer 404. */
    readonly accessCode: string | undefined;
  };
  readonly gapFill: {
    /** Unset: `/trigger/gap-fill` answers 503. */
    readonly triggerSecret: string | undefined;
  };
  readonly notify: {
    readonly type: NotifyType;
    /** Unset: notifications are skipped silently. A secret (whoever has it can post). */
    readonly webhookUrl: string | undefined;
  };
  readonly runner: {
    /** RUNNER_MODE, `default` when unset. */
    readonly mode: RunnerMode;
    /** RUNNER_MODE is set in the environment, so it wins over the database value (seed 002, Reaper). */
    readonly modeFromEnv: boolean;
    readonly callbackBaseUrl: string | undefined;
    /** Unset: `/runner/*` answer 501. */
    readonly tokenSecret: string | undefined;
    /** AI_IMPLEMENT_RUNNER_IMAGE: default session image for Fly and local Docker. */
    readonly image: string | undefined;
    /** LOCAL_RUNNER_IMAGE: the runner image of RUNNER_MODE=local (default ai-implement-runner:local). */
    readonly localImage: string;
    /** LOCAL_RUNNER_ORCHESTRATOR_URL: where run containers call back (default http://127.0.0.1:$PORT). */
    readonly localOrchestratorUrl: string;
    /** LOCAL_RUNNER_BACKEND: `docker` (containers, default) or `process` (child processes). */
    readonly localBackend: LocalRunnerBackend;
  };
  readonly fly: {
    readonly sessionsApp: string | undefined;
    readonly sessionsRegion: string | undefined;
    readonly sessionsToken: string | undefined;
    readonly apiUrl: string;
    /** FLY_WARM_POOL_SIZE: idle Machines kept per image, guest and region (0: no pool). */
    readonly warmPoolSize: number;
  };
  readonly reaper: {
    readonly dryRun: boolean;
    /** Destructions in 24 h above which an alert is sent. */
    readonly alertThreshold: number;
    /** REAPER_INTERVAL_MS: the sweep period (default 300 000). */
    readonly intervalMs: number;
  };
  /** Multi-tenant labels for logs and notifications. */
  readonly tenant: {
    readonly clientSlug: string | undefined;
    readonly flyAppName: string | undefined;
  };
  /** Forwarded to Fly and local runner sessions; the OAuth token is preferred. */
  readonly claude: {
    readonly anthropicApiKey: string | undefined;
    readonly oauthToken: string | undefined;
  };
  readonly http: {
    /**
     * TRUST_PROXY_HEADER (CONTRACTS.md §10): the header a trusted proxy sets to the client
     * address; the sign-in throttle keys on it. Unset: the socket address.
     */
    readonly trustProxyHeader: string | undefined;
  };
  /** RETENTION_DAYS (CONTRACTS.md §10, default 90): finished history older than this is pruned. */
  readonly retentionDays: number;
  /**
   * CI_CHECKS_GRACE_MS (default 120 000): how long after a push a PR head without checks is still
   * waited for, as GitHub registers a push's check suites a few seconds after it (issue 17).
   */
  readonly ciChecksGraceMs: number;
  /**
   * GLOBAL_MONTHLY_BUDGET_USD (CONTRACTS.md §10): dollars all runs together may spend per UTC
   * calendar month; the gate holds new runs with a `budget` blocker once spent. Unset: none.
   */
  readonly globalMonthlyBudgetUsd: number | undefined;
  /** METRICS_TOKEN (CONTRACTS.md §10): bearer token of `GET /metrics`; unset: the route answers 404. */
  readonly metricsToken: string | undefined;
  /** Tracker webhooks (CONTRACTS.md §10; docs/decisions/tracker-webhooks.md). */
  readonly trackerWebhooks: {
    /** LINEAR_WEBHOOK_SECRET; unset: `POST /api/linear/webhook` answers 503. */
    readonly linearSecret: string | undefined;
    /** JIRA_WEBHOOK_SECRET; unset: `POST /api/jira/webhook` answers 503. */
    readonly jiraSecret: string | undefined;
    /** RECONCILE_INTERVAL_MS (default 300000): the poll period while webhooks are healthy. */
    readonly reconcileIntervalMs: number;
  };
  /**
   * AI-Implement as a Linear agent (LINEAR_OAUTH_CLIENT_ID / _SECRET); unset when either is,
   * and then the install routes answer 503 and agent session events are acknowledged only.
   */
  readonly linearAgent: { readonly clientId: string; readonly clientSecret: string } | undefined;
  /** Operator mistakes that do not stop start-up; log each one at warn level. */
  readonly warnings: readonly string[];
}
