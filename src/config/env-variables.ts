/**
 * Every environment variable of CONTRACTS.md §1, with the operator-facing hint that follows its
 * name in a start-up error: where to get the value (seed `000_…`, the environment reference) or,
 * for plain settings, what it does.
 */
export const ENV_HELP = {
  GITHUB_APP_ID: "the numeric App ID on your GitHub App's settings page (General → App ID)",
  GITHUB_APP_PRIVATE_KEY:
    "a private key generated on your GitHub App's settings page (General → Private keys → Generate a private key); " +
    'put the PEM on one line with each newline written as the two characters \\n',
  GITHUB_API_URL: 'the GitHub REST base URL, https://api.github.com or https://<ghes-host>/api/v3',
  LINEAR_API_KEY: 'a personal API key from Linear → Settings → API → Personal API keys',
  LINEAR_API_URL: "Linear's GraphQL endpoint, https://api.linear.app/graphql",
  LINEAR_WORKSPACE_URL: 'your Linear workspace URL, e.g. https://linear.app/acme (used for issue links)',
  JIRA_TOKEN: 'an Atlassian API token from your Atlassian account → Security → API tokens',
  JIRA_CLOUD_ID: 'the cloudId field of https://<your-site>.atlassian.net/_edge/tenant_info',
  JIRA_SITE_URL: 'your Atlassian site URL, e.g. https://acme.atlassian.net',
  JIRA_EMAIL: 'the email address of the Atlassian account that owns JIRA_TOKEN (selects Basic auth)',
  JIRA_API_URL: 'the Jira REST base URL; leave unset to derive it from JIRA_CLOUD_ID or JIRA_SITE_URL',
  ADMIN_ACCESS_CODE: 'a password of your choice for /admin; unset disables the admin UI and /api/*',
  PORT: 'the HTTP port to listen on (default 8080)',
  POLL_INTERVAL_MS: 'the poll period in milliseconds (default 60000)',
  DEDUP_DB_PATH: 'the SQLite file path (default ./dedup.sqlite, /data/dedup.sqlite when NODE_ENV=production)',
  DATABASE_URL:
    'a PostgreSQL connection URL, postgres://user:password@host:5432/db; set: PostgreSQL instead of the SQLite file, and more than one replica may run',
  LEADER_LOCK_DATABASE_URL:
    'a direct (not PgBouncer transaction-mode) PostgreSQL URL for the leader lock; default DATABASE_URL',
  LEADER_CHECK_INTERVAL_MS:
    'how often a follower replica tries to become the leader, in milliseconds (default 5000)',
  NODE_ENV: '"production" on deployed instances',
  GITHUB_WEBHOOK_SECRET:
    'a random secret (e.g. `openssl rand -hex 32`) that you also enter on the GitHub webhook pointing at /api/github/webhook',
  GAP_FILL_TRIGGER_SECRET:
    'a random secret (e.g. `openssl rand -hex 32`) that target repos send to /trigger/gap-fill',
  NOTIFY_TYPE: 'slack or teams (default slack)',
  NOTIFY_WEBHOOK_URL:
    'the webhook URL of a Slack Incoming Webhook, or of a Teams Workflows flow ("Send webhook alerts to a channel")',
  RUNNER_MODE:
    'one of default, gha, fly, local, shadow (default: default, the per-mapping setting wins; shadow runs on GitHub Actions and compares a Fly Machine run beside it)',
  RUNNER_CALLBACK_BASE_URL: "this orchestrator's public base URL, e.g. https://your-orchestrator.fly.dev",
  RUNNER_TOKEN_SECRET: 'a random secret of at least 32 characters, e.g. `openssl rand -hex 32`',
  FLY_SESSIONS_APP: 'the Fly.io app that hosts runner sessions',
  FLY_SESSIONS_REGION: 'the Fly.io region code for new session machines, e.g. iad',
  FLY_SESSIONS_TOKEN:
    'a Fly API token scoped to the sessions app: `fly tokens create deploy -a <sessions-app>`',
  FLY_API_URL: 'the Fly Machines API base URL, https://api.machines.dev',
  FLY_WARM_POOL_SIZE:
    'Fly Machines kept created but not started per image, guest size and region, 0 to 20, so a run starts without a create (default 0: off)',
  AI_IMPLEMENT_RUNNER_IMAGE: 'the default container image for Fly and local runner sessions',
  LOCAL_RUNNER_IMAGE: 'the image for RUNNER_MODE=local, built with npm run build:runner:local',
  LOCAL_RUNNER_ORCHESTRATOR_URL:
    'the base URL local runner containers call back to (default http://127.0.0.1:$PORT: they share the host network)',
  LOCAL_RUNNER_BACKEND:
    'docker (default: each RUNNER_MODE=local run in a container of LOCAL_RUNNER_IMAGE) or process (the runner as a child process, for npm run demo and tests without Docker)',
  REAPER_DRY_RUN: 'true to have the reaper only log what it would destroy',
  REAPER_ALERT_THRESHOLD: 'destructions in 24 h above which the reaper sends an alert (default 10)',
  REAPER_INTERVAL_MS: 'the period of the reaper sweep in milliseconds, at least 10000 (default 300000)',
  CLIENT_SLUG: 'the clients/<slug>.toml name of this tenant',
  FLY_APP_NAME: "this instance's Fly.io app name",
  ANTHROPIC_API_KEY: 'an API key from the Anthropic Console (console.anthropic.com → API keys)',
  CLAUDE_CODE_OAUTH_TOKEN: 'a Claude Code OAuth token from `claude setup-token`',
  TRUST_PROXY_HEADER:
    'the header your proxy sets to the client address, e.g. Fly-Client-IP on Fly.io; unset when clients connect directly',
  CI_CHECKS_GRACE_MS:
    'milliseconds after a push within which a PR head with no checks is still waited for before its ticket shows Ready for Review (default 120000)',
  RETENTION_DAYS:
    'days to keep finished dispatches, run steps, dedup rows and webhook deliveries (default 90)',
  LINEAR_WEBHOOK_SECRET:
    'the signing secret Linear shows for the webhook you create in Settings → API → Webhooks, pointing at /api/linear/webhook',
  JIRA_WEBHOOK_SECRET:
    'a random secret (e.g. `openssl rand -hex 32`) that you also enter on the Jira webhook (System → WebHooks) pointing at /api/jira/webhook',
  LINEAR_OAUTH_CLIENT_ID:
    'the client ID of your Linear OAuth application (Settings → API → OAuth applications), for AI-Implement as a Linear agent',
  LINEAR_OAUTH_CLIENT_SECRET: 'the client secret of the same Linear OAuth application',
  RECONCILE_INTERVAL_MS:
    'the poll period in milliseconds while tracker webhooks are healthy (default 300000); POLL_INTERVAL_MS applies otherwise',
  GLOBAL_MONTHLY_BUDGET_USD:
    'dollars all teams together may spend on runs per calendar month (UTC), e.g. 2000; unset: no global budget',
  METRICS_TOKEN:
    'a random token (e.g. `openssl rand -hex 32`) Prometheus sends as Authorization: Bearer to GET /metrics; unset: /metrics answers 404',
} as const;

