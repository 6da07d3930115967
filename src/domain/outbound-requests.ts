import { IntegrationError, type ErrorCategory } from './errors.ts';

/** The outside systems the orchestrator calls. */
export type OutboundProvider = 'linear' | 'jira' | 'github' | 'fly';

/** How one request ended: `ok`, or the failure's category (errors.ts). */
export type RequestOutcome = 'ok' | ErrorCategory;

/**
 * The one instrumentation hook of the outside-system clients (issue 16, `GET /metrics`): each
 * client reports every HTTP request it makes through `observeRequest` (or `observedFetch`), and
 * the retry policy reports the rate-limit waits. Implemented by the orchestrator's metrics; an
 * unset observer costs nothing.
 */
export interface RequestObserver {
  /**
   * One request answered or failed. `operation` is low-cardinality: a route template
   * (`GET /repos/{owner}/{repo}/installation`), a GraphQL operation name, a Jira call's name.
   */
  request(
    labels: { provider: OutboundProvider; operation: string; outcome: RequestOutcome },
    seconds: number,
  ): void;
  /** Requests the provider says are left in its current rate-limit window (from its headers). */
  rateLimitRemaining(provider: OutboundProvider, remaining: number): void;
  /** A wait for a rate limit (Retry-After or a reset) before trying again, in seconds. */
  rateLimitWait(provider: OutboundProvider, seconds: number): void;
}

/** The subset of the Fetch `Headers` interface read here. */
interface HeaderSource {
  get(name: string): string | null;
}

/** Rate-limit headers by provider: GitHub `x-ratelimit-remaining`, Linear `x-ratelimit-requests-remaining`. */
const REMAINING_HEADERS = ['x-ratelimit-remaining', 'x-ratelimit-requests-remaining'];

/**
 * Times `send`, reports it to `observer` with its outcome, and returns (or throws) what `send`
 * did. `headersOf` reads the answer's headers (from the result, or from the error when the
 * client puts the response on it) for the rate-limit remaining gauge.
 */
export async function observeRequest<T>(
  observer: RequestObserver | undefined,
  labels: { provider: OutboundProvider; operation: string },
  send: () => Promise<T>,
  headersOf: (answer: unknown) => HeaderSource | undefined = () => undefined,
): Promise<T> {
  if (!observer) return send();
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  try {
    const result = await send();
    observer.request({ ...labels, outcome: 'ok' }, seconds());
    reportRemaining(observer, labels.provider, headersOf(result));
    return result;
  } catch (error) {
    observer.request({ ...labels, outcome: outcomeOf(error) }, seconds());
    reportRemaining(observer, labels.provider, headersOf(error));
    throw error;
  }
}

/**
 * A `fetch` that reports every request like `observeRequest`: a status of 400 and above is a
 * failure of its HTTP kind (`outcomeOfStatus`), a network failure `transient`. The response is
 * returned untouched.
 */
export function observedFetch(
  observer: RequestObserver | undefined,
  provider: OutboundProvider,
  operationOf: (url: URL, method: string) => string,
  fetchImpl: typeof fetch = fetch,
): typeof fetch {
  if (!observer) return fetchImpl;
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const labels = { provider, operation: operationOf(url, method) };
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    let response: Response;
    try {
      response = await fetchImpl(input, init);
    } catch (error) {
      observer.request({ ...labels, outcome: 'transient' }, seconds());
      throw error;
    }
    observer.request({ ...labels, outcome: outcomeOfStatus(response.status, response.headers) }, seconds());
    reportRemaining(observer, provider, response.headers);
    return response;
  };
}

function reportRemaining(
  observer: RequestObserver,
  provider: OutboundProvider,
  headers: HeaderSource | undefined,
): void {
  for (const name of REMAINING_HEADERS) {
    const raw = headers?.get(name);
    if (raw && Number.isFinite(Number(raw))) return observer.rateLimitRemaining(provider, Number(raw));
  }
}

/**
 * An HTTP status's outcome: below 400 `ok`; 429 (and GitHub's 403 with no requests left)
 * `rate_limited`; 401/403 `auth`; 404 `not_found`; other 4xx `invalid`; 5xx `transient`.
 */
export function outcomeOfStatus(status: number, headers?: HeaderSource): RequestOutcome {
  if (status < 400) return 'ok';
  if (status === 429 || (status === 403 && headers?.get('x-ratelimit-remaining') === '0'))
    return 'rate_limited';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  return status >= 500 ? 'transient' : 'invalid';
}

/** A failed call's outcome: an `IntegrationError`'s category, a `status` on the error, else `transient`. */
export function outcomeOf(error: unknown): RequestOutcome {
  if (error instanceof IntegrationError) return error.category;
  if (typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number') {
    const headers = 'response' in error ? responseHeaders(error.response) : undefined;
    return outcomeOfStatus(error.status, headers);
  }
  return 'transient';
}

/** Octokit's errors carry `response.headers` as a plain object; fetch's as `Headers`. */
export function responseHeaders(response: unknown): HeaderSource | undefined {
  if (typeof response !== 'object' || response === null || !('headers' in response)) return undefined;
  const headers = response.headers;
  if (headers instanceof Headers) return headers;
  if (typeof headers !== 'object' || headers === null) return undefined;
  const plain = headers as Record<string, unknown>;
  return {
    get: (name) => (plain[name.toLowerCase()] === undefined ? null : String(plain[name.toLowerCase()])),
  };
}
