import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { requirePg } from './pg-driver.ts';
import { migrations } from './migrations/index.ts';
import { withStatementCache } from './statement-cache.ts';
import type { Database } from './schema.ts';

/** Where the ledger lives: the embedded SQLite file (default), or a PostgreSQL server. */
export type StoreLocation = { kind: 'sqlite'; path: string } | { kind: 'postgres'; connectionString: string };

/** An open, migrated database. `close()` releases the file or the pool. */
export interface Store {
  db: Kysely<Database>;
  dialect: StoreLocation['kind'];
  close(): Promise<void>;
}

/** Options of `openStore`. */
export interface StoreOptions {
  /**
   * Called with an error a PostgreSQL pool reports outside any query: an idle connection the
   * server dropped (restart, failover, idle timeout). The pool replaces the connection on the next
   * query, so this is for the log. Default: one line on stderr.
   */
  onPoolError?: (error: Error) => void;
}

/**
 * Opens the database and applies pending migrations. SQLite runs in WAL mode with a busy
 * timeout, so readers (the admin UI) never block the poll tick's writes.
 * Throws when a migration fails; the error names the migration.
 */
export async function openStore(location: StoreLocation, options: StoreOptions = {}): Promise<Store> {
  const db = new Kysely<Database>({ dialect: createDialect(location, options) });
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${String(error)}`, { cause: error });
  }
  return { db, dialect: location.kind, close: () => db.destroy() };
}

function createDialect(location: StoreLocation, options: StoreOptions) {
  if (location.kind === 'postgres') {
    const pool = new (requirePg().Pool)({ connectionString: location.connectionString, max: 5 });
    // An idle client dropped by the server (restart, failover) emits 'error' on the pool; with no
    // listener that would crash the process. The pool replaces the client on the next query, but
    // the operator should see it happened.
    const report =
      options.onPoolError ??
      ((error: Error) => console.error(`PostgreSQL connection lost (the pool reconnects): ${error.message}`));
    pool.on('error', (error) => report(error));
    return new PostgresDialect({ pool });
  }
  return new SqliteDialect({
    database: async () => {
      const sqlite = new BetterSqlite3(location.path);
      sqlite.pragma('journal_mode = WAL');
      // Another process (a second orchestrator by mistake, a backup) may hold the lock briefly.
      sqlite.pragma('busy_timeout = 5000');
      return withStatementCache(sqlite);
    },
  });
}
