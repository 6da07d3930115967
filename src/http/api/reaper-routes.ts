import { Hono } from 'hono';
import type { Reaper } from '../../orchestrator/reaper/reaper.ts';
import { badRequest } from '../validation.ts';

/**
 * The reaper's record (CONTRACTS.md §8):
 * - `GET /api/reaper/summary` → `{ windowHours: 24, total, byRule, lastSweepAt, dryRun }`;
 * - `GET /api/reaper/recent?limit=50` → `{ actions: [...] }`, newest first; `limit` 1–500.
 */
export function reaperRoutes(reaper: Reaper): Hono {
  const app = new Hono();
  app.get('/api/reaper/summary', async (c) => c.json(await reaper.summary()));
  app.get('/api/reaper/recent', async (c) => {
    const raw = c.req.query('limit') ?? '50';
    const limit = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(limit >= 1 && limit <= 500)) {
      const message = 'must be a whole number from 1 to 500';
      return badRequest(c, `limit ${message}`, [{ field: 'limit', message }]);
    }
    return c.json({ actions: await reaper.recent(limit) });
  });
  return app;
}
