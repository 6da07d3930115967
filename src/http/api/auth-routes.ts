import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { z } from 'zod';
import type { AdminAuth } from '../auth/admin-auth.ts';
import type { SignInThrottle } from '../auth/sign-in-throttle.ts';
import { readJson } from '../validation.ts';

const SignInSchema = z.object({ code: z.string().min(1, 'is required').max(1000) }).strict();

/**
 * `POST /api/auth` (CONTRACTS.md §5): `{ code }` → `{ token, expiresAt }`, 401 on a wrong
 * code, 429 with Retry-After while a client is slowed down after wrong codes.
 * `POST /api/auth/sign-out` ends the caller's session (bearer required, checked upstream).
 */
export function authRoutes(auth: AdminAuth, throttle: SignInThrottle): Hono {
  const app = new Hono();
  app.post('/api/auth', async (c) => {
    const client = clientAddress(c);
    const wait = throttle.waitMs(client);
    if (wait > 0) {
      c.header('Retry-After', String(Math.ceil(wait / 1000)));
      return c.json(
        { error: 'too_many_attempts', message: 'too many wrong codes; wait before trying again' },
        429,
      );
    }
    const body = await readJson(c, SignInSchema);
    if (!body.ok) return body.response;
    const session = await auth.signIn(body.value.code);
    if (!session) {
      throttle.recordFailure(client);
      return c.json({ error: 'unauthorized', message: 'wrong access code' }, 401);
    }
    throttle.recordSuccess(client);
    return c.json({ token: session.token, expiresAt: session.expiresAt.toISOString() });
  });
  app.post('/api/auth/sign-out', async (c) => {
    const token = bearerToken(c.req.header('authorization'));
    if (token) await auth.signOut(token);
    return c.json({ signedOut: true });
  });
  return app;
}

/** The token of an `Authorization: Bearer …` header, if that is what it holds. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** The socket's address (not X-Forwarded-For, which a client can forge): the throttle's key. */
export function clientAddress(c: Parameters<typeof getConnInfo>[0]): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // Requests made through app.request() in tests have no socket.
    return 'unknown';
  }
}
