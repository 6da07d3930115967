import { parseLinearError } from '@linear/sdk';
import { describe, expect, it } from 'vitest';
import { toIntegrationError } from '../../src/ticketing/linear/linear-errors.ts';
import { retryAfterMs } from '../../src/ticketing/linear/rate-limit.ts';

const NOW = Date.parse('2026-11-21T10:00:00.000Z');

/** What the SDK's raw client throws for a response (it runs the same parseLinearError). */
function sdkError(status: number, errors: object[] | undefined, headers: Record<string, string> = {}) {
  const response = {
    status,
    headers: new Headers(headers),
    ...(errors ? { errors } : { error: 'Bad Request' }),
  };
  return parseLinearError({ response, request: { query: '{ viewer { id } }' } } as never);
}

describe('toIntegrationError', () => {
  it.each([
    [
      'RATELIMITED code without a type, HTTP 200',
      200,
      [{ message: 'x', extensions: { code: 'RATELIMITED' } }],
      'rate_limited',
    ],
    [
      'RATELIMITED, HTTP 400 as documented',
      400,
      [{ message: 'x', extensions: { code: 'RATELIMITED', type: 'ratelimited' } }],
      'rate_limited',
    ],
    ['HTTP 429 without a body', 429, undefined, 'rate_limited'],
    [
      'AUTHENTICATION_ERROR',
      401,
      [{ message: 'x', extensions: { code: 'AUTHENTICATION_ERROR', type: 'authentication error' } }],
      'auth',
    ],
    ['FORBIDDEN', 200, [{ message: 'x', extensions: { code: 'FORBIDDEN' } }], 'auth'],
    [
      'Entity not found',
      200,
      [{ message: 'Entity not found: Issue', extensions: { code: 'INPUT_ERROR', type: 'invalid input' } }],
      'not_found',
    ],
    [
      'schema validation',
      400,
      [
        {
          message: 'Cannot query field',
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED', type: 'graphql error' },
        },
      ],
      'invalid',
    ],
    ['INVALID_INPUT', 200, [{ message: 'x', extensions: { code: 'INVALID_INPUT' } }], 'invalid'],
    // The SDK calls any bodiless 4xx an AuthenticationError; it is not one.
    ['a bodiless 400', 400, undefined, 'invalid'],
    ['a 502 from a proxy', 502, undefined, 'transient'],
    ['a lock timeout', 200, [{ message: 'x', extensions: { type: 'lock timeout' } }], 'transient'],
  ] as const)('%s → %s', (_name, status, errors, category) => {
    expect(toIntegrationError(sdkError(status, errors as object[] | undefined), NOW).category).toBe(category);
  });

  it('reads when to retry a rate limit from X-RateLimit-Requests-Reset (epoch ms)', () => {
    const error = sdkError(400, [{ message: 'x', extensions: { code: 'RATELIMITED' } }], {
      'X-RateLimit-Requests-Remaining': '0',
      'X-RateLimit-Requests-Reset': String(NOW + 42_000),
    });
    expect(toIntegrationError(error, NOW)).toMatchObject({
      service: 'linear',
      category: 'rate_limited',
      retryAfterMs: 42_000,
    });
  });

  it('treats network failures as transient', () => {
    const error = toIntegrationError(
      new TypeError('fetch failed', { cause: new Error('ECONNREFUSED') }),
      NOW,
    );
    expect(error).toMatchObject({
      category: 'transient',
      message: 'Linear request failed: fetch failed (ECONNREFUSED)',
    });
  });
});

describe('retryAfterMs', () => {
  const headers = (values: Record<string, string>) => new Headers(values);

  it('prefers Retry-After, in seconds or as an HTTP date', () => {
    expect(
      retryAfterMs(headers({ 'Retry-After': '3', 'X-RateLimit-Requests-Reset': String(NOW + 60_000) }), NOW),
    ).toBe(3_000);
    expect(retryAfterMs(headers({ 'Retry-After': new Date(NOW + 5_000).toUTCString() }), NOW)).toBe(5_000);
  });

  it('waits for the latest reset among the budgets that are used up', () => {
    const values = {
      'X-RateLimit-Requests-Remaining': '120',
      'X-RateLimit-Requests-Reset': String(NOW + 1_000),
      'X-RateLimit-Complexity-Remaining': '0',
      'X-RateLimit-Complexity-Reset': String(NOW + 9_000),
    };
    expect(retryAfterMs(headers(values), NOW)).toBe(9_000);
  });

  it('falls back to the requests reset, never negative, and says nothing without headers', () => {
    expect(retryAfterMs(headers({ 'X-RateLimit-Requests-Reset': String(NOW + 7_000) }), NOW)).toBe(7_000);
    expect(retryAfterMs(headers({ 'X-RateLimit-Requests-Reset': String(NOW - 7_000) }), NOW)).toBe(0);
    expect(retryAfterMs(headers({}), NOW)).toBeUndefined();
    expect(retryAfterMs(undefined, NOW)).toBeUndefined();
  });
});
