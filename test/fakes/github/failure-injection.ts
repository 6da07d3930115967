import { STATUS_CODES } from 'node:http';
import { errorBody } from './github-objects.ts';
import type { FakeResponse } from './fake-world.ts';

/**
 * Injected failures for `fake.failNext(count, status, options)`: server errors, dropped
 * connections, and GitHub's two rate limits
 * (https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api):
 * - primary: 403 or 429 with `x-ratelimit-remaining: 0` and `x-ratelimit-reset` (epoch seconds);
 * - secondary: 403 or 429 with `retry-after` (seconds).
 */

export interface FailureOptions {
  /** Only requests to this operation (e.g. `actions/create-workflow-dispatch`) fail; default any. */
  operationId?: string;
  /** Makes a 403/429 a secondary rate limit with this `retry-after`; default for 429 is 60. */
  retryAfterSeconds?: number;
  /** For a primary rate limit: seconds until `x-ratelimit-reset`; default 60. */
  resetInSeconds?: number;
  /** Overrides the error message. */
  message?: string;
}

interface PendingFailure {
  remaining: number;
  status: number | 'network';
  options: FailureOptions;
}

function rateLimited(status: number, options: FailureOptions, nowMs: number): FakeResponse {
  const secondary =
    options.retryAfterSeconds !== undefined || (status === 429 && options.resetInSeconds === undefined);
  if (secondary) {
    const message =
      'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';
    return {
      status,
      headers: { 'retry-after': String(options.retryAfterSeconds ?? 60) },
      body: errorBody(status, options.message ?? message),
    };
  }
  const reset = Math.floor(nowMs / 1000) + (options.resetInSeconds ?? 60);
  return {
    status,
    headers: {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-used': '5000',
      'x-ratelimit-reset': String(reset),
    },
    body: errorBody(status, options.message ?? 'API rate limit exceeded for installation.'),
  };
}

export function createFailureQueue() {
  const pending: PendingFailure[] = [];
  return {
    add(count: number, status: number | 'network', options: FailureOptions = {}): void {
      pending.push({ remaining: count, status, options });
    },
    /** The injected answer for this request, if one is due; status 0 means "drop the connection". */
    take(operationId: string, nowMs: number): FakeResponse | undefined {
      const index = pending.findIndex((p) => !p.options.operationId || p.options.operationId === operationId);
      const failure = pending[index];
      if (!failure) return undefined;
      if (--failure.remaining <= 0) pending.splice(index, 1);
      if (failure.status === 'network') return { status: 0 };
      const { options } = failure;
      // A 403 given only a message is a permission refusal ("Resource not accessible by integration").
      const plainForbidden =
        failure.status === 403 &&
        options.message !== undefined &&
        options.retryAfterSeconds === undefined &&
        options.resetInSeconds === undefined;
      if ((failure.status === 403 || failure.status === 429) && !plainForbidden)
        return rateLimited(failure.status, options, nowMs);
      const message = options.message ?? STATUS_CODES[failure.status] ?? 'Error';
      return { status: failure.status, body: errorBody(failure.status, message) };
    },
  };
}
