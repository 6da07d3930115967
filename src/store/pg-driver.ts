import { createRequire } from 'node:module';
import type pg from 'pg';

/**
 * node-postgres (https://node-postgres.com), loaded on first use: only an orchestrator on
 * PostgreSQL (`DATABASE_URL`) needs it, and loading it costs ~10 MB resident.
 */
export function requirePg(): typeof pg {
  return createRequire(import.meta.url)('pg') as typeof pg;
}
