/**
 * Typed failures from external systems (ticketing, GitHub, Fly, notifications), with a category
 * that decides what the caller does next — the error-handling model of Symphony SPEC §11.4:
 * - `auth`: credentials are wrong or lack a permission; retrying will not help, tell the operator.
 * - `not_found`: the thing does not exist (or is invisible to these credentials).
 * - `rate_limited`: back off for `retryAfterMs` and try again.
 * - `transient`: network error or 5xx; retry with backoff, and treat state as *unknown*.
 * - `invalid`: the request was rejected as malformed; a bug or bad configuration.
 */
export type ErrorCategory = 'auth' | 'not_found' | 'rate_limited' | 'transient' | 'invalid';

/** An external call failed; `service` names the system (`linear`, `github`, …). */
export class IntegrationError extends Error {
  readonly category: ErrorCategory;
  readonly service: string;
  /** Milliseconds to wait before retrying, when the service said so (Retry-After, reset headers). */
  readonly retryAfterMs: number | undefined;

  constructor(
    service: string,
    category: ErrorCategory,
    message: string,
    options: { cause?: unknown; retryAfterMs?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'IntegrationError';
    this.service = service;
    this.category = category;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** True for failures worth retrying later (rate limits and transient faults). */
export function isRetryable(error: unknown): boolean {
  return (
    error instanceof IntegrationError && (error.category === 'rate_limited' || error.category === 'transient')
  );
}

/** A message safe to show an operator for any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
