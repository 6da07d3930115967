import { LinearGraphQLClient } from '@linear/sdk';
import { z } from 'zod';
import { IntegrationError } from '../../domain/errors.ts';
import { observeRequest, type RequestObserver } from '../../domain/outbound-requests.ts';
import { createRetrier, type RetryLogger, type RetryOptions } from '../retry-policy.ts';
import { toIntegrationError } from './linear-errors.ts';
import { operationName } from './operation-name.ts';
import { requestBudget, type HeaderSource } from './rate-limit.ts';

/** Retry policy: see src/ticketing/retry-policy.ts. */
export type LinearRetryOptions = RetryOptions;

/** The pino-compatible slice of a logger the provider uses. */
export type LinearLogger = RetryLogger;

export interface LinearRequestOptions {
  retry?: LinearRetryOptions;
  /** Epoch-ms clock, for reading reset headers. */
  now?: () => number;
  /** Waits for a server-requested delay (rate limits); tests pass a fast one. */
  sleep?: (ms: number) => Promise<void>;
  logger?: LinearLogger;
  /** Told of every request and rate-limit wait (`GET /metrics`). */
  observer?: RequestObserver;
}

/** Sends one GraphQL document and returns its `data`, checked against `schema`. */
export type LinearRequest = <T>(
  document: string,
  variables: Record<string, unknown>,
  schema: z.ZodType<T>,
) => Promise<T>;

/** Hosts an API key may be sent to over plain HTTP (a local server), as `LinearClient` allows. */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The SDK's GraphQL client, set up as `LinearClient` sets up its own (the API key in
 * `Authorization`, `https://api.linear.app/graphql` by default, HTTPS unless the host is local),
 * without `LinearClient` itself: the product sends hand-written documents, and `LinearClient`
 * brings ~1,300 generated documents and model classes that the bundle can then leave out
 * (rolldown.config.mjs; ~3 MB of code held and marked by every garbage collection). Throws on a
 * plain-HTTP URL to another host. https://linear.app/developers/graphql
 */
export function linearGraphQLClient(options: {
  apiKey: string;
  apiUrl?: string | undefined;
}): LinearGraphQLClient {
  const url = options.apiUrl ?? 'https://api.linear.app/graphql';
  const { protocol, hostname } = new URL(url);
  if (protocol !== 'https:' && !(protocol === 'http:' && LOCAL_HOSTS.has(hostname))) {
    throw new Error(`Linear API URL ${url} must use HTTPS unless it points to a local server`);
  }
  return new LinearGraphQLClient(url, { headers: { Authorization: options.apiKey } });
}

/**
 * A request function over `client.rawRequest` (the SDK's raw GraphQL client, which keeps
 * response headers), with Linear's failures turned into `IntegrationError`s and rate-limited or
 * transient ones retried a bounded number of times. Throws `IntegrationError`; a response whose
 * `data` does not match `schema` is `invalid`. Rate limits: https://linear.app/developers/rate-limiting.
 */
export function createLinearRequest(
  client: Pick<LinearGraphQLClient, 'rawRequest'>,
  options: LinearRequestOptions = {},
): LinearRequest {
  const now = options.now ?? Date.now;
  const warnBudget = budgetWarner(options.logger);
  const withRetries = createRetrier({ service: 'Linear', provider: 'linear', ...options });

  return async function request<T>(
    document: string,
    variables: Record<string, unknown>,
    schema: z.ZodType<T>,
  ) {
    const attempt = async () => {
      const response = await observeRequest(
        options.observer,
        { provider: 'linear', operation: operationName(document) },
        async () => {
          try {
            return await client.rawRequest<unknown, Record<string, unknown>>(document, variables);
          } catch (error) {
            throw toIntegrationError(error, now());
          }
        },
        (answer) => (answer as { headers?: HeaderSource } | undefined)?.headers,
      );
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
    return withRetries(attempt);
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
