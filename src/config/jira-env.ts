import { ConfigError, describeProblem } from './config-error.ts';
import { jiraProblems, jiraTouched } from './config-rules.ts';
import { EnvSchema, type EnvFields } from './config-schema.ts';
import { normalizeEnv, type EnvName } from './env-variables.ts';
import type { JiraConfig } from './types.ts';

/** The Jira variables of CONTRACTS.md §1. */
const JIRA_VARIABLES = {
  JIRA_TOKEN: true,
  JIRA_CLOUD_ID: true,
  JIRA_SITE_URL: true,
  JIRA_EMAIL: true,
  JIRA_API_URL: true,
} as const;

type JiraFields = Pick<EnvFields, keyof typeof JIRA_VARIABLES>;

const JiraEnvSchema = EnvSchema.pick(JIRA_VARIABLES);

/**
 * The Jira configuration alone, read from `env` with the same names, checks and derivations as
 * `loadConfig` (CONTRACTS.md §1), for a process that needs Jira and nothing else of the
 * orchestrator's configuration: the runner, which posts the planning and PR comments on Jira
 * tickets. Undefined when no Jira variable is set.
 * @throws ConfigError naming each malformed or missing Jira variable (never quoting the token).
 */
export function loadJiraConfig(env: Record<string, string | undefined>): JiraConfig | undefined {
  const raw = normalizeEnv(env);
  if (!jiraTouched(raw)) return undefined;
  const parsed = JiraEnvSchema.safeParse(raw);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => describeProblem(issue.path[0] as EnvName, issue.message));
  problems.push(...jiraProblems(raw));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  return buildJira(parsed.data);
}

/**
 * The `JiraConfig` of parsed Jira variables whose combination `jiraProblems` accepted: Basic auth
 * to JIRA_SITE_URL when JIRA_EMAIL is set, else Bearer through
 * `https://api.atlassian.com/ex/jira/{JIRA_CLOUD_ID}`; JIRA_API_URL overrides the REST base.
 */
export function buildJira(fields: JiraFields): JiraConfig | undefined {
  const token = fields.JIRA_TOKEN;
  if (token === undefined) return undefined;
  if (fields.JIRA_EMAIL !== undefined && fields.JIRA_SITE_URL !== undefined) {
    return {
      auth: 'basic',
      email: fields.JIRA_EMAIL,
      token,
      siteUrl: fields.JIRA_SITE_URL,
      apiUrl: fields.JIRA_API_URL ?? fields.JIRA_SITE_URL,
    };
  }
  const apiUrl =
    fields.JIRA_API_URL ??
    (fields.JIRA_CLOUD_ID === undefined
      ? undefined
      : `https://api.atlassian.com/ex/jira/${fields.JIRA_CLOUD_ID}`);
  if (apiUrl === undefined) return undefined;
  return { auth: 'bearer', token, cloudId: fields.JIRA_CLOUD_ID, siteUrl: fields.JIRA_SITE_URL, apiUrl };
}

/**
 * The variables that give another process (a local runner) the same Jira configuration: the
 * inverse of `loadJiraConfig`. JIRA_API_URL is always set, so the REST base never has to be
 * derived again; the token is in it, so the result is a secret.
 */
export function jiraEnv(config: JiraConfig): Record<string, string> {
  const env: Record<string, string> = { JIRA_TOKEN: config.token, JIRA_API_URL: config.apiUrl };
  if (config.siteUrl) env.JIRA_SITE_URL = config.siteUrl;
  if (config.auth === 'basic') env.JIRA_EMAIL = config.email;
  else if (config.cloudId) env.JIRA_CLOUD_ID = config.cloudId;
  return env;
}
