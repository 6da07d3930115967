import { Hono } from 'hono';
import { z } from 'zod';
import type { OrchestratorContext } from '../../orchestrator/context.ts';
import { badRequest, fieldErrors } from '../validation.ts';
import { analyticsCsv, loadAnalytics } from './analytics-view.ts';

const DAY_MS = 86_400_000;
/** The default window, and the longest one asked for (bounds what one request reads). */
const DEFAULT_DAYS = 30;
const MAX_DAYS = 366;

export const AnalyticsQuerySchema = z
  .object({
    from: z.iso
      .datetime({ offset: true, message: 'must be an ISO-8601 time, e.g. 2026-11-01T00:00:00Z' })
      .optional(),
    to: z.iso
      .datetime({ offset: true, message: 'must be an ISO-8601 time, e.g. 2026-12-01T00:00:00Z' })
      .optional(),
    teamKey: z.string().trim().min(1).max(50).optional(),
    format: z.enum(['json', 'csv']).optional(),
  })
  .strict();

/** The window of a query: `[from, to)`, default the last 30 days; an error message when invalid. */
export function analyticsWindow(
  query: Record<string, string>,
  now: Date,
):
  | { ok: true; from: Date; to: Date; teamKey?: string; format: 'json' | 'csv' }
  | { ok: false; error: z.ZodError | string } {
  const parsed = AnalyticsQuerySchema.safeParse(query);
  if (!parsed.success) return { ok: false, error: parsed.error };
  const to = parsed.data.to ? new Date(parsed.data.to) : now;
  const from = parsed.data.from ? new Date(parsed.data.from) : new Date(to.getTime() - DEFAULT_DAYS * DAY_MS);
  if (from >= to) return { ok: false, error: 'from: must be before to' };
  if (to.getTime() - from.getTime() > MAX_DAYS * DAY_MS)
    return { ok: false, error: `from: the window may span at most ${MAX_DAYS} days` };
  return {
    ok: true,
    from,
    to,
    ...(parsed.data.teamKey ? { teamKey: parsed.data.teamKey } : {}),
    format: parsed.data.format ?? 'json',
  };
}

/**
 * `GET /api/analytics?from&to&teamKey[&format=csv]` (issue 16): the Analytics panel's figures
 * as JSON, or as CSV with `format=csv`. 400 names the bad parameter.
 */
export function analyticsRoutes(ctx: OrchestratorContext): Hono {
  const app = new Hono();
  app.get('/api/analytics', async (c) => {
    const window = analyticsWindow(c.req.query(), ctx.clock());
    if (!window.ok) {
      if (typeof window.error === 'string') {
        const [field = '', message = ''] = window.error.split(': ');
        return badRequest(c, window.error, [{ field, message }]);
      }
      const fields = fieldErrors(window.error);
      return badRequest(c, fields.map((f) => `${f.field}: ${f.message}`).join('; '), fields);
    }
    const view = await loadAnalytics(ctx, window);
    if (window.format === 'csv') {
      return c.body(analyticsCsv(view), 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': 'attachment; filename="ai-implement-analytics.csv"',
      });
    }
    return c.json(view);
  });
  return app;
}
