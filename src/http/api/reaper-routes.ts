import { Hono } from 'hono';
import type { Reaper } from '../../orchestrator/reaper/reaper.ts';
import { badRequest } from '../validation.ts';
import { readLimit } from './cursor.ts';

/**
 * The reaper's record (CONTRACTS.md §8):
 * - `GET /api/reaper/summary` → `{ windowHours: 24, total, byRule, lastSweepAt, dryRun }`;
 * - `GET /api/reaper/recent?limit=50` → `{ actions: [...] }`, newest first; `limit` 1–500.
 */
export function reaperRoutes(reaper: Reaper): Hono {
  const app = new Hono();
  app.get('/api/reaper/summary', async (c) => c.json(await reaper.summary()));
  app.get('/api/reaper/recent', async (c) => {
    const read = readLimit(new URL(c.req.url).searchParams, { defaultLimit: 50, max: 500 });
    if (!read.ok) return badRequest(c, `limit ${read.error.message}`, [read.error]);
    const { limit } = read;
    return c.json({ actions: await reaper.recent(limit) });
  });
  return app;
}
