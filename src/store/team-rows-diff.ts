import { PostgresAdapter, sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from './schema.ts';
import { bumpTableVersion, readTableVersion } from './table-versions.ts';

/**
 * A per-team table the tick rewrites each poll (blockers, the issue inbox), and how to diff it:
 * rows are keyed by `issue_id` and belong to a `team_key`; `compared` columns decide whether a row
 * changed; `since` is the timestamp column that keeps its old value while the row is unchanged —
 * or, with `sinceKeptWhile`, while that one column is unchanged (a blocker's `recorded_at` is
 * when its current reason began, whatever its detail does).
 */
export interface TeamRowsTable<Row> extends UpsertedTable<Row> {
  table: 'blockers' | 'tracked_issues';
}

/**
 * A table keyed by `issue_id` whose rows `upsertChangedRows` writes: `compared` columns decide
 * whether a row changed, `since` keeps its old value while it did not (see `TeamRowsTable`).
 */
export interface UpsertedTable<Row> {
  table: 'blockers' | 'tracked_issues' | 'ticket_states';
  /** Every column but `issue_id` and `since`, with its SQL type for PostgreSQL's casts. */
  compared: { [K in keyof Row]?: 'text' | 'integer' };
  since: keyof Row & string;
  sinceKeptWhile?: keyof Row & string;
}

/**
 * Makes the rows of `teamKeys` in `spec.table` equal to `rows`, as a diff in one transaction:
 * rows of those teams no longer given are deleted, new and changed rows are upserted, unchanged
 * rows are not written. What is there is known one of two ways. While the table's change counter
 * (`table_versions`) has not moved since this process's last diff of the same teams, the rows
 * written then are what is there, and they are compared column by column: a steady tick reads
 * one row. Otherwise (a first tick, another writer, other teams) the table is read back as one
 * fingerprint per row (the compared columns joined by the database, `concat_ws`), not as row
 * objects. The writes carry their rows as one JSON parameter (SQLite `json_each`, PostgreSQL
 * `jsonb_array_elements`) (docs/decisions/tick-at-scale.md). Teams not listed (their fetch
 * failed) keep their rows. A row given twice counts once (the last). Throws what the database
 * throws.
 */
export async function replaceTeamRows<Row extends { issue_id: string; team_key: string }>(
  db: Kysely<Database>,
  spec: TeamRowsTable<Row>,
  teamKeys: readonly string[],
  rows: readonly Row[],
): Promise<void> {
  const compared = Object.keys(spec.compared) as (keyof Row & string)[];
  const teams = [...teamKeys].sort().join(SEPARATOR);
  const cached = lastWritten(db).get(spec.table) as LastWritten<Row> | undefined;
  lastWritten(db).delete(spec.table);
  await db.transaction().execute(async (trx) => {
    const version = await readTableVersion(trx, spec.table);
    // A steady tick hands over last tick's rows in the same order (mostly the same objects):
    // nothing to write, and nothing allocated to find that out.
    if (cached?.version === version && cached.teams === teams && sameRows(cached.given, rows, compared)) {
      lastWritten(db).set(spec.table, cached);
      return;
    }
    const unique = new Map<string, Row>();
    for (const row of rows) unique.set(row.issue_id, row);
    const known =
      cached && cached.version === version && cached.teams === teams
        ? {
            ids: cached.rows.keys(),
            unchanged: (row: Row) => sameRow(cached.rows.get(row.issue_id), row, compared),
          }
        : await readFingerprints(trx, spec, teamKeys, compared);
    const gone: string[] = [];
    for (const id of known.ids) if (!unique.has(id)) gone.push(id);
    const changed: Row[] = [];
    for (const row of unique.values()) if (!known.unchanged(row)) changed.push(row);
    const dialect = dialectOf(trx);
    if (gone.length > 0) {
      await sql`
        DELETE FROM ${sql.table(spec.table)} WHERE issue_id IN (${dialect.texts(JSON.stringify(gone))})
      `.execute(trx);
    }
    if (changed.length > 0) await upsertChangedRows(trx, spec, changed);
    // Another writer between the two reads: what was written is not all that is there.
    if ((await readTableVersion(trx, spec.table)) === version)
      lastWritten(db).set(spec.table, { version, teams, rows: unique, given: rows });
  });
}

/**
 * Marks `table` as changed by a writer other than the tick's diff; call it in the same
 * transaction as the write (after it), so the tick reads the table back on its next diff.
 */
export async function bumpTeamRowsVersion(
  db: Kysely<Database>,
  table: TeamRowsTable<unknown>['table'],
): Promise<void> {
  await bumpTableVersion(db, table);
}

/** What this process's last diff of a table wrote, while the table's version says it is all there. */
interface LastWritten<Row> {
  version: number;
  teams: string;
  rows: Map<string, Row>;
  /** The rows as the caller gave them (order and duplicates included). */
  given: readonly Row[];
}

/**
 * The same rows in the same order: each the same object or, for the same issue, equal in every
 * compared column (the tick rebuilds a few rows each poll, e.g. blockers read back from the table).
 */
function sameRows<Row extends { issue_id: string }>(
  before: readonly Row[],
  rows: readonly Row[],
  compared: (keyof Row & string)[],
): boolean {
  if (before.length !== rows.length) return false;
  for (let i = 0; i < rows.length; i += 1) {
    const was = before[i]!;
    const row = rows[i]!;
    if (was !== row && (was.issue_id !== row.issue_id || !sameRow(was, row, compared))) return false;
  }
  return true;
}

const written = new WeakMap<Kysely<Database>, Map<string, LastWritten<unknown>>>();

function lastWritten(db: Kysely<Database>): Map<string, LastWritten<unknown>> {
  let tables = written.get(db);
  if (!tables) written.set(db, (tables = new Map()));
  return tables;
}

function sameRow<Row>(before: Row | undefined, row: Row, compared: (keyof Row & string)[]): boolean {
  // The tick hands back last tick's row object for an unchanged ticket (tick-rows.ts).
  if (before === row) return true;
  if (before == null) return false;
  for (const column of compared) if (before[column] !== row[column]) return false;
  return true;
}

/** The ids and fingerprints of the teams' rows, read back: the diff when nothing is cached. */
async function readFingerprints<Row extends { issue_id: string }>(
  db: Kysely<Database>,
  spec: TeamRowsTable<Row>,
  teamKeys: readonly string[],
  compared: (keyof Row & string)[],
): Promise<{ ids: Iterable<string>; unchanged: (row: Row) => boolean }> {
  const dialect = dialectOf(db);
  const found = await sql<{ issue_id: string; print: string }>`
    SELECT issue_id, concat_ws(${dialect.separator}, ${sql.join(compared.map((column) => sql.ref(column)))}) AS print
    FROM ${sql.table(spec.table)}
    WHERE team_key IN (${dialect.texts(JSON.stringify(teamKeys))})
  `.execute(db);
  const existing = new Map(found.rows.map((row) => [row.issue_id, row.print]));
  const fingerprint = (row: Row) => compared.map((column) => String(row[column])).join(SEPARATOR);
  return { ids: existing.keys(), unchanged: (row) => existing.get(row.issue_id) === fingerprint(row) };
}

/** The unit separator: it does not occur in ticket titles, URLs, states or keys. */
const SEPARATOR = '\u001f';

interface Dialect {
  /** SQL for the separator character in `concat_ws`. */
  separator: RawBuilder<unknown>;
  /** A subquery of the strings of a JSON array. */
  texts(json: string): RawBuilder<unknown>;
}

function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

function dialectOf(db: Kysely<Database>): Dialect {
  const postgres = isPostgres(db);
  return {
    separator: postgres ? sql`chr(31)` : sql`char(31)`,
    texts: (json) =>
      postgres
        ? sql`SELECT jsonb_array_elements_text(CAST(${json} AS jsonb))`
        : sql`SELECT value FROM json_each(${json})`,
  };
}

/**
 * Inserts or updates `rows` in one statement with one JSON parameter (SQLite `json_each`,
 * PostgreSQL `jsonb_array_elements`), however many there are: no query built row by row. A row
 * equal to the stored one in every `compared` column is not written; `since` keeps its old value
 * while `sinceKeptWhile` is unchanged. `rows` must not hold an `issue_id` twice (PostgreSQL
 * refuses to update a row twice in one statement). Throws what the database throws.
 */
export async function upsertChangedRows<Row>(
  db: Kysely<Database>,
  spec: UpsertedTable<Row>,
  rows: readonly Row[],
): Promise<void> {
  if (rows.length === 0) return;
  const postgres = isPostgres(db);
  const types: Record<string, string> = { ...(spec.compared as Record<string, string>) };
  const compared = Object.keys(spec.compared);
  const columns = ['issue_id', ...compared, spec.since];
  const table = sql.table(spec.table);
  const value = (column: string) => {
    const text = postgres ? sql`e->>${sql.lit(column)}` : sql`value->>${sql.lit(column)}`;
    return types[column] === 'integer' && postgres ? sql`CAST(${text} AS integer)` : text;
  };
  const json = JSON.stringify(rows);
  const staged = postgres ? sql`jsonb_array_elements(CAST(${json} AS jsonb)) AS e` : sql`json_each(${json})`;
  const differs = postgres ? sql.raw('IS DISTINCT FROM') : sql.raw('IS NOT');
  const changed = sql.join(
    compared.map((column) => sql`${table}.${sql.ref(column)} ${differs} excluded.${sql.ref(column)}`),
    sql` OR `,
  );
  const keep = spec.sinceKeptWhile;
  const since = keep
    ? sql`CASE WHEN ${table}.${sql.ref(keep)} = excluded.${sql.ref(keep)} THEN ${table}.${sql.ref(spec.since)} ELSE excluded.${sql.ref(spec.since)} END`
    : sql`excluded.${sql.ref(spec.since)}`;
  const updates = sql.join([
    ...compared.map((column) => sql`${sql.ref(column)} = excluded.${sql.ref(column)}`),
    sql`${sql.ref(spec.since)} = ${since}`,
  ]);
  // `WHERE true` lets SQLite tell the upsert's ON CONFLICT from a join constraint.
  await sql`
    INSERT INTO ${table} (${sql.join(columns.map((column) => sql.ref(column)))})
    SELECT ${sql.join(columns.map(value))} FROM ${staged} WHERE true
    ON CONFLICT (issue_id) DO UPDATE SET ${updates}
    WHERE ${changed}
  `.execute(db);
}
