import type { DispatchPayload } from '../../runners/types.ts';

/**
 * The environments the runner gives to processes it does not trust with its credentials: Claude
 * Code (and everything the agent spawns), and the repository's own hooks (`setup`, `verify`,
 * `teardown` run code the agent may have written), and git in the agent's checkout. They are
 * built from an ALLOWLIST of harmless variables of the runner's environment — never by removing
 * what looks secret, which misses every credential with an unusual name — plus the agent's own
 * HOME and user; only the agent then gets the one Claude credential the auth precedence picks
 * (seed 003 "Authentication options"). The other half of the isolation is the operating-system
 * user they run as (sandbox.ts).
 */

/** Variables untrusted processes get from the runner's environment when set: none is a credential. */
const ALLOWED_NAMES = new Set([
  'PATH',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TERM',
  'CI',
  // TLS and proxies: the agent must reach its model API the way the runner reaches the network.
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  // Commit identity, when the operator sets one (checkout.ts).
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  // Claude Code settings that are not credentials
  // (https://docs.anthropic.com/en/docs/claude-code/settings#environment-variables).
  'ANTHROPIC_BASE_URL',
  'ANTHROPIC_BEDROCK_BASE_URL',
  'DISABLE_TELEMETRY',
  'DISABLE_ERROR_REPORTING',
  'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC',
  'CLAUDE_CODE_MAX_OUTPUT_TOKENS',
  'BASH_DEFAULT_TIMEOUT_MS',
  'BASH_MAX_TIMEOUT_MS',
]);
const ALLOWED_PREFIXES = ['LC_'];

/**
 * `AI_IMPLEMENT_AGENT_ENV`: more variable names (comma or space separated) the operator passes to
 * the agent and the hooks, e.g. `JAVA_HOME,GOFLAGS` for a verify hook. Names shaped like a
 * credential are refused even here (`refused`), so a typo cannot hand the agent a token.
 */
export const AGENT_ENV_VARIABLE = 'AI_IMPLEMENT_AGENT_ENV';

/** Credentials and run plumbing that never reach the agent or a hook, by exact name. */
const SECRET_NAMES = new Set([
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'GH_ENTERPRISE_TOKEN',
  'GITHUB_APP_PRIVATE_KEY',
  'AI_IMPLEMENT_PAYLOAD',
  'AI_IMPLEMENT_GIT_URL',
  // The trackers: the runner alone updates the ticket (src/runner/ticket/), after the agent.
  'LINEAR_API_KEY',
  'LINEAR_API_URL',
  'JIRA_TOKEN',
  'JIRA_EMAIL',
  'JIRA_CLOUD_ID',
  'JIRA_SITE_URL',
  'JIRA_API_URL',
  'RUNNER_TOKEN_SECRET',
  'ADMIN_ACCESS_CODE',
  'GAP_FILL_TRIGGER_SECRET',
  'GITHUB_WEBHOOK_SECRET',
  'NOTIFY_WEBHOOK_URL',
  'FLY_SESSIONS_TOKEN',
  'FLY_API_TOKEN',
  // GitHub Actions: the OIDC request token mints identity tokens (e.g. for the Bedrock role);
  // the runtime token talks to the cache and artifact services.
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_URL',
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RUNTIME_URL',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_URL',
  'SSH_AUTH_SOCK',
  'GIT_ASKPASS',
]);

/** Name shapes of credentials: `*_TOKEN`, `*_SECRET*`, `*_API_KEY`, `AWS_SECRET_ACCESS_KEY`, … */
const SECRET_PATTERN =
  /(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE_KEY|API_KEY|ACCESS_KEY|CREDENTIALS?)(_|$)/i;
/** Action inputs (`INPUT_*`) and git's environment configuration (`GIT_CONFIG_*`) may carry tokens. */
const SECRET_PREFIXES = ['INPUT_', 'GIT_CONFIG_'];

/** AWS variables the Bedrock path forwards to the agent, as set by the OIDC role assumption. */
const AWS_CREDENTIAL_NAMES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_BEARER_TOKEN_BEDROCK',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
];

/**
 * True for a credential or plumbing variable of the runner itself (by exact name, the Claude and
 * AWS credentials, `AI_IMPLEMENT_*`, `GITHUB_*`, `ACTIONS_*`, `INPUT_*`, `GIT_CONFIG_*`): a
 * repository's WORKFLOW.md `secrets:` list may not ask for one, and a run never removes one.
 */
export function isRunnerCredential(name: string): boolean {
  const upper = name.toUpperCase();
  return (
    SECRET_NAMES.has(upper) ||
    AWS_CREDENTIAL_NAMES.includes(upper) ||
    upper === 'ANTHROPIC_API_KEY' ||
    upper === 'CLAUDE_CODE_OAUTH_TOKEN' ||
    ['AI_IMPLEMENT_', 'GITHUB_', 'ACTIONS_', 'RUNNER_', ...SECRET_PREFIXES].some((prefix) =>
      upper.startsWith(prefix),
    )
  );
}

