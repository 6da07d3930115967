import { LinearError, LinearErrorType } from '@linear/sdk';
import { IntegrationError, type ErrorCategory } from '../../domain/errors.ts';
import { retryAfterMs } from './rate-limit.ts';

/** Machine-readable `extensions.code` values Linear sends, by the category they mean here. */
const CODES: Record<string, ErrorCategory> = {
  RATELIMITED: 'rate_limited',
  AUTHENTICATION_ERROR: 'auth',
  FORBIDDEN: 'auth',
  ENTITY_NOT_FOUND: 'not_found',
  GRAPHQL_VALIDATION_FAILED: 'invalid',
  INVALID_INPUT: 'invalid',
  INPUT_ERROR: 'invalid',
  BAD_USER_INPUT: 'invalid',
};

/** The SDK's reading of `extensions.type`, for errors that carry no `code`. */
const TYPES: Partial<Record<LinearErrorType, ErrorCategory>> = {
  [LinearErrorType.Ratelimited]: 'rate_limited',
  [LinearErrorType.AuthenticationError]: 'auth',
  [LinearErrorType.Forbidden]: 'auth',
  [LinearErrorType.InvalidInput]: 'invalid',
  [LinearErrorType.GraphqlError]: 'invalid',
  [LinearErrorType.UserError]: 'invalid',
  [LinearErrorType.FeatureNotAccessible]: 'invalid',
  [LinearErrorType.UsageLimitExceeded]: 'invalid',
  [LinearErrorType.NetworkError]: 'transient',
  [LinearErrorType.InternalError]: 'transient',
  [LinearErrorType.LockTimeout]: 'transient',
  [LinearErrorType.BootstrapError]: 'transient',
};

interface RawGraphqlError {
  message?: string;
  extensions?: { code?: unknown; userPresentableMessage?: string };
}

/**
 * Turns whatever a Linear call threw into an `IntegrationError('linear', category, message)`:
 * - `rate_limited`: `extensions.code` RATELIMITED (Linear answers HTTP 400, sometimes 200) or
 *   HTTP 429, with `retryAfterMs` from `Retry-After` or the `X-RateLimit-*-Reset` headers (epoch
 *   ms, https://linear.app/developers/rate-limiting), measured from `now` (epoch ms);
 * - `auth`: AUTHENTICATION_ERROR / FORBIDDEN, HTTP 401 / 403 — the message says what to fix;
 * - `not_found`: "Entity not found: …" (Linear's INPUT_ERROR for a missing id);
 * - `invalid`: schema validation (GRAPHQL_VALIDATION_FAILED), INVALID_INPUT / INPUT_ERROR, other 4xx;
 * - `transient`: HTTP 5xx, network failures, anything unrecognised.
 * Messages never contain the API key or request variables; the SDK error stays as `cause`.
 */
export function toIntegrationError(error: unknown, now: number): IntegrationError {
  if (error instanceof IntegrationError) return error;
  if (!(error instanceof LinearError)) {
    return new IntegrationError('linear', 'transient', `Linear request failed: ${describe(error)}`, {
      cause: error,
    });
  }
  const response = error.raw?.response;
  const raw = (response?.errors ?? []) as RawGraphqlError[];
  const status = response?.status ?? error.status;
  const detail =
    raw.map((e) => e.extensions?.userPresentableMessage ?? e.message).find(Boolean) ??
    (status ? `HTTP ${status}` : error.message);
  const category = categorize(error, raw, status);
  const message = messageFor(category, detail);
  if (category !== 'rate_limited') return new IntegrationError('linear', category, message, { cause: error });
  const wait = retryAfterMs(response?.headers, now);
  return new IntegrationError(
    'linear',
    category,
    message,
    wait === undefined ? { cause: error } : { cause: error, retryAfterMs: wait },
  );
}

function categorize(error: LinearError, raw: RawGraphqlError[], status: number | undefined): ErrorCategory {
  const fromCodes = raw
    .map((e) => CODES[String(e.extensions?.code)])
    .filter((c): c is ErrorCategory => Boolean(c));
  if (fromCodes.includes('rate_limited') || status === 429) return 'rate_limited';
  if (fromCodes.includes('auth') || status === 401 || status === 403) return 'auth';
  if (raw.some((e) => /^entity not found\b/i.test(e.message ?? ''))) return 'not_found';
  const fromTypes = (error.errors ?? []).map((e) => (e.type ? TYPES[e.type] : undefined));
  const known = [...fromCodes, ...fromTypes].find((c): c is ErrorCategory => Boolean(c));
  if (known) return known;
  if (status !== undefined && status >= 400 && status < 500) return 'invalid';
  return 'transient';
}

function messageFor(category: ErrorCategory, detail: string): string {
  switch (category) {
    case 'auth':
      return (
        `Linear rejected the credentials (${detail}). Check LINEAR_API_KEY: a personal API key from ` +
        'https://linear.app/settings/account/security, sent as is (no "Bearer"), with access to the mapped teams.'
      );
    case 'rate_limited':
      return `Linear rate limit reached (${detail})`;
    case 'invalid':
      return `Linear rejected the request as invalid: ${detail}`;
    case 'not_found':
      return `Linear could not find it: ${detail}`;
    default:
      return `Linear request failed: ${detail}`;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}
