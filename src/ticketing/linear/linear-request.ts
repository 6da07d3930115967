import type { LinearClient } from '@linear/sdk';
import pRetry from 'p-retry';
import { z } from 'zod';
import { IntegrationError, isRetryable } from '../../domain/errors.ts';
import { toIntegrationError } from './linear-errors.ts';
import { requestBudget, type HeaderSource } from './rate-limit.ts';

/** Retry policy for rate-limited and transient failures; auth and invalid are never retried. */
export interface LinearRetryOptions {
  /** Further attempts after the first failure (default 3). */
  retries?: number;
  /** First backoff delay in ms, doubled per retry with jitter (default 500). */
  minDelayMs?: number;
  /** Cap on one backoff delay in ms (default 5000). */
  maxDelayMs?: number;
  /**
   * The longest server-requested wait (ms) honoured in place (default 30000, half the default
   * poll interval). A later reset is not waited for: the `rate_limited` error goes up with its
   * `retryAfterMs` so the caller skips the tick instead of stalling it.
   */
  maxRetryAfterMs?: number;
}

/** The pino-compatible slice of a logger the provider uses. */
export interface LinearLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface LinearRequestOptions {
  retry?: LinearRetryOptions;
  /** Epoch-ms clock, for reading reset headers. */
  now?: () => number;
  /** Waits for a server-requested delay (rate limits); tests pass a fast one. */
  sleep?: (ms: number) => Promise<void>;
  logger?: LinearLogger;
}

/** Sends one GraphQL document and returns its `data`, checked against `schema`. */
export type LinearRequest = <T>(
  document: string,
  variables: Record<string, unknown>,
  schema: z.ZodType<T>,
) => Promise<T>;

/**
 * A request function over `client.client.rawRequest` (the SDK's raw GraphQL client, which keeps
 * response headers), with Linear's failures turned into `IntegrationError`s and rate-limited or
 * transient ones retried a bounded number of times. Throws `IntegrationError`; a response whose
 * `data` does not match `schema` is `invalid`. Rate limits: https://linear.app/developers/rate-limiting.
 */
export function createLinearRequest(client: LinearClient, options: LinearRequestOptions = {}): LinearRequest {
  const retries = options.retry?.retries ?? 3;
  const maxRetryAfterMs = options.retry?.maxRetryAfterMs ?? 30_000;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const warnBudget = budgetWarner(options.logger);
  const worthRetrying = (error: Error) =>
    isRetryable(error) && ((error as IntegrationError).retryAfterMs ?? 0) <= maxRetryAfterMs;

  return async function request<T>(
    document: string,
    variables: Record<string, unknown>,
    schema: z.ZodType<T>,
  ) {
    const attempt = async () => {
      let response;
      try {
        response = await client.client.rawRequest<unknown, Record<string, unknown>>(document, variables);
      } catch (error) {
        throw toIntegrationError(error, now());
      }
      warnBudget(response.headers);
      const parsed = schema.safeParse(response.data);
      if (!parsed.success) {
        throw new IntegrationError(
          'linear',
          'invalid',
          `Linear answered in an unexpected shape: ${z.prettifyError(parsed.error)}`,
        );
      }
      return parsed.data;
    };
    return pRetry(attempt, {
      retries,
      minTimeout: options.retry?.minDelayMs ?? 500,
      maxTimeout: options.retry?.maxDelayMs ?? 5_000,
      randomize: true,
      shouldRetry: ({ error }) => worthRetrying(error),
      // Called before shouldRetry; waits out the server's reset on top of the backoff.
      onFailedAttempt: async ({ error, retriesLeft, attemptNumber }) => {
        if (retriesLeft === 0 || !worthRetrying(error)) return;
        const { category, retryAfterMs } = error as IntegrationError;
        options.logger?.warn(
          { attempt: attemptNumber, category, retryAfterMs },
          `Linear request failed (${error.message}); retrying`,
        );
        if (retryAfterMs) await sleep(retryAfterMs);
      },
    });
  };
}

/** Warns once per budget window when fewer than a tenth of the hourly requests are left. */
function budgetWarner(logger: LinearLogger | undefined): (headers: HeaderSource | undefined) => void {
  let warnedFor: number | undefined;
  return (headers) => {
    const budget = requestBudget(headers);
    if (!logger || !budget || budget.remaining >= budget.limit / 10 || warnedFor === budget.resetAt) return;
    warnedFor = budget.resetAt;
    logger.warn(
      { remaining: budget.remaining, limit: budget.limit, resetAt: budget.resetAt },
      'Linear request budget nearly used up: raise POLL_INTERVAL_MS or map fewer teams to stay under the limit',
    );
  };
}
