import { requirePg } from './pg-driver.ts';

/**
 * Advisory-lock key spaces (the first of PostgreSQL's two int4 keys): the leader lock and the
 * named locks below never collide with each other, nor with a lock another tool takes with the
 * one-bigint form (PostgreSQL keeps the two forms apart). Advisory locks are per database, so two
 * tenants on one server with a database each never meet either.
 */
export const LOCK_SPACE = { leader: 0x4149_0001, named: 0x4149_0002 } as const;

/**
 * A lock that holds across every replica on one PostgreSQL database: `run(key, work)` runs `work`
 * while no other replica runs work under the same key. Keys are hashed to int4 (`hashtext`), so
 * two keys may rarely share a lock: they then wait for each other, never run together wrongly.
 */
export interface ReplicaLocks {
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Named locks as PostgreSQL session advisory locks (`pg_advisory_lock(space, hashtext(key))`,
 * https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-ADVISORY-LOCKS), each
 * held on a connection of a small pool of their own while `work` runs its queries on the store's
 * pool: a transaction-level lock would need `work` to run inside that transaction, and the
 * store's functions open transactions of their own. The separate pool means lock holders can never
 * take all the connections their own work needs. A connection lost while holding a lock releases
 * it (the server ends the session); `work` goes on, and the ledger's conditional writes and unique
 * indexes remain the last line (docs/decisions/replicas.md).
 *
 * `connectionString` must reach PostgreSQL in session mode (not PgBouncer transaction mode).
 */
export function createReplicaLocks(connectionString: string, onError: (error: Error) => void): ReplicaLocks {
  const pool = new (requirePg().Pool)({ connectionString, max: 4, keepAlive: true });
  pool.on('error', onError);
  return {
    async run(key, work) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('select pg_advisory_lock($1, hashtext($2))', [LOCK_SPACE.named, key]);
        return await work();
      } finally {
        try {
          await client.query('select pg_advisory_unlock($1, hashtext($2))', [LOCK_SPACE.named, key]);
        } catch (error) {
          // The session is gone, and its locks with it.
          broken = true;
          onError(error as Error);
        }
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
