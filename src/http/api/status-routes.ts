import { Hono } from 'hono';
import { checkWords } from '../admin/words.ts';

/** One environment-status check shown on the Overview (seed 002): ticketing, runner callback, gap-fill. */
export interface StatusCheck {
  name: string;
  ok: boolean;
  /** What was found, or what to fix; never a secret's value. */
  detail: string;
}

/**
 * `GET /api/admin/config-status`: runs every check now (they are cheap: one call per tracker);
 * each check as `{ name, label, ok, detail }`.
 */
export function statusRoutes(checks: () => Promise<StatusCheck[]>): Hono {
  const app = new Hono();
  app.get('/api/admin/config-status', async (c) => {
    const results = await checks();
    // `label`: the check's name as the Overview shows it ("Linear connection", not `ticketing:linear`).
    return c.json({
      ok: results.every((check) => check.ok),
      checks: results.map((check) => ({ ...check, label: checkWords(check.name) })),
    });
  });
  return app;
}
