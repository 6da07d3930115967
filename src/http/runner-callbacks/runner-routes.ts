import { Hono, type Context } from 'hono';
import { RunProgressSchema, RunResultSchema } from '../../domain/run-result.ts';
import type { OrchestratorContext } from '../../orchestrator/context.ts';
import { handleRunProgress, handleRunResult } from '../../orchestrator/run-results.ts';
import { RunTokenError, type RunTokenAudience } from '../../orchestrator/run-tokens.ts';
import { bearerToken } from '../api/auth-routes.ts';
import { readJson } from '../validation.ts';

/**
 * Runner callbacks (CONTRACTS.md §4; seed 002 "Runner callback endpoints"):
 * - `POST /runner/progress` with the reusable progress token → 200;
 * - `POST /runner/result` with the single-use result token → 200 the first time,
 *   200 `{ duplicate: true }` for the same body again, 409 for a different body.
 * Both answer 501 while RUNNER_TOKEN_SECRET is unset and 401 for a missing, forged, expired or
 * wrong-audience token. The token is checked before the body, so an unauthenticated caller
 * learns nothing about what a valid body looks like.
 */
export function runnerRoutes(ctx: OrchestratorContext): Hono {
  const app = new Hono();

  app.post('/runner/progress', async (c) => {
    const auth = await authenticate(ctx, c, 'runner-progress');
    if ('response' in auth) return auth.response;
    const body = await readJson(c, RunProgressSchema);
    if (!body.ok) return body.response;
    if (!(await handleRunProgress(ctx, auth.dispatchId, body.value))) {
      return c.json({ error: 'not_found', message: 'unknown dispatch' }, 404);
    }
    return c.json({ ok: true });
  });

  app.post('/runner/result', async (c) => {
    const auth = await authenticate(ctx, c, 'runner-result');
    if ('response' in auth) return auth.response;
    const body = await readJson(c, RunResultSchema);
    if (!body.ok) return body.response;
    const outcome = await handleRunResult(ctx, auth.dispatchId, body.value);
    switch (outcome) {
      case 'accepted':
        return c.json({ ok: true });
      case 'duplicate':
        return c.json({ ok: true, duplicate: true });
      case 'conflict':
        return c.json(
          { error: 'conflict', message: 'a different result was already recorded for this dispatch' },
          409,
        );
      case 'unknown_dispatch':
        return c.json({ error: 'not_found', message: 'unknown dispatch' }, 404);
    }
  });
  return app;
}

async function authenticate(
  ctx: OrchestratorContext,
  c: Context,
  audience: RunTokenAudience,
): Promise<{ dispatchId: string } | { response: Response }> {
  if (!ctx.callback) {
    return {
      response: c.json(
        {
          error: 'not_implemented',
          message: 'runner callbacks are disabled: RUNNER_TOKEN_SECRET is not set',
        },
        501,
      ),
    };
  }
  const token = bearerToken(c.req.header('authorization'));
  if (!token)
    return { response: c.json({ error: 'unauthorized', message: 'a bearer run token is required' }, 401) };
  try {
    const claims = await ctx.callback.signer.verify(token, audience);
    return { dispatchId: claims.dispatchId };
  } catch (error) {
    const message = error instanceof RunTokenError ? error.message : 'invalid token';
    return { response: c.json({ error: 'unauthorized', message }, 401) };
  }
}
