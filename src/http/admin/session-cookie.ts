import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AdminAuth } from '../auth/admin-auth.ts';
import { bearerToken } from '../api/auth-routes.ts';

/**
 * The admin UI's session: the same token `POST /api/auth` issues (AdminAuth), kept in an
 * HttpOnly, SameSite=Strict, Path=/ cookie (Secure over https) so page scripts never see it.
 *
 * CSRF: a request authenticated by this cookie that changes state (any method but GET/HEAD)
 * must carry `X-CSRF-Token` (JSON API) or a `csrf` form field (sign-out) equal to the
 * session's CSRF token: HMAC-SHA256 keyed by the session token, so it is bound to the session,
 * needs no storage, and a copy of the database (which holds only SHA-256 of tokens) cannot
 * forge it. SameSite=Strict already keeps other sites from sending the cookie; the token is
 * the second lock. Scripts that send `Authorization: Bearer` are not affected.
 */

export const SESSION_COOKIE = 'ai_implement_session';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** The CSRF token of a session (base64url, 43 characters). */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('ai-implement admin csrf v1').digest('base64url');
}

/** Constant-time check of a submitted CSRF token against the session's. */
export function isCsrfTokenValid(sessionToken: string, candidate: string | undefined): boolean {
  if (!candidate) return false;
  const expected = Buffer.from(csrfTokenFor(sessionToken));
  const given = Buffer.from(candidate);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The session token from the request's cookie, if any (not yet checked). */
export function sessionTokenOf(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE) || undefined;
}

/**
 * True when the browser reached us over https: directly, or through a proxy that terminated
 * TLS and says so (Fly.io and most load balancers send `X-Forwarded-Proto`). Trusting the
 * header only ever adds the Secure flag, which a forger could use to break nothing but their
 * own session.
 */
export function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

/** Stores a fresh session token; the cookie expires with the token (24 h). */
export function setSessionCookie(c: Context, token: string, expiresAt: Date): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/',
    secure: isHttps(c),
    expires: expiresAt,
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isHttps(c), httpOnly: true, sameSite: 'Strict' });
}

/**
 * The `/api/*` gate (CONTRACTS.md §5, extended for the admin UI): `Authorization: Bearer` for
 * scripts, or the session cookie for the UI — with the CSRF token on state-changing methods.
 * Returns the 401/403 response to send, or undefined when the request may proceed.
 */
export async function apiAuthRefusal(c: Context, auth: AdminAuth): Promise<Response | undefined> {
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const token = bearerToken(header);
    return token && (await auth.isValid(token)) ? undefined : unauthorized(c);
  }
  const token = sessionTokenOf(c);
  if (!token || !(await auth.isValid(token))) return unauthorized(c);
  if (SAFE_METHODS.has(c.req.method) || isCsrfTokenValid(token, c.req.header(CSRF_HEADER))) return undefined;
  return c.json(
    {
      error: 'forbidden',
      message: `a state-changing request signed in by the admin UI cookie must send the ${CSRF_HEADER} header of its page`,
    },
    403,
  );
}

function unauthorized(c: Context): Response {
  return c.json(
    {
      error: 'unauthorized',
      message: 'sign in at POST /api/auth and send Authorization: Bearer <token>',
    },
    401,
  );
}
