import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * A per-team table the tick rewrites each poll (blockers, the issue inbox), and how to diff it:
 * rows are keyed by `issue_id` and belong to a `team_key`; `compared` columns decide whether a row
 * changed; `since` is the timestamp column that keeps its old value while the row is unchanged —
 * or, with `sinceKeptWhile`, while that one column is unchanged (a blocker's `recorded_at` is
 * when its current reason began, whatever its detail does).
 */
export interface TeamRowsTable<Row> {
  table: 'blockers' | 'tracked_issues';
  /** Every column but `issue_id` and `since`, with its SQL type for PostgreSQL's casts. */
  compared: { [K in keyof Row]?: 'text' | 'integer' };
  since: keyof Row & string;
  sinceKeptWhile?: keyof Row & string;
}

/**
 * Makes the rows of `teamKeys` in `spec.table` equal to `rows`, as a diff computed by the
 * database in one transaction of two statements: rows of those teams no longer given are
 * deleted; new rows are inserted; changed rows are updated; unchanged rows are not written. The
 * rows travel as one JSON parameter (SQLite `json_each`, PostgreSQL `jsonb_array_elements`), so
 * the tick neither reads the table back into the process nor sends thousands of parameters
 * (docs/decisions/tick-at-scale.md). Teams not listed (their fetch failed) keep their rows. A
 * row given twice counts once (the last). Throws what the database throws.
 */
export async function replaceTeamRows<Row extends { issue_id: string; team_key: string }>(
  db: Kysely<Database>,
  spec: TeamRowsTable<Row>,
  teamKeys: readonly string[],
  rows: readonly Row[],
): Promise<void> {
  const unique = [...new Map(rows.map((row) => [row.issue_id, row])).values()];
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const columns = ['issue_id', ...Object.keys(spec.compared), spec.since];
  const types: Record<string, string> = { ...(spec.compared as Record<string, string>) };
  const table = sql.table(spec.table);
  const value = (column: string) => {
    const text = postgres ? sql`e->>${sql.lit(column)}` : sql`value->>${sql.lit(column)}`;
    return types[column] === 'integer' && postgres ? sql`CAST(${text} AS integer)` : text;
  };
  const staged = (json: string) =>
    postgres ? sql`jsonb_array_elements(CAST(${json} AS jsonb)) AS e` : sql`json_each(${json})`;
  const rowsJson = JSON.stringify(unique);
  const teamsJson = JSON.stringify(teamKeys);
  const teams = postgres
    ? sql`SELECT jsonb_array_elements_text(CAST(${teamsJson} AS jsonb))`
    : sql`SELECT value FROM json_each(${teamsJson})`;
  const differs = postgres ? sql.raw('IS DISTINCT FROM') : sql.raw('IS NOT');
  const compared = Object.keys(spec.compared);
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

  await db.transaction().execute(async (trx) => {
    await sql`
      DELETE FROM ${table}
      WHERE team_key IN (${teams})
        AND issue_id NOT IN (SELECT ${value('issue_id')} FROM ${staged(rowsJson)})
    `.execute(trx);
    if (unique.length === 0) return;
    // `WHERE true` lets SQLite tell the upsert's ON CONFLICT from a join constraint.
    await sql`
      INSERT INTO ${table} (${sql.join(columns.map((column) => sql.ref(column)))})
      SELECT ${sql.join(columns.map(value))} FROM ${staged(rowsJson)} WHERE true
      ON CONFLICT (issue_id) DO UPDATE SET ${updates}
      WHERE ${changed}
    `.execute(trx);
  });
}
