import { Hono } from 'hono';
import type { OrchestratorContext } from '../../orchestrator/context.ts';
import { listShadowRuns } from '../../orchestrator/shadow/shadow-comparison.ts';
import { badRequest } from '../validation.ts';
import { readLimit } from './cursor.ts';

/**
 * Shadow mode's comparison (RUNNER_MODE=shadow, issue 12): `GET /api/shadow-runs?limit=50` →
 * `{ runs: [ { shadowId, dispatchId, issueIdentifier, issueUrl, teamKey, phase, createdAt,
 * machineId, image, primary: { status, durationSeconds, costUsd, error }, shadow: {…} } ] }`,
 * newest first; `limit` 1–500.
 */
export function shadowRoutes(ctx: OrchestratorContext): Hono {
  const app = new Hono();
  app.get('/api/shadow-runs', async (c) => {
    const read = readLimit(new URL(c.req.url).searchParams, { defaultLimit: 50, max: 500 });
    if (!read.ok) return badRequest(c, `limit ${read.error.message}`, [read.error]);
    const { limit } = read;
    return c.json({ runs: await listShadowRuns(ctx.db, limit) });
  });
  return app;
}
