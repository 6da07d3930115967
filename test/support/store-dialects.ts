import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type Store } from '../../src/store/database.ts';
import { freshDatabase, startPostgres } from './postgres-server.ts';

/**
 * One dialect the store tests run against; `open` gives a fresh, migrated, empty database.
 * PostgreSQL's `open` throws a clear error where the server is not installed: the tests fail,
 * never skip (`.ci/run` installs it).
 */
export interface DialectUnderTest {
  name: 'sqlite' | 'postgres';
  open(): Promise<Store>;
  shutdown(): Promise<void>;
}

/** SQLite (a temp file, as in production) and PostgreSQL (a throw-away server), for `describe.each`. */
export function storeDialects(): DialectUnderTest[] {
  let server: Awaited<ReturnType<typeof startPostgres>> | undefined;
  let databases = 0;
  const sqlite: DialectUnderTest = {
    name: 'sqlite',
    async open() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-implement-store-'));
      return openStore({ kind: 'sqlite', path: path.join(dir, 'test.sqlite') });
    },
    async shutdown() {},
  };
  const postgres: DialectUnderTest = {
    name: 'postgres',
    async open() {
      server ??= await startPostgres();
      // A fresh database per test keeps tests independent without restarting the server.
      return openStore({
        kind: 'postgres',
        connectionString: await freshDatabase(server, `t${++databases}`),
      });
    },
    async shutdown() {
      await server?.stop();
      server = undefined;
    },
  };
  return [sqlite, postgres];
}
