import { Hono } from 'hono';
import type { OrchestratorContext } from '../../orchestrator/context.ts';
import { loadOverview } from './overview-view.ts';

/**
 * `GET /api/overview`: the Overview panel's numbers (seed 002) — running jobs with duration,
 * failed jobs in 24 h, capacity utilization, projects at cap and the 24-hour dispatch trend. The
 * admin UI renders the same view and polls this route to keep running jobs live.
 */
export function overviewRoutes(ctx: OrchestratorContext): Hono {
  const app = new Hono();
  app.get('/api/overview', async (c) => c.json(await loadOverview(ctx)));
  return app;
}
