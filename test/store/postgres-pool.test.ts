import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openStore } from '../../src/store/database.ts';
import { startPostgres, type PostgresServer } from '../support/postgres-server.ts';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(() => server?.stop());

it('reports a pool connection the server dropped, and goes on with a new one', async () => {
  const errors: Error[] = [];
  const store = await openStore(
    { kind: 'postgres', connectionString: server.connectionString },
    { onPoolError: (error) => errors.push(error) },
  );
  try {
    await sql`select 1`.execute(store.db); // leaves an idle client in the pool
    const admin = new pg.Client({ connectionString: server.connectionString });
    await admin.connect();
    await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where pid <> pg_backend_pid() and datname = current_database()',
    );
    await admin.end();
    await expect.poll(() => errors.length).toBeGreaterThan(0);
    expect(errors[0]!.message).toMatch(/terminat/i);
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(store.db);
    expect(rows).toEqual([{ one: 1 }]);
  } finally {
    await store.close();
  }
});
