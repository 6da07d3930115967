import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { Mapping } from '../domain/mapping.ts';
import type { Database } from './schema.ts';
import { readTableVersion, writeVersioned } from './table-versions.ts';

/** Named queries for project mappings, stored as validated JSON keyed by `teamKey`. */

export async function listMappings(db: Kysely<Database>): Promise<Mapping[]> {
  // Every tick lists every mapping; while no writer has moved the counter, the last list stands.
  const version = await readTableVersion(db, 'mappings');
  const cached = listed.get(db);
  if (cached?.version === version) return [...cached.mappings];
  const rows = await db.selectFrom('mappings').select('data').orderBy('team_key').execute();
  // A stored mapping unchanged since the last read is the same (frozen) object, not another JSON
  // parse — and the tick can tell it by identity (tick-rows.ts).
  const byData = new Map<string, Mapping>();
  const mappings = rows.map((row) => {
    const mapping = cached?.byData.get(row.data) ?? (Object.freeze(JSON.parse(row.data)) as Mapping);
    byData.set(row.data, mapping);
    return mapping;
  });
  listed.set(db, {
    version,
    mappings,
    byKey: new Map(mappings.map((mapping) => [mapping.teamKey, mapping])),
    byData,
  });
  return [...mappings];
}

/**
 * Per database: what `listMappings` read last, under the `mappings` counter it read first
 * (table-versions.ts) — one small read a call while no mapping changed, instead of 500 rows of
 * JSON — by team key, and by stored JSON (so a mapping left as it was keeps its parsed object
 * when another one changes).
 */
const listed = new WeakMap<
  Kysely<Database>,
  {
    version: number;
    mappings: readonly Mapping[];
    byKey: ReadonlyMap<string, Mapping>;
    byData: ReadonlyMap<string, Mapping>;
  }
>();

/**
 * The team key of every mapping, in order, without parsing the mappings: what a dispatch's
 * secret scoping needs (per dispatch, so 500 mappings must not mean 500 JSON parses each).
 */
export async function listMappingTeamKeys(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('mappings').select('team_key').orderBy('team_key').execute();
  return rows.map((row) => row.team_key);
}

/**
 * The ticketing providers the mappings use (`ticketingProvider`, `linear` when unset), read by
 * the database from the stored JSON: the poll mode asks after every tick and on every
 * `/healthz`, so 500 mappings must not mean 500 JSON parses each time.
 */
export async function listTicketingProvidersInUse(db: Kysely<Database>): Promise<string[]> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const provider = postgres
    ? sql<string | null>`CAST(data AS json)->>'ticketingProvider'`
    : sql<string | null>`json_extract(data, '$.ticketingProvider')`;
  const rows = await db.selectFrom('mappings').select(provider.as('provider')).distinct().execute();
  return [...new Set(rows.map((row) => row.provider ?? 'linear'))];
}

export async function getMapping(db: Kysely<Database>, teamKey: string): Promise<Mapping | undefined> {
  const row = await db
    .selectFrom('mappings')
    .select('data')
    .where('team_key', '=', teamKey)
    .executeTakeFirst();
  return row ? (JSON.parse(row.data) as Mapping) : undefined;
}

/**
 * The stored mappings with these team keys (matched exactly, as `getMapping`), in no particular
 * order; keys with none are absent. One query for the lot, and a mapping unchanged since the last
 * `listMappings` is its parsed object: a reconcile of 500 in-flight Jira issues asks for 500
 * mappings each tick, which were 500 queries and 500 JSON parses.
 */
export async function getMappings(db: Kysely<Database>, teamKeys: readonly string[]): Promise<Mapping[]> {
  const unique = [...new Set(teamKeys)];
  if (unique.length === 0) return [];
  const cached = listed.get(db);
  if (cached && cached.version === (await readTableVersion(db, 'mappings'))) {
    return unique.flatMap((teamKey) => cached.byKey.get(teamKey) ?? []);
  }
  const mappings: Mapping[] = [];
  // Well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters a statement.
  for (let start = 0; start < unique.length; start += KEYS_PER_QUERY) {
    const rows = await db
      .selectFrom('mappings')
      .select('data')
      .where('team_key', 'in', unique.slice(start, start + KEYS_PER_QUERY))
      .execute();
    for (const row of rows) mappings.push(cached?.byData.get(row.data) ?? (JSON.parse(row.data) as Mapping));
  }
  return mappings;
}

const KEYS_PER_QUERY = 5_000;

/** Creates or replaces a mapping; returns whether it was new. */
export async function upsertMapping(db: Kysely<Database>, mapping: Mapping, now: Date): Promise<boolean> {
  const existed = (await getMapping(db, mapping.teamKey)) !== undefined;
  const at = now.toISOString();
  await writeVersioned(db, 'mappings', (trx) =>
    trx
      .insertInto('mappings')
      .values({ team_key: mapping.teamKey, data: JSON.stringify(mapping), created_at: at, updated_at: at })
      .onConflict((oc) =>
        oc.column('team_key').doUpdateSet({ data: JSON.stringify(mapping), updated_at: at }),
      )
      .execute(),
  );
  return !existed;
}

/** Deletes a mapping; returns false when there was none. */
export async function deleteMapping(db: Kysely<Database>, teamKey: string): Promise<boolean> {
  const result = await writeVersioned(db, 'mappings', (trx) =>
    trx.deleteFrom('mappings').where('team_key', '=', teamKey).executeTakeFirst(),
  );
  return Number(result.numDeletedRows) > 0;
}
