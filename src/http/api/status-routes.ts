import { Hono } from 'hono';
import { checkFixLink } from '../admin/check-fixes.ts';
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
 * each check as `{ name, label, ok, detail, fix? }`, `fix` linking where a failing check is fixed.
 */
export function statusRoutes(checks: () => Promise<StatusCheck[]>): Hono {
  const app = new Hono();
  app.get('/api/admin/config-status', async (c) => {
    const results = await checks();
    // `label`: the check's name as the Overview shows it ("Linear connection", not `ticketing:linear`).
    return c.json({
      ok: results.every((check) => check.ok),
      // `fix` (`{ href, text }`, only on a check that needs attention): where it is fixed.
      checks: results.map((check) => {
        const fix = check.ok ? undefined : checkFixLink(check.name);
        return { ...check, label: checkWords(check.name), ...(fix ? { fix } : {}) };
      }),
    });
  });
  return app;
}
