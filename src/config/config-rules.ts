import { describeProblem } from './config-error.ts';
import type { EnvFields } from './config-schema.ts';
import { ENV_HELP, type RawEnv } from './env-variables.ts';
import { inertVariableWarnings } from './not-in-this-build.ts';
import { FLY_REGIONS, isFlyRegion } from '../fly/regions.ts';

/**
 * Rules that span several variables (CONTRACTS.md §1 and seed `000_…`). Errors look only at which
 * variables are set, so they are reported together with every per-variable parse error; warnings
 * run once the values are known to be valid.
 */

/** Errors from combinations of variables; empty when the combination is usable. */
export function combinationProblems(raw: RawEnv): string[] {
  const problems = [...ticketingProblems(raw)];
  const mode = raw.RUNNER_MODE?.toLowerCase();

  if (raw.RUNNER_CALLBACK_BASE_URL && !raw.RUNNER_TOKEN_SECRET) {
    problems.push(describeProblem('RUNNER_TOKEN_SECRET', 'is required when RUNNER_CALLBACK_BASE_URL is set'));
  }
  if (mode === 'fly' && !raw.FLY_SESSIONS_TOKEN) {
    problems.push(
      describeProblem(
        'FLY_SESSIONS_TOKEN',
        'is required when RUNNER_MODE=fly: runs are Fly Machines of the sessions app, created with this token ' +
          '(fly tokens create deploy -a <app>)',
      ),
    );
  }
  if ((mode === 'local' || mode === 'fly') && !raw.CLAUDE_CODE_OAUTH_TOKEN && !raw.ANTHROPIC_API_KEY) {
    problems.push(
      describeProblem(
        'CLAUDE_CODE_OAUTH_TOKEN',
        `(preferred) or ANTHROPIC_API_KEY is required when RUNNER_MODE=${mode}, to authenticate Claude in runner sessions`,
      ),
    );
  }
  return problems;
}

/**
 * A Jira configuration that names exactly what is missing. Linear and Jira are both optional:
 * GitHub Issues works through the GitHub App every orchestrator has (see `configWarnings` for the
 * warning when neither is set). JIRA_EMAIL selects Basic auth (email + token straight to the
 * site); otherwise any Jira variable means Bearer auth through the Atlassian gateway, which needs
 * the cloud id unless JIRA_API_URL names the REST base itself.
 */
function ticketingProblems(raw: RawEnv): string[] {
  return jiraTouched(raw) ? jiraProblems(raw) : [];
}

/** True when any Jira variable is set: the Jira configuration must then be complete. */
export function jiraTouched(raw: RawEnv): boolean {
  return Boolean(
    raw.JIRA_TOKEN || raw.JIRA_CLOUD_ID || raw.JIRA_SITE_URL || raw.JIRA_EMAIL || raw.JIRA_API_URL,
  );
}

/**
 * What a touched Jira configuration lacks, one line per variable: JIRA_EMAIL selects Basic auth
 * (token and site needed); otherwise Bearer auth, which needs the token and the cloud id unless
 * JIRA_API_URL names the REST base. Also used by the runner (src/config/jira-env.ts).
 */
export function jiraProblems(raw: RawEnv): string[] {
  const problems: string[] = [];
  if (raw.JIRA_EMAIL) {
    if (!raw.JIRA_TOKEN)
      problems.push(describeProblem('JIRA_TOKEN', 'is required with JIRA_EMAIL (Basic auth)'));
    if (!raw.JIRA_SITE_URL) {
      problems.push(describeProblem('JIRA_SITE_URL', 'is required with JIRA_EMAIL (Basic auth)'));
    }
    return problems;
  }
  const why = 'for Jira (Bearer auth through api.atlassian.com; set JIRA_EMAIL instead for Basic auth)';
  if (!raw.JIRA_TOKEN) problems.push(describeProblem('JIRA_TOKEN', `is required ${why}`));
  if (!raw.JIRA_CLOUD_ID && !raw.JIRA_API_URL) {
    problems.push(describeProblem('JIRA_CLOUD_ID', `is required ${why}`));
  }
  return problems;
}

