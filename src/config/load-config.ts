import { ConfigError, describeProblem } from './config-error.ts';
import { combinationProblems, configWarnings } from './config-rules.ts';
import { EnvSchema, type EnvFields } from './config-schema.ts';
import { normalizeEnv, SECRET_ENV_NAMES, type EnvName, type RawEnv } from './env-variables.ts';
import { buildJira } from './jira-env.ts';
import type { Config } from './types.ts';

/**
 * Parses the environment variables of CONTRACTS.md §1 (names, defaults, meanings; where to get
 * each credential per seed `000_…`) into a deeply frozen, typed `Config`.
 *
 * `env` is passed in — `process.env` merged with `.env` by `mergeEnv(readDotEnv(cwd).values,
 * process.env)` in main.ts, a plain object in tests. Values are trimmed and blank ones count as
 * unset. Variables outside §1 are ignored.
 *
 * Derived values: DEDUP_DB_PATH defaults to `/data/dedup.sqlite` when NODE_ENV=production
 * (`./dedup.sqlite` otherwise); LOCAL_RUNNER_ORCHESTRATOR_URL to `http://127.0.0.1:$PORT`;
 * the Jira REST base to `https://api.atlassian.com/ex/jira/{JIRA_CLOUD_ID}` (Bearer auth), or to
 * JIRA_SITE_URL when JIRA_EMAIL selects Basic auth, unless JIRA_API_URL overrides it.
 *
 * @throws ConfigError listing every problem at once (missing required variables, malformed values,
 *   unusable combinations), one line each naming the variable and where to get it; no secret
 *   values. Mistakes that do not stop start-up end up in `config.warnings` instead.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const raw = normalizeEnv(env);
  const parsed = EnvSchema.safeParse(raw);
  const problems = parsed.success ? [] : parsed.error.issues.map(describeIssue);
  problems.push(...combinationProblems(raw));
  if (!parsed.success || problems.length > 0) {
    throw new ConfigError(problems.map((line) => scrubSecrets(line, raw)));
  }
  const warnings = configWarnings(raw, parsed.data).map((line) => scrubSecrets(line, raw));
  return deepFreeze(buildConfig(parsed.data, raw, warnings));
}

function describeIssue(issue: { path: PropertyKey[]; message: string }): string {
  return describeProblem(issue.path[0] as EnvName, issue.message);
}

/**
 * Defence in depth: messages are written not to quote secrets, but should one ever slip into a
 * message (a secret pasted into the wrong variable, say), it is masked here.
 */
function scrubSecrets(line: string, raw: RawEnv): string {
  let scrubbed = line;
  for (const name of SECRET_ENV_NAMES) {
    const value = raw[name];
    // Short values could be ordinary words ("test") and would mangle messages; real secrets are longer.
    if (value !== undefined && value.length >= 8) scrubbed = scrubbed.replaceAll(value, '[redacted]');
  }
  return scrubbed;
}

function buildConfig(fields: EnvFields, raw: RawEnv, warnings: string[]): Config {
  const production = fields.NODE_ENV === 'production';
  return {
    production,
    port: fields.PORT,
    pollIntervalMs: fields.POLL_INTERVAL_MS,
    // /data is the Fly.io volume mount point in production (seed 000).
    dedupDbPath: fields.DEDUP_DB_PATH ?? (production ? '/data/dedup.sqlite' : './dedup.sqlite'),
    postgres: fields.DATABASE_URL
      ? {
          url: fields.DATABASE_URL,
          leaderLockUrl: fields.LEADER_LOCK_DATABASE_URL ?? fields.DATABASE_URL,
          leaderCheckIntervalMs: fields.LEADER_CHECK_INTERVAL_MS,
        }
      : undefined,
    github: {
      appId: fields.GITHUB_APP_ID,
      privateKey: fields.GITHUB_APP_PRIVATE_KEY,
      apiUrl: fields.GITHUB_API_URL,
      webhookSecret: fields.GITHUB_WEBHOOK_SECRET,
    },
    linear: fields.LINEAR_API_KEY
      ? {
          apiKey: fields.LINEAR_API_KEY,
          apiUrl: fields.LINEAR_API_URL,
          workspaceUrl: fields.LINEAR_WORKSPACE_URL,
        }
      : undefined,
    jira: buildJira(fields),
    admin: { accessCode: fields.ADMIN_ACCESS_CODE },
    gapFill: { triggerSecret: fields.GAP_FILL_TRIGGER_SECRET },
    notify: { type: fields.NOTIFY_TYPE, webhookUrl: fields.NOTIFY_WEBHOOK_URL },
    runner: {
      mode: fields.RUNNER_MODE,
      modeFromEnv: raw.RUNNER_MODE !== undefined,
      callbackBaseUrl: fields.RUNNER_CALLBACK_BASE_URL,
      tokenSecret: fields.RUNNER_TOKEN_SECRET,
      image: fields.AI_IMPLEMENT_RUNNER_IMAGE,
      localImage: fields.LOCAL_RUNNER_IMAGE,
      // Run containers share the host's network (docs/decisions/docker.md), so the orchestrator
      // is at 127.0.0.1 for them; host.docker.internal needs a bridge network.
      localOrchestratorUrl: fields.LOCAL_RUNNER_ORCHESTRATOR_URL ?? `http://127.0.0.1:${fields.PORT}`,
      localBackend: fields.LOCAL_RUNNER_BACKEND,
    },
    fly: {
      sessionsApp: fields.FLY_SESSIONS_APP,
      sessionsRegion: fields.FLY_SESSIONS_REGION,
      sessionsToken: fields.FLY_SESSIONS_TOKEN,
      apiUrl: fields.FLY_API_URL,
      warmPoolSize: fields.FLY_WARM_POOL_SIZE,
    },
    reaper: {
      dryRun: fields.REAPER_DRY_RUN,
      alertThreshold: fields.REAPER_ALERT_THRESHOLD,
      intervalMs: fields.REAPER_INTERVAL_MS,
    },
    tenant: { clientSlug: fields.CLIENT_SLUG, flyAppName: fields.FLY_APP_NAME },
    claude: { anthropicApiKey: fields.ANTHROPIC_API_KEY, oauthToken: fields.CLAUDE_CODE_OAUTH_TOKEN },
    http: { trustProxyHeader: fields.TRUST_PROXY_HEADER },
    retentionDays: fields.RETENTION_DAYS,
    ciChecksGraceMs: fields.CI_CHECKS_GRACE_MS,
    globalMonthlyBudgetUsd: fields.GLOBAL_MONTHLY_BUDGET_USD,
    metricsToken: fields.METRICS_TOKEN,
    trackerWebhooks: {
      linearSecret: fields.LINEAR_WEBHOOK_SECRET,
      jiraSecret: fields.JIRA_WEBHOOK_SECRET,
      reconcileIntervalMs: fields.RECONCILE_INTERVAL_MS,
    },
    linearAgent:
      fields.LINEAR_OAUTH_CLIENT_ID && fields.LINEAR_OAUTH_CLIENT_SECRET
        ? { clientId: fields.LINEAR_OAUTH_CLIENT_ID, clientSecret: fields.LINEAR_OAUTH_CLIENT_SECRET }
        : undefined,
    warnings,
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
