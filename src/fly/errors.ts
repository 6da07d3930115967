import { IntegrationError } from '../domain/errors.ts';

/**
 * Turns a failed Machines API call into `IntegrationError('fly', category, message)` with a
 * message an operator can act on. Status codes as the Machines API documents them
 * (https://docs.machines.dev, "Response Codes"):
 * - 401 → `auth` (FLY_SESSIONS_TOKEN missing, invalid or not allowed on the app; 403 likewise);
 * - 404 → `not_found`, worded by the caller (no such app, secret or Machine);
 * - 429 → `rate_limited`, `retryAfterMs` from `Retry-After` (seconds) when sent;
 * - 400, 409, 422 and other 4xx → `invalid`, with Fly's own `error` text;
 * - 5xx, timeouts and network errors → `transient` (for a write, the outcome is unknown).
 *
 * Messages never carry a request body: a secret's value is never part of an error.
 */

export interface FlyErrorContext {
  /** What was being done, for messages: "list the secrets of app ai-sessions". */
  action: string;
  /** The operator-facing meaning of a 404 from this call. */
  notFound?: string;
}

/** Fly's error body (`ErrorResponse` in the Machines API description): `{ error, status? }`. */
function flyMessage(body: unknown): string | undefined {
  if (typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string') {
    return body.error;
  }
  return undefined;
}

/** The IntegrationError for an HTTP answer with a non-2xx status. */
export function flyHttpError(
  status: number,
  body: unknown,
  retryAfter: string | null,
  context: FlyErrorContext,
): IntegrationError {
  const said = flyMessage(body);
  const detail = said ? `: ${said}` : '';
  if (status === 401 || status === 403) {
    return new IntegrationError(
      'fly',
      'auth',
      `Fly refused FLY_SESSIONS_TOKEN (${status}) while trying to ${context.action}${detail}; ` +
        'set a token that can manage the sessions app (fly tokens create deploy -a <app>)',
    );
  }
  if (status === 404) {
    return new IntegrationError(
      'fly',
      'not_found',
      `${context.notFound ?? `Fly found nothing to ${context.action}`} (404${detail})`,
    );
  }
  if (status === 429) {
    const seconds = Number(retryAfter);
    return new IntegrationError(
      'fly',
      'rate_limited',
      `Fly rate limit hit while trying to ${context.action}`,
      {
        retryAfterMs: Number.isFinite(seconds) && retryAfter !== null ? seconds * 1000 : 60_000,
      },
    );
  }
  if (status >= 500) {
    return new IntegrationError(
      'fly',
      'transient',
      `Fly failed (${status}) while trying to ${context.action}${detail}; try again shortly`,
    );
  }
  return new IntegrationError('fly', 'invalid', `Fly refused to ${context.action} (${status})${detail}`);
}

/** The IntegrationError for a call that got no HTTP answer (connection refused, DNS, timeout). */
export function flyNetworkError(error: unknown, context: FlyErrorContext): IntegrationError {
  const message = error instanceof Error ? error.message : String(error);
  return new IntegrationError(
    'fly',
    'transient',
    `could not ${context.action}: the Fly Machines API did not answer (${message})`,
    { cause: error },
  );
}
