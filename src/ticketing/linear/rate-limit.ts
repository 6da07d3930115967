/**
 * Reading Linear's rate-limit headers (https://linear.app/developers/rate-limiting). Every
 * response carries `X-RateLimit-Requests-Limit/-Remaining/-Reset` and, for the complexity budget,
 * `X-RateLimit-Complexity-Limit/-Remaining/-Reset`; endpoint-specific limits add
 * `X-RateLimit-Endpoint-Requests-*`. The `-Reset` values are UTC epoch **milliseconds**.
 */

/** The subset of the Fetch `Headers` interface this module reads. */
export interface HeaderSource {
  get(name: string): string | null;
}

const BUDGETS = ['requests', 'complexity', 'endpoint-requests'] as const;

/**
 * How long to wait before retrying a rate-limited request, in ms from `now` (epoch ms):
 * `Retry-After` (seconds or an HTTP date) when sent; otherwise the latest reset among the budgets
 * that are used up; otherwise the requests budget's reset. `undefined` when nothing says.
 */
export function retryAfterMs(headers: HeaderSource | undefined, now: number): number | undefined {
  if (!headers) return undefined;
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null && retryAfter.trim() !== '') {
    const seconds = Number(retryAfter);
    const at = Number.isFinite(seconds) ? now + seconds * 1000 : Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  const exhausted = BUDGETS.filter((budget) => numberHeader(headers, `x-ratelimit-${budget}-remaining`) === 0)
    .map((budget) => numberHeader(headers, `x-ratelimit-${budget}-reset`))
    .filter((reset): reset is number => reset !== undefined);
  const resetAt =
    exhausted.length > 0 ? Math.max(...exhausted) : numberHeader(headers, 'x-ratelimit-requests-reset');
  return resetAt === undefined ? undefined : Math.max(0, resetAt - now);
}

/** The request budget left, for a warning before it runs out: `{ remaining, limit, resetAt }`. */
export function requestBudget(
  headers: HeaderSource | undefined,
): { remaining: number; limit: number; resetAt: number | undefined } | undefined {
  if (!headers) return undefined;
  const remaining = numberHeader(headers, 'x-ratelimit-requests-remaining');
  const limit = numberHeader(headers, 'x-ratelimit-requests-limit');
  if (remaining === undefined || limit === undefined) return undefined;
  return { remaining, limit, resetAt: numberHeader(headers, 'x-ratelimit-requests-reset') };
}

function numberHeader(headers: HeaderSource, name: string): number | undefined {
  const value = headers.get(name);
  if (value === null || value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}
