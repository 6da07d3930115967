import { RequestError } from 'octokit';
import { IntegrationError } from '../domain/errors.ts';

/**
 * Turns Octokit failures into `IntegrationError('github', category, message)` with messages an
 * operator can act on. Categories follow GitHub's REST semantics:
 * - 401 → `auth` (the app's credentials were refused);
 * - 403/429 with rate-limit headers → `rate_limited`, `retryAfterMs` from `retry-after` or
 *   `x-ratelimit-reset` (https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api);
 * - other 403 → `auth` (the app lacks a permission, or the installation is suspended);
 * - 404 → `not_found`, worded by the caller (a missing workflow, an app not installed);
 * - 422 (and other 4xx) → `invalid`, with GitHub's own message;
 * - 5xx, timeouts, network errors → `transient` (for a write, the outcome is unknown).
 */

export interface GitHubErrorContext {
  /** What was being done, for messages: "dispatch claude-implement.yml on acme/api". */
  action: string;
  /** owner/repo, when the call concerned one repository. */
  repository?: string;
  /** The operator-facing meaning of a 404 from this call. */
  notFound?: string;
}

/** GitHub asks clients without better information to wait at least a minute after a secondary limit. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

function header(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return value === undefined || value === null ? undefined : String(value);
}

/** GitHub's own `message`, without the `- documentation_url` suffix Octokit appends. */
function gitHubMessage(error: RequestError): string {
  const data = error.response?.data as { message?: unknown; errors?: unknown } | undefined;
  if (data && typeof data.message === 'string') {
    const details = Array.isArray(data.errors)
      ? data.errors.map((e: unknown) =>
          typeof e === 'object' && e && 'message' in e ? String(e.message) : JSON.stringify(e),
        )
      : [];
    return [data.message, ...details].join(': ');
  }
  return error.message;
}

/**
 * How long GitHub asks to wait, when the answer is a rate limit; undefined when it is not one.
 * `retry-after` is seconds (or an HTTP date); `x-ratelimit-reset` is epoch seconds.
 */
function rateLimitWaitMs(error: RequestError, nowMs = Date.now()): number | undefined {
  if (error.status !== 403 && error.status !== 429) return undefined;
  const headers = error.response?.headers as Record<string, unknown> | undefined;
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - nowMs;
    return Number.isFinite(ms) ? Math.max(0, ms) : DEFAULT_RATE_LIMIT_WAIT_MS;
  }
  const reset = Number(header(headers, 'x-ratelimit-reset'));
  if (header(headers, 'x-ratelimit-remaining') === '0' && Number.isFinite(reset)) {
    return Math.max(0, reset * 1000 - nowMs);
  }
  if (error.status === 429 || /rate limit/i.test(gitHubMessage(error))) return DEFAULT_RATE_LIMIT_WAIT_MS;
  return undefined;
}

/** True when the failed request was the installation-token exchange Octokit makes on our behalf. */
export function isTokenRequest(error: unknown): boolean {
  return error instanceof RequestError && /\/app\/installations\/\d+\/access_tokens$/.test(error.request.url);
}

/** Maps any failure of a GitHub call to an `IntegrationError`; an IntegrationError passes through. */
export function toGitHubError(error: unknown, context: GitHubErrorContext): IntegrationError {
  if (error instanceof IntegrationError) return error;
  const where = context.repository ? ` on ${context.repository}` : '';
  if (!(error instanceof RequestError) || !error.response) {
    // No HTTP answer: connection refused, DNS, TLS, timeout, or a key that cannot sign a JWT.
    const message = error instanceof Error ? error.message : String(error);
    if (/private ?key|keyData|PEM|DECODER|asn1/i.test(message)) {
      return new IntegrationError(
        'github',
        'auth',
        `GITHUB_APP_PRIVATE_KEY cannot sign the app's JWT (${message}); paste the PEM GitHub generated for the app`,
        { cause: error },
      );
    }
    return new IntegrationError(
      'github',
      'transient',
      `could not ${context.action}: GitHub did not answer (${message})`,
      { cause: error },
    );
  }
  const status = error.status;
  const message = gitHubMessage(error);
  const waitMs = rateLimitWaitMs(error);
  if (waitMs !== undefined) {
    return new IntegrationError(
      'github',
      'rate_limited',
      `GitHub rate limit hit while trying to ${context.action}: ${message}`,
      {
        cause: error,
        retryAfterMs: waitMs,
      },
    );
  }
  if (isTokenRequest(error)) return tokenError(error, context, message);
  if (status === 401) {
    return new IntegrationError(
      'github',
      'auth',
      `GitHub refused the app's credentials while trying to ${context.action} (${message}); check GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY`,
      { cause: error },
    );
  }
  if (status === 403) {
    return new IntegrationError(
      'github',
      'auth',
      `the GitHub App lacks permission to ${context.action} (${message}); grant the permission in the app's settings and accept it on the installation`,
      { cause: error },
    );
  }
  if (status === 404) {
    return new IntegrationError(
      'github',
      'not_found',
      context.notFound ?? `not found${where} while trying to ${context.action}`,
      { cause: error },
    );
  }
  if (status >= 500) {
    return new IntegrationError(
      'github',
      'transient',
      `GitHub answered ${status} while trying to ${context.action}: ${message}`,
      { cause: error },
    );
  }
  return new IntegrationError(
    'github',
    'invalid',
    `GitHub rejected the request to ${context.action}: ${message}`,
    { cause: error },
  );
}

/** Failures of the installation-token exchange: they concern the installation, not the call. */
function tokenError(error: RequestError, context: GitHubErrorContext, message: string): IntegrationError {
  const where = context.repository ?? 'this repository';
  if (error.status === 404) {
    return new IntegrationError(
      'github',
      'not_found',
      `the GitHub App is not installed on ${where} (its installation is gone); install the app on it again`,
      { cause: error },
    );
  }
  if (error.status === 401 || error.status === 403) {
    return new IntegrationError(
      'github',
      'auth',
      `GitHub refused an installation token for ${where} (${message}); check that the installation is not suspended and GITHUB_APP_ID / GITHUB_APP_PRIVATE_KEY are right`,
      { cause: error },
    );
  }
  const category = error.status >= 500 ? 'transient' : 'invalid';
  return new IntegrationError(
    'github',
    category,
    `could not get an installation token for ${where}: ${message}`,
    { cause: error },
  );
}
