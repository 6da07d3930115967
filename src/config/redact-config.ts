import type { SecretEnvName } from './env-variables.ts';
import type { Config } from './types.ts';

export type SecretStatus = 'set' | 'unset';

function status(value: string | undefined): SecretStatus {
  return value === undefined ? 'unset' : 'set';
}

/**
 * A copy of `config` that is safe to log and to serve at `GET /api/admin/config-status`
 * (seed 002): every secret is replaced by "set" or "unset", and `secrets` lists each secret
 * variable of CONTRACTS.md §1 by name. An unconfigured provider (`linear`, `jira`) is `null`.
 *
 * Shape: `Config` with `github.privateKey`, `github.webhookSecret`, `linear.apiKey`, `jira.token`,
 * `admin.accessCode`, `gapFill.triggerSecret`, `trackerWebhooks.linearSecret` / `jiraSecret`, `notify.webhookUrl` (a capability URL),
 * `runner.tokenSecret`, `fly.sessionsToken`, `metricsToken`, `postgres.url` / `leaderLockUrl`, `claude.anthropicApiKey` and `claude.oauthToken`
 * as `SecretStatus`, plus `secrets: Record<SecretEnvName, SecretStatus>`.
 */
export function redactConfig(config: Config) {
  const secrets: Record<SecretEnvName, SecretStatus> = {
    GITHUB_APP_PRIVATE_KEY: status(config.github.privateKey),
    LINEAR_API_KEY: status(config.linear?.apiKey),
    JIRA_TOKEN: status(config.jira?.token),
    ADMIN_ACCESS_CODE: status(config.admin.accessCode),
    GITHUB_WEBHOOK_SECRET: status(config.github.webhookSecret),
    LINEAR_WEBHOOK_SECRET: status(config.trackerWebhooks.linearSecret),
    JIRA_WEBHOOK_SECRET: status(config.trackerWebhooks.jiraSecret),
    LINEAR_OAUTH_CLIENT_SECRET: status(config.linearAgent?.clientSecret),
    GAP_FILL_TRIGGER_SECRET: status(config.gapFill.triggerSecret),
    RUNNER_TOKEN_SECRET: status(config.runner.tokenSecret),
    FLY_SESSIONS_TOKEN: status(config.fly.sessionsToken),
    ANTHROPIC_API_KEY: status(config.claude.anthropicApiKey),
    CLAUDE_CODE_OAUTH_TOKEN: status(config.claude.oauthToken),
    NOTIFY_WEBHOOK_URL: status(config.notify.webhookUrl),
    METRICS_TOKEN: status(config.metricsToken),
    DATABASE_URL: status(config.postgres?.url),
    LEADER_LOCK_DATABASE_URL: status(config.postgres?.leaderLockUrl),
  };
  return {
    ...config,
    github: {
      ...config.github,
      privateKey: secrets.GITHUB_APP_PRIVATE_KEY,
      webhookSecret: secrets.GITHUB_WEBHOOK_SECRET,
    },
    linear: config.linear ? { ...config.linear, apiKey: secrets.LINEAR_API_KEY } : null,
    jira: config.jira ? { ...config.jira, token: secrets.JIRA_TOKEN } : null,
    admin: { accessCode: secrets.ADMIN_ACCESS_CODE },
    gapFill: { triggerSecret: secrets.GAP_FILL_TRIGGER_SECRET },
    notify: { ...config.notify, webhookUrl: secrets.NOTIFY_WEBHOOK_URL },
    runner: { ...config.runner, tokenSecret: secrets.RUNNER_TOKEN_SECRET },
    fly: { ...config.fly, sessionsToken: secrets.FLY_SESSIONS_TOKEN },
    claude: { anthropicApiKey: secrets.ANTHROPIC_API_KEY, oauthToken: secrets.CLAUDE_CODE_OAUTH_TOKEN },
    trackerWebhooks: {
      ...config.trackerWebhooks,
      linearSecret: secrets.LINEAR_WEBHOOK_SECRET,
      jiraSecret: secrets.JIRA_WEBHOOK_SECRET,
    },
    linearAgent: config.linearAgent
      ? { clientId: config.linearAgent.clientId, clientSecret: secrets.LINEAR_OAUTH_CLIENT_SECRET }
      : null,
    metricsToken: secrets.METRICS_TOKEN,
    postgres: config.postgres
      ? {
          url: secrets.DATABASE_URL,
          leaderLockUrl: secrets.LEADER_LOCK_DATABASE_URL,
          leaderCheckIntervalMs: config.postgres.leaderCheckIntervalMs,
        }
      : null,
    secrets,
  };
}

export type RedactedConfig = ReturnType<typeof redactConfig>;
