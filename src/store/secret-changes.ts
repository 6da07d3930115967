import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, SecretChangesTable } from './schema.ts';

/** Named queries for the secrets audit (migration 0006): names, actors and times, never values. */

export interface SecretChange {
  id: string;
  at: string;
  actor: string;
  action: 'set' | 'delete';
  scope: 'team' | 'global';
  teamKey: string | null;
  name: string;
  storedAs: string;
  target: string;
}

function toChange(row: SecretChangesTable): SecretChange {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    scope: row.scope,
    teamKey: row.team_key,
    name: row.name,
    storedAs: row.stored_as,
    target: row.target,
  };
}

/** Records one change; `target` defaults to `fly`. */
export async function recordSecretChange(
  db: Kysely<Database>,
  change: Omit<SecretChange, 'id' | 'at' | 'target'> & { target?: string },
  now: Date,
): Promise<void> {
  await db
    .insertInto('secret_changes')
    .values({
      id: randomUUID(),
      at: now.toISOString(),
      actor: change.actor,
      action: change.action,
      scope: change.scope,
      team_key: change.teamKey,
      name: change.name,
      stored_as: change.storedAs,
      target: change.target ?? 'fly',
    })
    .execute();
}

/** The latest changes, newest first (at most `limit`, default 50). */
export async function listSecretChanges(db: Kysely<Database>, limit = 50): Promise<SecretChange[]> {
  const rows = await db.selectFrom('secret_changes').selectAll().orderBy('at', 'desc').limit(limit).execute();
  return rows.map(toChange);
}

/** When each stored name of `target` was last set: stored name → ISO time. */
export async function lastSetTimes(db: Kysely<Database>, target = 'fly'): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('secret_changes')
    .select(['stored_as', (eb) => eb.fn.max('at').as('at')])
    .where('target', '=', target)
    .where('action', '=', 'set')
    .groupBy('stored_as')
    .execute();
  return new Map(rows.map((row) => [row.stored_as, String(row.at)]));
}
