import { Hono } from 'hono';
import { z } from 'zod';
import type { AdminAuth } from '../auth/admin-auth.ts';
import type { SignInGuard } from '../auth/sign-in-guard.ts';
import { readJson } from '../validation.ts';

export const SignInSchema = z.object({ code: z.string().min(1, 'is required').max(1000) }).strict();

/**
 * `POST /api/auth` (CONTRACTS.md §5): `{ code }` → `{ token, expiresAt }`, 400 for a body
 * without a code (not counted as a guess), 401 on a wrong code, 429 with Retry-After while the
 * client (or, after a flood of wrong codes, everyone) is slowed down — the attempt is counted
 * before the code is compared, so parallel guesses are refused too.
 * `POST /api/auth/sign-out` ends the caller's session (bearer required, checked upstream).
 */
export function authRoutes(auth: AdminAuth, guard: SignInGuard): Hono {
  const app = new Hono();
  app.post('/api/auth', async (c) => {
    const body = await readJson(c, SignInSchema);
    if (!body.ok) return body.response;
    const attempt = guard.begin(c);
    if (!attempt.allowed) {
      c.header('Retry-After', String(Math.ceil(attempt.waitMs / 1000)));
      return c.json(
        { error: 'too_many_attempts', message: 'too many wrong codes; wait before trying again' },
        429,
      );
    }
    let session: Awaited<ReturnType<AdminAuth['signIn']>>;
    try {
      session = await auth.signIn(body.value.code);
    } finally {
      attempt.settle(session !== undefined);
    }
    if (!session) return c.json({ error: 'unauthorized', message: 'wrong access code' }, 401);
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
