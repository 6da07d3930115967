import { Hono, type Context } from 'hono';
import type { OrchestratorContext } from '../../orchestrator/context.ts';
import type { AdminAuth } from '../auth/admin-auth.ts';
import type { SignInGuard } from '../auth/sign-in-guard.ts';
import type { Platform } from '../../orchestrator/platform/platform.ts';
import type { AdminEnv } from './admin-env.ts';
import { assetRoutes } from './assets.ts';
import { setPageHeaders } from './layout.ts';
import { panelRoutes } from './panel-routes.ts';
import type { Catalog } from '../../pipeline/catalog.ts';
import {
  clearSessionCookie,
  csrfTokenFor,
  isCsrfTokenValid,
  sessionTokenOf,
  setSessionCookie,
} from './session-cookie.ts';
import { HOME, safeNext, signInPage, type SignInMessage } from './sign-in-page.ts';

export interface AdminDeps {
  ctx: OrchestratorContext;
  /** The same AdminAuth as `POST /api/auth`: one session store for scripts and the UI. */
  auth: AdminAuth;
  /** The same throttle as `POST /api/auth`, so the form is no way around it. */
  guard: SignInGuard;
  /** Runner mode, settings and secrets for the Platform panels and their forms. */
  platform?: Platform | undefined;
  /** The pipelines and custom/ (Pipelines & steps, Customizations panels). */
  catalog: () => Promise<Catalog>;
}

/** Paths under /admin reachable without a session. */
const PUBLIC = new Set(['/admin/sign-in', '/admin/sign-out']);

/** The longest access code checked, as for `POST /api/auth` (its schema's limit). */
const MAX_CODE_LENGTH = 1000;

/**
 * The admin UI at /admin (seed 002): sign-in and sign-out, the session check, and every panel.
 * Mounted only while ADMIN_ACCESS_CODE is set; otherwise the app answers 404 for /admin.
 *
 * - `GET /admin/sign-in` → the form; `POST /admin/sign-in` (form: code, next) → 303 to `next`
 *   with the session cookie, or the form again with 401 (wrong code) / 429 (slowed down).
 * - `POST /admin/sign-out` (form: csrf) ends the session server-side and clears the cookie.
 * - Any other /admin page without a valid session → 303 to the sign-in page; an expired or
 *   ended session says so there.
 */
export function adminRoutes(deps: AdminDeps): Hono<AdminEnv> {
  const { auth, guard } = deps;
  const app = new Hono<AdminEnv>();
  app.route('/', assetRoutes());

  app.use('/admin/*', async (c, next) => {
    if (c.req.path.startsWith('/admin/assets/')) return next();
    setPageHeaders(c);
    if (PUBLIC.has(c.req.path)) return next();
    const token = sessionTokenOf(c);
    if (!token || !(await auth.isValid(token))) {
      const params = new URLSearchParams({ next: c.req.path + new URL(c.req.url).search });
      if (token) {
        clearSessionCookie(c);
        params.set('expired', '1');
      }
      return c.redirect(`/admin/sign-in?${params.toString()}`, 303);
    }
    c.set('session', { token, csrf: csrfTokenFor(token) });
    return next();
  });

  app.get('/admin', (c) => c.redirect(HOME, 303));

  app.get('/admin/sign-in', async (c) => {
    const next = safeNext(c.req.query('next'));
    const token = sessionTokenOf(c);
    if (token && (await auth.isValid(token))) return c.redirect(next, 303);
    return c.html(signInPage({ next, message: arrivalMessage(c) }));
  });

  app.post('/admin/sign-in', async (c) => {
    const form = await c.req.parseBody();
    const next = safeNext(typeof form.next === 'string' ? form.next : undefined);
    const code = typeof form.code === 'string' ? form.code : '';
    if (code.length === 0) return c.html(signInPage({ next, message: error('Enter the access code.') }), 400);
    // Counted before the compare, so parallel guesses are refused (sign-in-throttle.ts).
    const attempt = guard.begin(c);
    if (!attempt.allowed) {
      const seconds = Math.ceil(attempt.waitMs / 1000);
      c.header('Retry-After', String(seconds));
      return c.html(
        signInPage({ next, message: error(`Too many wrong codes: wait ${seconds} s before trying again.`) }),
        429,
      );
    }
    let session: Awaited<ReturnType<AdminAuth['signIn']>>;
    try {
      session = code.length <= MAX_CODE_LENGTH ? await auth.signIn(code) : undefined;
    } finally {
      attempt.settle(session !== undefined);
    }
    if (!session) return c.html(signInPage({ next, message: error('Wrong access code.') }), 401);
    setSessionCookie(c, session.token, session.expiresAt);
    return c.redirect(next, 303);
  });

  app.post('/admin/sign-out', async (c) => {
    const token = sessionTokenOf(c);
    if (token && (await auth.isValid(token))) {
      const form = await c.req.parseBody();
      if (!isCsrfTokenValid(token, typeof form.csrf === 'string' ? form.csrf : undefined)) {
        return c.html(
          signInPage({ next: HOME, message: error('Sign-out was refused: reload the page and try again.') }),
          403,
        );
      }
      await auth.signOut(token);
    }
    clearSessionCookie(c);
    return c.redirect('/admin/sign-in?signed-out=1', 303);
  });

  app.route('/', panelRoutes(deps.ctx, deps.catalog, deps.platform));
  return app;
}

function error(text: string): SignInMessage {
  return { tone: 'error', text };
}

/** Why someone arrives at the sign-in page: fixed texts only, never echoed input. */
function arrivalMessage(c: Context): SignInMessage | undefined {
  if (c.req.query('expired') !== undefined) {
    return { tone: 'info', text: 'Your session has expired or was ended. Sign in again to continue.' };
  }
  if (c.req.query('signed-out') !== undefined) return { tone: 'info', text: 'You are signed out.' };
  return undefined;
}
