import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';

/**
 * One zod field per environment variable of CONTRACTS.md §1. Inputs are the trimmed strings of
 * `normalizeEnv` (blank = unset). Messages read after the variable's name ("PORT must be …") and
 * quote the received value only for variables that are not secrets.
 */

const RUNNER_MODES = ['default', 'gha', 'fly', 'local', 'shadow'] as const;
const NOTIFY_TYPES = ['slack', 'teams'] as const;
const LOCAL_RUNNER_BACKENDS = ['docker', 'process'] as const;

export type RunnerMode = (typeof RUNNER_MODES)[number];
export type NotifyType = (typeof NOTIFY_TYPES)[number];
export type LocalRunnerBackend = (typeof LOCAL_RUNNER_BACKENDS)[number];

const optionalText = z.string().optional();

function requiredText() {
  return z.string({ error: 'is required' });
}

function integer(options: { min: number; max?: number; default: number }) {
  const range =
    options.max === undefined ? `of at least ${options.min}` : `from ${options.min} to ${options.max}`;
  return optionalText.transform((raw, ctx) => {
    if (raw === undefined) return options.default;
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (
      !Number.isSafeInteger(value) ||
      value < options.min ||
      (options.max !== undefined && value > options.max)
    ) {
      ctx.addIssue({ code: 'custom', message: `must be a whole number ${range} (got "${raw}")` });
      return z.NEVER;
    }
    return value;
  });
}

/** Dollars above 0 (`250`, `99.50`); unset stays undefined. */
function dollars() {
  return optionalText.transform((raw, ctx) => {
    if (raw === undefined || raw.trim() === '') return undefined;
    const value = /^\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : Number.NaN;
    if (!Number.isFinite(value) || value <= 0) {
      ctx.addIssue({
        code: 'custom',
        message: `must be an amount of US dollars above 0, e.g. 500 (got "${raw}")`,
      });
      return z.NEVER;
    }
    return value;
  });
}

function boolean(defaultValue: boolean) {
  return optionalText.transform((raw, ctx) => {
    if (raw === undefined) return defaultValue;
    const value = raw.toLowerCase();
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    ctx.addIssue({ code: 'custom', message: `must be true, false, 1 or 0 (got "${raw}")` });
    return z.NEVER;
  });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T, defaultValue: T[number]) {
  return optionalText.transform((raw, ctx): T[number] => {
    if (raw === undefined) return defaultValue;
    const value = values.find((candidate) => candidate === raw.toLowerCase());
    if (value !== undefined) return value;
    ctx.addIssue({ code: 'custom', message: `must be one of ${values.join(', ')} (got "${raw}")` });
    return z.NEVER;
  });
}

/**
 * An absolute http(s) URL without trailing slashes, so callers can append paths. Secret URLs
 * (webhooks carry their credential in the path) are never quoted back.
 */
function httpUrl(options: { secret?: boolean } = {}) {
  return optionalText.transform((raw, ctx) => {
    if (raw === undefined) return undefined;
    const parsed = URL.parse(raw);
    if (parsed === null || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
      const got = options.secret ? '' : ` (got "${raw}")`;
      ctx.addIssue({ code: 'custom', message: `must be an absolute http(s) URL${got}` });
      return z.NEVER;
    }
    return raw.replace(/\/+$/, '');
  });
}

/**
 * A PostgreSQL connection URL (postgres:// or postgresql://, as libpq and node-postgres read it).
 * Never quoted back: it usually carries the password.
 */
function postgresUrl() {
  return optionalText.refine(
    (raw) => raw === undefined || /^postgres(ql)?:$/.test(URL.parse(raw)?.protocol ?? ''),
    { error: 'must be a postgres://user:password@host:5432/database URL' },
  );
}

function pattern(regex: RegExp, description: string) {
  return optionalText.refine((raw) => raw === undefined || regex.test(raw), {
    error: (issue) => `${description} (got "${String(issue.input)}")`,
  });
}

const PEM_PATTERN = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/;

/**
 * GITHUB_APP_PRIVATE_KEY: the PEM GitHub generates (PKCS#1, "BEGIN RSA PRIVATE KEY"), usually
 * set on one line with `\n` for each newline (fly secrets, .env). Stray surrounding quotes are a
 * common copy-paste leftover and are dropped. The key is parsed with node:crypto so a truncated
 * key fails at start-up instead of on the first GitHub call. Never quoted back: it is a secret.
 */
const privateKey = requiredText().transform((raw, ctx) => {
  const unquoted = /^(["'])[\s\S]*\1$/.test(raw) ? raw.slice(1, -1) : raw;
  const pem = unquoted.replace(/\\r\\n|\\n/g, '\n').replace(/\r\n/g, '\n');
  const match = PEM_PATTERN.exec(pem);
  if (match === null) {
    const what = /BEGIN (PUBLIC KEY|CERTIFICATE)/.test(pem)
      ? 'holds a public key or certificate, not the private key'
      : 'does not look like a PEM private key (-----BEGIN … PRIVATE KEY----- … -----END … PRIVATE KEY-----)';
    ctx.addIssue({ code: 'custom', message: what });
    return z.NEVER;
  }
  try {
    createPrivateKey(match[0]);
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: 'could not be read as a private key (truncated, altered or passphrase-protected?)',
    });
    return z.NEVER;
  }
  return `${match[0]}\n`;
});

