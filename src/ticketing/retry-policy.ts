import pRetry from 'p-retry';
import { type IntegrationError, isRetryable } from '../domain/errors.ts';
import type { OutboundProvider, RequestObserver } from '../domain/outbound-requests.ts';

/**
 * Retry policy shared by the tracker clients: rate-limited and transient failures are retried a
 * bounded number of times with jittered exponential backoff, on top of which a server-requested
 * wait (Retry-After, a rate-limit reset) is honoured; auth, not-found and invalid never are.
 */
export interface RetryOptions {
  /** Further attempts after the first failure (default 3). */
  retries?: number;
  /** First backoff delay in ms, doubled per retry with jitter (default 500). */
  minDelayMs?: number;
  /** Cap on one backoff delay in ms (default 5000). */
  maxDelayMs?: number;
  /**
   * The longest server-requested wait (ms) honoured in place (default 30000, half the default
   * poll interval). A longer one is not waited for: the `rate_limited` error goes up with its
   * `retryAfterMs` so the tick is skipped instead of stalled.
   */
  maxRetryAfterMs?: number;
}

/** The pino-compatible slice of a logger the tracker clients use. */
export interface RetryLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface RetrySettings {
  /** Names the service in log lines, e.g. `Linear`. */
  service: string;
  retry?: RetryOptions;
  /** Waits for a server-requested delay; tests pass a fast one. */
  sleep?: (ms: number) => Promise<void>;
  logger?: RetryLogger;
  /** Told of every rate-limit wait, under `provider` (`GET /metrics`). */
  observer?: RequestObserver;
  provider?: OutboundProvider;
}

/**
 * Runs `attempt` (which must throw `IntegrationError`s) under the policy. `fields` are added to
 * the warning logged before each retry. Resolves with the first success; throws the last error.
 */
export function createRetrier(settings: RetrySettings) {
  const retries = settings.retry?.retries ?? 3;
  const maxRetryAfterMs = settings.retry?.maxRetryAfterMs ?? 30_000;
  const sleep = settings.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const worthRetrying = (error: Error) =>
    isRetryable(error) && ((error as IntegrationError).retryAfterMs ?? 0) <= maxRetryAfterMs;

  return function withRetries<T>(
    attempt: () => Promise<T>,
    fields: Record<string, unknown> = {},
  ): Promise<T> {
    return pRetry(attempt, {
      retries,
      minTimeout: settings.retry?.minDelayMs ?? 500,
      maxTimeout: settings.retry?.maxDelayMs ?? 5_000,
      randomize: true,
      shouldRetry: ({ error }) => worthRetrying(error),
      // Called before shouldRetry; waits out the server's requested delay on top of the backoff.
      onFailedAttempt: async ({ error, retriesLeft, attemptNumber }) => {
        if (retriesLeft === 0 || !worthRetrying(error)) return;
        const { category, retryAfterMs } = error as IntegrationError;
        settings.logger?.warn(
          { ...fields, attempt: attemptNumber, category, retryAfterMs },
          `${settings.service} request failed (${error.message}); retrying`,
        );
        if (!retryAfterMs) return;
        if (category === 'rate_limited' && settings.provider)
          settings.observer?.rateLimitWait(settings.provider, retryAfterMs / 1000);
        await sleep(retryAfterMs);
      },
    });
  };
}