export type EnvName = keyof typeof ENV_HELP;

export const ENV_NAMES = Object.keys(ENV_HELP) as EnvName[];

/** Values that must never appear in a message, a log line or the admin config status. */
export const SECRET_ENV_NAMES = [
  'GITHUB_APP_PRIVATE_KEY',
  'LINEAR_API_KEY',
  'JIRA_TOKEN',
  'ADMIN_ACCESS_CODE',
  'GITHUB_WEBHOOK_SECRET',
  'LINEAR_WEBHOOK_SECRET',
  'JIRA_WEBHOOK_SECRET',
  'LINEAR_OAUTH_CLIENT_SECRET',
  'GAP_FILL_TRIGGER_SECRET',
  'RUNNER_TOKEN_SECRET',
  'FLY_SESSIONS_TOKEN',
  'ANTHROPIC_API_KEY',
  'CLAUDE_CODE_OAUTH_TOKEN',
  // A Slack or Teams webhook URL carries its own credential: whoever has it can post.
  'NOTIFY_WEBHOOK_URL',
  'METRICS_TOKEN',
  // Connection URLs carry the database password.
  'DATABASE_URL',
  'LEADER_LOCK_DATABASE_URL',
] as const satisfies readonly EnvName[];

export type SecretEnvName = (typeof SECRET_ENV_NAMES)[number];

/** The known variables, trimmed, with empty values dropped: `FOO=` in a .env file means "unset". */
export type RawEnv = Partial<Record<EnvName, string>>;

/** Keeps only the variables of CONTRACTS.md §1, trimmed; blank values count as unset. */
export function normalizeEnv(env: Record<string, string | undefined>): RawEnv {
  const raw: RawEnv = {};
  for (const name of ENV_NAMES) {
    const value = env[name]?.trim();
    if (value) raw[name] = value;
  }
  return raw;
}
