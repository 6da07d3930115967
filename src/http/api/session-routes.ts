import { Hono, type Context } from 'hono';
import { PlatformRefusal } from '../../orchestrator/platform/platform-refusal.ts';
import type { SessionsService } from '../../orchestrator/sessions/sessions.ts';
import { badRequest } from '../validation.ts';
import { refusalResponse } from './platform-routes.ts';

/** Fly Machine ids are lowercase hex (14 characters today); names the field when it is not. */
const MACHINE_ID = /^[a-z0-9]{1,40}$/;

/**
 * Fly Machine sessions (CONTRACTS.md §8):
 * - `GET /api/sessions` → `{ sessions: Session[] }`, the sessions app's live Machines;
 * - `DELETE /api/sessions/:machineId` → `{ destroyed: id }`: destroys the Machine and ends its
 *   run (`session destroyed`), its ticket asked again; 404 when the app has no such Machine.
 * Fly not configured → 503 saying what to set; Fly failing → 502 with its reason.
 */
export function sessionRoutes(sessions: SessionsService): Hono {
  const app = new Hono();
  app.get('/api/sessions', (c) => answer(c, async () => ({ sessions: await sessions.list() })));
  app.delete('/api/sessions/:machineId', (c) => {
    const machineId = c.req.param('machineId');
    if (!MACHINE_ID.test(machineId)) {
      const message = 'must be a Fly Machine id: lowercase letters and digits';
      return badRequest(c, `machineId ${message}`, [{ field: 'machineId', message }]);
    }
    return answer(c, async () => {
      await sessions.destroy(machineId);
      return { destroyed: machineId };
    });
  });
  return app;
}

async function answer(c: Context, work: () => Promise<object>): Promise<Response> {
  try {
    return c.json(await work());
  } catch (error) {
    if (error instanceof PlatformRefusal) return refusalResponse(c, error);
    throw error;
  }
}
