import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** How many prepared statements a connection keeps; the tick runs a few dozen distinct ones. */
export const STATEMENT_CACHE_SIZE = 500;

/**
 * `database` for Kysely's `SqliteDialect`, keeping each prepared statement by its SQL text
 * (least recently used first out, at most `size`). Kysely's SQLite driver prepares every query
 * anew (`db.prepare(sql)` per execution: https://github.com/kysely-org/kysely, sqlite-driver.ts),
 * which at 500 teams was a tenth of a steady tick's CPU; better-sqlite3 statements can be run
 * again with new parameters (https://github.com/WiseLibs/better-sqlite3/blob/master/docs/api.md#class-statement).
 * Safe because Kysely runs one query at a time on its single SQLite connection (its connection
 * mutex), so a cached statement is never asked to run while it streams rows.
 */
export function withStatementCache(
  sqlite: { close(): unknown; prepare(sql: string): SqliteStatement },
  size = STATEMENT_CACHE_SIZE,
): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => {
      statements.clear();
      sqlite.close();
    },
    prepare(sql) {
      const kept = statements.get(sql);
      if (kept) {
        // Map keeps insertion order: re-inserting makes it the most recently used.
        statements.delete(sql);
        statements.set(sql, kept);
        return kept;
      }
      const statement = sqlite.prepare(sql);
      statements.set(sql, statement);
      if (statements.size > size) statements.delete(statements.keys().next().value!);
      return statement;
    },
  };
}