/** True for a variable name shaped like a credential (guards `AI_IMPLEMENT_AGENT_ENV`). */
export function isSecretName(name: string): boolean {
  return (
    SECRET_NAMES.has(name.toUpperCase()) ||
    SECRET_PATTERN.test(name) ||
    SECRET_PREFIXES.some((prefix) => name.toUpperCase().startsWith(prefix))
  );
}

/** Who the untrusted processes run as: their HOME, and the user name when the runner switches user. */
export interface UntrustedIdentity {
  home: string;
  user?: string;
}

/**
 * The environment of hooks and of git in the checkout, and the base of the agent's: the allowed
 * variables of `env` that are set, the operator's `AI_IMPLEMENT_AGENT_ENV` names, and `identity`'s
 * HOME (and USER/LOGNAME). `refused` lists `AI_IMPLEMENT_AGENT_ENV` names that look like a
 * credential, for a warning.
 */
export function untrustedEnv(
  env: Record<string, string | undefined>,
  identity: UntrustedIdentity,
): { env: Record<string, string>; refused: string[] } {
  const extra = (env[AGENT_ENV_VARIABLE] ?? '').split(/[\s,]+/).filter(Boolean);
  const refused = extra.filter((name) => isSecretName(name));
  const allowed = (name: string) =>
    ALLOWED_NAMES.has(name) ||
    ALLOWED_PREFIXES.some((prefix) => name.startsWith(prefix)) ||
    (extra.includes(name) && !refused.includes(name));
  const clean: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && allowed(name)) clean[name] = value;
  }
  clean.HOME = identity.home;
  if (identity.user) {
    clean.USER = identity.user;
    clean.LOGNAME = identity.user;
  }
  return { env: clean, refused };
}

/** Which Claude credential a run uses. */
export type AgentAuth = { kind: 'bedrock'; awsRegion: string } | { kind: 'oauth' } | { kind: 'api-key' };

/** No usable Claude credential; the message says what to set. */
export class AgentAuthError extends Error {
  override name = 'AgentAuthError';
}

/**
 * Picks the credential by the seed's precedence — Bedrock (payload provider `bedrock`, AWS
 * credentials from the OIDC role) > `CLAUDE_CODE_OAUTH_TOKEN` > `ANTHROPIC_API_KEY` — from the
 * runner's `env` and builds the agent's environment: `base` (see `untrustedEnv`; default: built
 * from `env` with its HOME) plus that credential alone (with an OAuth token,
 * the API key is left out so the CLI cannot prefer it). Throws `AgentAuthError` when none is there.
 * Claude Code settings: https://docs.anthropic.com/en/docs/claude-code/settings#environment-variables
 */
export function agentEnvironment(
  provider: DispatchPayload['provider'],
  env: Record<string, string | undefined>,
  base: Record<string, string> = untrustedEnv(env, { home: env.HOME ?? '/nonexistent' }).env,
): { auth: AgentAuth; env: Record<string, string> } {
  // An unattended run must not replace its own binary half-way.
  base = { ...base, DISABLE_AUTOUPDATER: '1' };
  if (provider.name === 'bedrock') {
    const aws = Object.fromEntries(
      AWS_CREDENTIAL_NAMES.flatMap((name) => (env[name] ? [[name, env[name]]] : [])),
    ) as Record<string, string>;
    if (Object.keys(aws).length === 0) {
      throw new AgentAuthError(
        'this is a Bedrock run but no AWS credentials are set: the workflow must assume the ' +
          'AWS_BEDROCK_ROLE_ARN role (aws-actions/configure-aws-credentials with OIDC) before the runner starts',
      );
    }
    const region = provider.awsRegion ?? '';
    return {
      auth: { kind: 'bedrock', awsRegion: region },
      env: { ...base, ...aws, CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: region },
    };
  }
  const oauth = env.CLAUDE_CODE_OAUTH_TOKEN?.trim();
  if (oauth) return { auth: { kind: 'oauth' }, env: { ...base, CLAUDE_CODE_OAUTH_TOKEN: oauth } };
  const apiKey = env.ANTHROPIC_API_KEY?.trim();
  if (apiKey) return { auth: { kind: 'api-key' }, env: { ...base, ANTHROPIC_API_KEY: apiKey } };
  throw new AgentAuthError(
    'no Claude credentials: set CLAUDE_CODE_OAUTH_TOKEN (preferred, from `claude setup-token`) or ' +
      'ANTHROPIC_API_KEY as a repository or organization secret, or dispatch with provider bedrock',
  );
}
