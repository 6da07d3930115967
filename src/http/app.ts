import { Hono } from 'hono';
import { sql } from 'kysely';
import type { OrchestratorContext } from '../orchestrator/context.ts';
import { createAdminAuth } from './auth/admin-auth.ts';
import { createSignInThrottle } from './auth/sign-in-throttle.ts';
import { authRoutes, bearerToken } from './api/auth-routes.ts';
import { mappingRoutes } from './api/mapping-routes.ts';
import { statusRoutes, type StatusCheck } from './api/status-routes.ts';
import { workRoutes } from './api/work-routes.ts';
import { runnerRoutes } from './runner-callbacks/runner-routes.ts';

export interface HttpDeps {
  orchestrator: OrchestratorContext;
  /** ADMIN_ACCESS_CODE; unset → `/admin` and `/api/*` answer 404 (seed 002). */
  adminAccessCode: string | undefined;
  statusChecks: () => Promise<StatusCheck[]>;
}

/** Routes outside the operator API: they carry their own authentication. */
const OWN_AUTH = ['/api/auth', '/api/github/webhook'];

/**
 * The orchestrator's HTTP surface: `/healthz`, the admin JSON API under `/api/*` (bearer tokens
 * from `POST /api/auth`), and the runner callbacks under `/runner/*`. Unexpected errors answer a
 * generic 500 and are logged; no stack or secret reaches a client.
 */
export function createHttpApp(deps: HttpDeps): Hono {
  const { orchestrator: ctx } = deps;
  const app = new Hono();

  app.get('/healthz', async (c) => {
    await sql`select 1`.execute(ctx.db);
    return c.json({ status: 'ok' });
  });

  app.route('/', runnerRoutes(ctx));

  if (!deps.adminAccessCode) {
    app.all('/admin', (c) => c.json({ error: 'not_found', message: 'the admin UI is disabled' }, 404));
    app.all('/admin/*', (c) => c.json({ error: 'not_found', message: 'the admin UI is disabled' }, 404));
    app.all('/api/*', (c, next) =>
      OWN_AUTH.slice(1).includes(c.req.path)
        ? next()
        : c.json({ error: 'not_found', message: 'not found' }, 404),
    );
  } else {
    const auth = createAdminAuth(ctx.db, deps.adminAccessCode, ctx.clock);
    const throttle = createSignInThrottle(() => ctx.clock().getTime());
    app.use('/api/*', async (c, next) => {
      if (OWN_AUTH.includes(c.req.path)) return next();
      const token = bearerToken(c.req.header('authorization'));
      if (!token || !(await auth.isValid(token))) {
        return c.json(
          {
            error: 'unauthorized',
            message: 'sign in at POST /api/auth and send Authorization: Bearer <token>',
          },
          401,
        );
      }
      return next();
    });
    app.route('/', authRoutes(auth, throttle));
    app.route('/', mappingRoutes(ctx));
    app.route('/', workRoutes(ctx));
    app.route('/', statusRoutes(deps.statusChecks));
  }

  app.notFound((c) =>
    c.json({ error: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` }, 404),
  );
  app.onError((error, c) => {
    ctx.logger.error(
      { err: error instanceof Error ? error.message : String(error), path: c.req.path },
      'request failed',
    );
    return c.json({ error: 'internal', message: 'internal error; see the orchestrator log' }, 500);
  });
  return app;
}
