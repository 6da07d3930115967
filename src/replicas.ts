import { Mutex } from 'async-mutex';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config/types.ts';
import { describeError } from './domain/errors.ts';
import type { OrchestratorContext } from './orchestrator/context.ts';
import { createKeyedLock } from './orchestrator/keyed-lock.ts';
import { soleLeader, startLeaderElection, type Leadership } from './orchestrator/leadership.ts';
import { openStore, type Store } from './store/database.ts';
import { createReplicaLocks } from './store/replica-locks.ts';

/** The ledger as main.ts uses it: the store, the locks the context needs, and leadership. */
export interface ReplicaStore {
  store: Store;
  /** Admission + the intent write, one at a time across every replica. */
  dispatchLock: OrchestratorContext['dispatchLock'];
  /** Marker updates of one ticket, one at a time across every replica. */
  ticketLock: OrchestratorContext['ticketLock'];
  /** The pull-request loop's jobs (webhooks, sweeps), one at a time across every replica. */
  followUpLock: (job: () => Promise<void>) => Promise<void>;
  /** Starts leader election (PostgreSQL) or declares this replica the sole leader (SQLite). */
  lead(tickNow: () => void): Leadership;
  /** Steps down, then closes the locks' connections and the store. */
  close(): Promise<void>;
}

/**
 * Opens the ledger the configuration names: PostgreSQL when DATABASE_URL is set (any number of
 * replicas; leader election on LEADER_LOCK_DATABASE_URL), else the SQLite file at DEDUP_DB_PATH
 * (one replica, always the leader). Migrations run here on both. The in-process locks stay in
 * front of the PostgreSQL ones, so one replica's own callers queue without taking connections.
 * Throws when the database cannot be opened or migrated (start-up stops, naming the migration).
 */
export async function openReplicaStore(config: Config, log: Logger): Promise<ReplicaStore> {
  const onError = (error: Error) =>
    log.error({ err: describeError(error) }, 'PostgreSQL connection lost (the pool reconnects)');
  const postgres = config.postgres;
  const store = await openStore(
    postgres
      ? { kind: 'postgres', connectionString: postgres.url }
      : // `:memory:` is SQLite's in-memory database, not a file in the working directory.
        {
          kind: 'sqlite',
          path: config.dedupDbPath === ':memory:' ? ':memory:' : path.resolve(config.dedupDbPath),
        },
    { onPoolError: onError },
  );
  const mutex = new Mutex();
  const keyed = createKeyedLock();
  if (!postgres) {
    return {
      store,
      dispatchLock: mutex,
      ticketLock: keyed,
      // One process: the loop's own queue already runs one job at a time.
      followUpLock: (job) => job(),
      lead: soleLeader,
      close: () => store.close(),
    };
  }
  log.info('ledger in PostgreSQL (DATABASE_URL); this replica serves HTTP and runs loops while it leads');
  const locks = createReplicaLocks(postgres.leaderLockUrl, onError);
  let leadership: Leadership | undefined;
  return {
    store,
    dispatchLock: { runExclusive: (work) => mutex.runExclusive(() => locks.run('dispatch', work)) },
    ticketLock: { run: (key, work) => keyed.run(key, () => locks.run(`ticket:${key}`, work)) },
    followUpLock: (job) => locks.run('pull-request-loop', job),
    lead(tickNow) {
      leadership = startLeaderElection({
        connectionString: postgres.leaderLockUrl,
        checkIntervalMs: postgres.leaderCheckIntervalMs,
        logger: log.child({ service: 'leader' }),
        tickNow,
      });
      return leadership;
    },
    async close() {
      await leadership?.stop();
      await locks.close();
      await store.close();
    },
  };
}
