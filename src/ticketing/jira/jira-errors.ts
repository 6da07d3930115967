import {
  isApiError,
  isAuthError,
  isForbiddenError,
  isNetworkError,
  isNotFoundError,
  isRateLimitError,
  isSchemaMismatchError,
  isScopeError,
  isServerError,
  type ApiError,
} from 'jira.js/core';
import { IntegrationError, type ErrorCategory } from '../../domain/errors.ts';

/** How the provider authenticates, so an auth failure names the right variables to check. */
export type JiraAuthMode = 'bearer' | 'basic';

/** Jira's error body (https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/#status-codes). */
interface JiraErrorBody {
  errorMessages?: unknown;
  errors?: unknown;
  message?: unknown;
}

const CREDENTIAL_HINTS: Record<JiraAuthMode, string> = {
  bearer:
    'Check JIRA_TOKEN and JIRA_CLOUD_ID: the token is sent as a Bearer token through ' +
    'https://api.atlassian.com/ex/jira/{JIRA_CLOUD_ID} and must belong to that site ' +
    '(set JIRA_EMAIL as well to send a personal API token with Basic auth to JIRA_SITE_URL instead).',
  basic:
    'Check JIRA_EMAIL and JIRA_TOKEN: JIRA_TOKEN must be an API token ' +
    '(https://id.atlassian.com/manage-profile/security/api-tokens) of the Atlassian account JIRA_EMAIL, ' +
    'and JIRA_SITE_URL the site that account uses.',
};

/**
 * Turns whatever a jira.js call threw into `IntegrationError('jira', category, message)`:
 * - `auth`: HTTP 401 (credentials; the message names the variables to check for `auth`, never
 *   their values) and 403 (the account lacks a Jira permission, e.g. Browse projects);
 * - `not_found`: HTTP 404 (absent, or invisible to the account);
 * - `rate_limited`: HTTP 429, with `retryAfterMs` from `Retry-After`;
 * - `invalid`: other 4xx (bad JQL, a field not on the edit screen, an unknown option) and a 2xx
 *   body jira.js's schema rejects (`SchemaMismatchError`);
 * - `transient`: HTTP 5xx, network failures, anything unrecognised.
 * The message carries Jira's own `errorMessages` / `errors`; the jira.js error stays as `cause`.
 * Status codes: https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/#status-codes
 */
export function toIntegrationError(error: unknown, auth: JiraAuthMode): IntegrationError {
  if (error instanceof IntegrationError) return error;
  const fail = (category: ErrorCategory, message: string, retryAfterMs?: number) =>
    new IntegrationError(
      'jira',
      category,
      message,
      retryAfterMs === undefined ? { cause: error } : { cause: error, retryAfterMs },
    );

  if (isSchemaMismatchError(error)) {
    const issues = error.report.issues
      .slice(0, 5)
      .map((issue) => `${issue.path || '(root)'}: expected ${issue.expected}, got ${issue.received}`);
    return fail(
      'invalid',
      `Jira answered ${error.report.endpoint} in an unexpected shape: ${issues.join('; ')}`,
    );
  }
  if (isNetworkError(error)) return fail('transient', `Jira could not be reached: ${error.message}`);
  if (!isApiError(error)) return fail('transient', `Jira request failed: ${describe(error)}`);

  const detail = jiraErrorDetail(error);
  // Rate limits first: the other predicates narrow `error` by elimination, and RateLimitError
  // is structurally an ApiError plus `retryAfterMs`.
  if (isRateLimitError(error))
    return fail('rate_limited', `Jira rate limit reached (${detail})`, error.retryAfterMs);
  if (isScopeError(error)) {
    return fail(
      'auth',
      `Jira rejected the token for this request: it lacks a required scope (${detail}). ${CREDENTIAL_HINTS[auth]}`,
    );
  }
  if (isAuthError(error)) {
    return fail('auth', `Jira rejected the credentials (${detail}). ${CREDENTIAL_HINTS[auth]}`);
  }
  if (isForbiddenError(error)) {
    return fail(
      'auth',
      `Jira refused the request (${detail}): the account behind JIRA_TOKEN lacks a permission it needs ` +
        '(Browse projects to search, Edit issues to set the AI-Implement Status field, Add comments to comment).',
    );
  }
  if (isNotFoundError(error)) return fail('not_found', `Jira could not find it (${detail})`);
  if (isServerError(error)) return fail('transient', `Jira failed on its side (${detail})`);
  return fail('invalid', `Jira rejected the request (${detail})`);
}

/**
 * `HTTP <status>: <Jira's errorMessages and field errors>`, e.g.
 * `HTTP 400: Error in the JQL Query: … (line 1, character 9)`. Exported for the admin helpers,
 * which hand Jira's own words to the operator.
 */
export function jiraErrorDetail(error: ApiError): string {
  const messages = jiraErrorMessages(error.body);
  return messages.length > 0
    ? `HTTP ${error.status}: ${messages.join('; ')}`
    : `HTTP ${error.status} ${error.statusText}`.trim();
}

/** The messages in a Jira error body: `errorMessages`, then `errors` as `field: message`, or `message`. */
export function jiraErrorMessages(body: unknown): string[] {
  if (typeof body === 'string')
    return body.trim() === '' || body.trimStart().startsWith('<') ? [] : [body.trim().slice(0, 300)];
  if (typeof body !== 'object' || body === null) return [];
  const { errorMessages, errors, message } = body as JiraErrorBody;
  const messages = Array.isArray(errorMessages)
    ? errorMessages.filter((m): m is string => typeof m === 'string')
    : [];
  if (typeof errors === 'object' && errors !== null) {
    for (const [field, text] of Object.entries(errors))
      if (typeof text === 'string') messages.push(`${field}: ${text}`);
  }
  if (messages.length === 0 && typeof message === 'string') messages.push(message);
  return messages;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}