/** Known operator mistakes that do not stop start-up, each saying what to fix. */
export function configWarnings(raw: RawEnv, fields: EnvFields): string[] {
  const warnings: string[] = [];
  const warn = (condition: unknown, message: string | undefined) => {
    if (condition && message) warnings.push(message);
  };

  warn(
    fields.POLL_INTERVAL_MS < 10_000,
    `POLL_INTERVAL_MS=${fields.POLL_INTERVAL_MS} is below 10000 ms: every poll queries the ticketing APIs, so a ` +
      'short period increases ticketing-API usage and risks rate limits; 60000 is the default',
  );
  warn(
    raw.DEDUP_DB_PATH && raw.DATABASE_URL,
    'DEDUP_DB_PATH has no effect while DATABASE_URL is set: the ledger is in PostgreSQL',
  );
  warn(
    !raw.DATABASE_URL && (raw.LEADER_LOCK_DATABASE_URL || raw.LEADER_CHECK_INTERVAL_MS),
    'LEADER_LOCK_DATABASE_URL and LEADER_CHECK_INTERVAL_MS have no effect without DATABASE_URL: with SQLite ' +
      'one replica runs and it always leads',
  );
  warn(
    raw.NOTIFY_TYPE && !fields.NOTIFY_WEBHOOK_URL,
    `NOTIFY_TYPE=${fields.NOTIFY_TYPE} has no effect without NOTIFY_WEBHOOK_URL: notifications are skipped`,
  );
  warn(true, notifyTypeMismatch(fields));
  warn(
    !raw.LINEAR_API_KEY && !jiraTouched(raw),
    'Neither LINEAR_API_KEY nor a Jira configuration is set: only GitHub Issues mappings ' +
      '(ticketingProvider "github") can run. For Linear, LINEAR_API_KEY is ' +
      `${ENV_HELP.LINEAR_API_KEY}; for Jira, JIRA_TOKEN is ${ENV_HELP.JIRA_TOKEN} and JIRA_CLOUD_ID is ` +
      ENV_HELP.JIRA_CLOUD_ID,
  );
  warn(
    raw.LINEAR_WORKSPACE_URL && !fields.LINEAR_API_KEY,
    'LINEAR_WORKSPACE_URL is set but LINEAR_API_KEY is not, so Linear is disabled: set LINEAR_API_KEY to use it',
  );
  warn(
    !fields.JIRA_EMAIL && fields.JIRA_TOKEN && !fields.JIRA_SITE_URL,
    'JIRA_SITE_URL is unset: Jira issue links in logs, comments and notifications cannot be built; ' +
      'set it to your site URL, e.g. https://acme.atlassian.net',
  );
  warn(
    fields.JIRA_EMAIL && fields.JIRA_CLOUD_ID,
    'JIRA_CLOUD_ID is ignored: JIRA_EMAIL selects Basic auth straight to JIRA_SITE_URL; unset JIRA_EMAIL to use ' +
      'Bearer auth through api.atlassian.com',
  );
  warn(
    fields.RUNNER_TOKEN_SECRET !== undefined && fields.RUNNER_TOKEN_SECRET.length < 32,
    'RUNNER_TOKEN_SECRET is shorter than 32 characters: it signs runner tokens, use e.g. `openssl rand -hex 32`',
  );
  warn(
    fields.RUNNER_MODE === 'shadow' && !fields.FLY_SESSIONS_TOKEN,
    'RUNNER_MODE=shadow without FLY_SESSIONS_TOKEN runs on GitHub Actions only: the shadow Fly Machine needs the ' +
      'Fly sessions app, so each shadow run is recorded as failed (GET /api/shadow-runs)',
  );
  warn(
    fields.ADMIN_ACCESS_CODE !== undefined && fields.ADMIN_ACCESS_CODE.length < 12,
    'ADMIN_ACCESS_CODE is shorter than 12 characters: it guards the whole admin API, use a long random code',
  );
  warn(
    fields.FLY_SESSIONS_REGION !== undefined && !isFlyRegion(fields.FLY_SESSIONS_REGION),
    `FLY_SESSIONS_REGION=${fields.FLY_SESSIONS_REGION} is not a Fly region code for new Machines ` +
      `(one of ${Object.keys(FLY_REGIONS).join(', ')}; https://fly.io/docs/reference/regions/)`,
  );
  warnings.push(...inertVariableWarnings(raw));
  return warnings;
}

/**
 * Slack is the default NOTIFY_TYPE, so a Teams webhook pasted without NOTIFY_TYPE=teams is the
 * usual slip; the message names the host family only, never the URL (it is a secret).
 */
function notifyTypeMismatch(fields: EnvFields): string | undefined {
  const host = fields.NOTIFY_WEBHOOK_URL ? URL.parse(fields.NOTIFY_WEBHOOK_URL)?.hostname : undefined;
  if (host === undefined) return undefined;
  const slack = host === 'hooks.slack.com' || host.endsWith('.slack.com');
  const teams = /(^|\.)(logic\.azure\.com|powerplatform\.com|powerautomate\.com|webhook\.office\.com)$/.test(
    host,
  );
  if (slack && fields.NOTIFY_TYPE !== 'slack') {
    return 'NOTIFY_WEBHOOK_URL is a Slack webhook but NOTIFY_TYPE=teams: set NOTIFY_TYPE=slack';
  }
  if (teams && fields.NOTIFY_TYPE !== 'teams') {
    return 'NOTIFY_WEBHOOK_URL is a Microsoft Teams/Power Automate webhook but NOTIFY_TYPE=slack: set NOTIFY_TYPE=teams';
  }
  if (teams && host.endsWith('webhook.office.com')) {
    return (
      'NOTIFY_WEBHOOK_URL is a retired Office 365 connector webhook: create a Teams Workflows webhook ' +
      '("Send webhook alerts to a channel") and use its URL'
    );
  }
  return undefined;
}