/** The schema of the raw environment; `EnvFields` is what the rest of `src/config` builds from. */
export const EnvSchema = z.object({
  GITHUB_APP_ID: requiredText()
    .regex(/^\d+$/, 'must be the numeric App ID, not the Client ID or the app name')
    .transform(Number),
  GITHUB_APP_PRIVATE_KEY: privateKey,
  GITHUB_API_URL: httpUrl().transform((url) => url ?? 'https://api.github.com'),
  LINEAR_API_KEY: optionalText,
  LINEAR_API_URL: httpUrl().transform((url) => url ?? 'https://api.linear.app/graphql'),
  LINEAR_WORKSPACE_URL: httpUrl(),
  JIRA_TOKEN: optionalText,
  // Interpolated into the Atlassian gateway path, so no slashes or spaces.
  JIRA_CLOUD_ID: pattern(/^[A-Za-z0-9-]+$/, 'must be the cloudId (letters, digits and dashes)'),
  JIRA_SITE_URL: httpUrl(),
  JIRA_EMAIL: pattern(/^[^\s@]+@[^\s@]+$/, 'must be an email address'),
  JIRA_API_URL: httpUrl(),
  ADMIN_ACCESS_CODE: optionalText,
  PORT: integer({ min: 1, max: 65535, default: 8080 }),
  // 1 s floor: anything faster is a typo (seconds instead of milliseconds is the usual one).
  POLL_INTERVAL_MS: integer({ min: 1000, default: 60_000 }),
  DEDUP_DB_PATH: optionalText,
  DATABASE_URL: postgresUrl(),
  LEADER_LOCK_DATABASE_URL: postgresUrl(),
  // 500 ms floor: a follower asking more often only loads the server; takeover is this plus a tick.
  LEADER_CHECK_INTERVAL_MS: integer({ min: 500, default: 5000 }),
  NODE_ENV: optionalText,
  GITHUB_WEBHOOK_SECRET: optionalText,
  GAP_FILL_TRIGGER_SECRET: optionalText,
  NOTIFY_TYPE: oneOf(NOTIFY_TYPES, 'slack'),
  NOTIFY_WEBHOOK_URL: httpUrl({ secret: true }),
  RUNNER_MODE: oneOf(RUNNER_MODES, 'default'),
  RUNNER_CALLBACK_BASE_URL: httpUrl(),
  RUNNER_TOKEN_SECRET: optionalText,
  FLY_SESSIONS_APP: optionalText,
  FLY_SESSIONS_REGION: optionalText,
  FLY_SESSIONS_TOKEN: optionalText,
  FLY_API_URL: httpUrl().transform((url) => url ?? 'https://api.machines.dev'),
  FLY_WARM_POOL_SIZE: integer({ min: 0, max: 20, default: 0 }),
  AI_IMPLEMENT_RUNNER_IMAGE: optionalText,
  LOCAL_RUNNER_IMAGE: optionalText.transform((image) => image ?? 'ai-implement-runner:local'),
  LOCAL_RUNNER_ORCHESTRATOR_URL: httpUrl(),
  LOCAL_RUNNER_BACKEND: oneOf(LOCAL_RUNNER_BACKENDS, 'docker'),
  REAPER_DRY_RUN: boolean(false),
  REAPER_ALERT_THRESHOLD: integer({ min: 0, default: 10 }),
  REAPER_INTERVAL_MS: integer({ min: 10_000, default: 300_000 }),
  CLIENT_SLUG: optionalText,
  FLY_APP_NAME: optionalText,
  ANTHROPIC_API_KEY: optionalText,
  CLAUDE_CODE_OAUTH_TOKEN: optionalText,
  // An HTTP header name (RFC 9110 token characters that proxies use), e.g. Fly-Client-IP.
  TRUST_PROXY_HEADER: pattern(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name such as Fly-Client-IP'),
  RETENTION_DAYS: integer({ min: 1, default: 90 }),
  CI_CHECKS_GRACE_MS: integer({ min: 0, default: 120_000 }),
  LINEAR_WEBHOOK_SECRET: optionalText,
  JIRA_WEBHOOK_SECRET: optionalText,
  LINEAR_OAUTH_CLIENT_ID: optionalText,
  LINEAR_OAUTH_CLIENT_SECRET: optionalText,
  // Same 1 s floor as POLL_INTERVAL_MS; a value below it would poll faster than without webhooks.
  RECONCILE_INTERVAL_MS: integer({ min: 1000, default: 300_000 }),
  GLOBAL_MONTHLY_BUDGET_USD: dollars(),
  METRICS_TOKEN: optionalText,
});

export type EnvFields = z.output<typeof EnvSchema>;
