import { Hono } from 'hono';
import type { OrchestratorContext } from '../../orchestrator/context.ts';
import { listShadowRuns } from '../../orchestrator/shadow/shadow-comparison.ts';
import { badRequest } from '../validation.ts';

/**
 * Shadow mode's comparison (RUNNER_MODE=shadow, issue 12): `GET /api/shadow-runs?limit=50` →
 * `{ runs: [ { shadowId, dispatchId, issueIdentifier, issueUrl, teamKey, phase, createdAt,
 * machineId, image, primary: { status, durationSeconds, costUsd, error }, shadow: {…} } ] }`,
 * newest first; `limit` 1–500.
 */
export function shadowRoutes(ctx: OrchestratorContext): Hono {
  const app = new Hono();
  app.get('/api/shadow-runs', async (c) => {
    const raw = c.req.query('limit') ?? '50';
    const limit = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(limit >= 1 && limit <= 500)) {
      const message = 'must be a whole number from 1 to 500';
      return badRequest(c, `limit ${message}`, [{ field: 'limit', message }]);
    }
    return c.json({ runs: await listShadowRuns(ctx.db, limit) });
  });
  return app;
}
