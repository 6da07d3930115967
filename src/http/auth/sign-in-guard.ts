import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { SignInAttempt, SignInThrottle } from './sign-in-throttle.ts';

/**
 * The sign-in throttle keyed by the request's client (`clientAddress`): what `POST /api/auth`
 * and the admin UI's sign-in form share, so the form is no way around the API's throttle.
 */
export interface SignInGuard {
  /** Counts an attempt by this request's client before the code is compared; see SignInThrottle. */
  begin(c: Context): SignInAttempt | { allowed: false; waitMs: number };
}

export function createSignInGuard(
  throttle: SignInThrottle,
  trustProxyHeader: string | undefined,
): SignInGuard {
  return { begin: (c) => throttle.begin(clientAddress(c, trustProxyHeader)) };
}

/**
 * Who is signing in, as the sign-in throttle keys it.
 *
 * With `trustProxyHeader` (TRUST_PROXY_HEADER, e.g. `Fly-Client-IP`; CONTRACTS.md §10) the
 * orchestrator runs behind a proxy that sets that header on every request, so the header is the
 * client; without it every user would share the proxy's socket address, and one wrong code would
 * slow down everyone. A list (`X-Forwarded-For: client, proxy1`) counts by its last entry: the
 * one the trusted proxy itself appended (earlier ones are whatever the client sent). A request
 * without the header did not come through the proxy, so its socket address is used.
 *
 * Without `trustProxyHeader` only the socket address counts: a client could otherwise send any
 * header value and get a fresh key for every guess.
 *
 * @returns `header:<value>` or `socket:<address>`; `socket:unknown` for requests without a socket
 *   (`app.request()` in tests).
 */
export function clientAddress(c: Context, trustProxyHeader: string | undefined): string {
  if (trustProxyHeader) {
    const value = c.req.header(trustProxyHeader)?.split(',').at(-1)?.trim();
    // Bounded: it becomes a map key.
    if (value) return `header:${value.slice(0, 100)}`;
  }
  try {
    return `socket:${getConnInfo(c).remote.address ?? 'unknown'}`;
  } catch {
    return 'socket:unknown';
  }
}
