import type { Logger } from 'pino';
import type pg from 'pg';
import { requirePg } from '../store/pg-driver.ts';
import { describeError } from '../domain/errors.ts';
import { LOCK_SPACE } from '../store/replica-locks.ts';

/** The lock's second key: one leader per database. */
const LEADER_KEY = 1;
/** The channel a follower asks the leader for a tick on (a webhook it took said work is waiting). */
const TICK_CHANNEL = 'ai_implement_tick';

/**
 * Which replica runs the periodic work (the tick, retention, the follow-up sweep, the reaper).
 * Every replica serves HTTP; only the leader runs loops (docs/decisions/replicas.md).
 */
export interface Leadership {
  /** What this replica believes now: flips to false the moment its lock connection fails. */
  isLeader(): boolean;
  /**
   * Asked at the start of each periodic run: true only while the lock is still held, checked on
   * the lock's own connection (a leader cut off from the server stops at the next tick at the
   * latest, even before TCP notices; the lock may already be another replica's).
   */
  confirm(): Promise<boolean>;
  /** Asks the leader for a tick soon: the leader itself ticks; a follower sends NOTIFY. */
  requestTick(): void;
  /** Called with `true` when this replica becomes the leader, `false` when it stops leading. */
  onChange(listener: (leader: boolean) => void): void;
  /** Releases the lock (the session ends), so a follower takes over within its check interval. */
  stop(): Promise<void>;
  /**
   * Tries to take the lock since start (0 for the sole leader): a follower makes one per check
   * interval, so "took over at its next check" can be shown without a clock (test/replicas).
   */
  checks(): number;
}

/** SQLite: one replica, always the leader. */
export function soleLeader(tickNow: () => void): Leadership {
  return {
    isLeader: () => true,
    confirm: async () => true,
    requestTick: tickNow,
    onChange: () => {},
    stop: async () => {},
    checks: () => 0,
  };
}

/** Options of {@link startLeaderElection}. */
export interface LeaderElectionOptions {
  /** A direct PostgreSQL URL: session mode, so the lock lives as long as the session. */
  connectionString: string;
  /** How often a follower (or a replica without a connection) tries again, ms. */
  checkIntervalMs: number;
  logger: Logger;
  /** The leader's tick, for a NOTIFY from a follower. */
  tickNow: () => void;
}

/**
 * Leader election by `pg_try_advisory_lock` held on one dedicated `pg.Client` (not a pooled
 * connection: a pool hands the session to other queries and may close it, and the lock belongs
 * to the session; https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS).
 * A follower tries again every `checkIntervalMs`; a replica whose client errors or ends stops
 * leading at once and reconnects on its next try. The leader LISTENs on a channel so a follower
 * that took a webhook can ask it for a tick.
 */
export function startLeaderElection(options: LeaderElectionOptions): Leadership {
  const { logger } = options;
  const listeners: ((leader: boolean) => void)[] = [];
  let client: pg.Client | undefined;
  let leader = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let attempt: Promise<void> | undefined;
  let checks = 0;

  const setLeader = (value: boolean) => {
    if (leader === value) return;
    leader = value;
    logger.info({ leader: value }, value ? 'this replica is now the leader' : 'this replica no longer leads');
    for (const listener of listeners) listener(value);
  };
  const drop = (why: string, error?: unknown) => {
    const lost = client;
    client = undefined;
    if (leader) logger.warn({ err: error ? describeError(error) : undefined }, `leader lock lost: ${why}`);
    setLeader(false);
    lost?.removeAllListeners('notification');
    void lost?.end().catch(() => undefined);
  };
  const connect = async (): Promise<pg.Client> => {
    const next = new (requirePg().Client)({
      connectionString: options.connectionString,
      keepAlive: true,
      // A confirm() that hangs on a dead network must not hold the tick longer than this.
      query_timeout: Math.max(2_000, options.checkIntervalMs),
      connectionTimeoutMillis: Math.max(2_000, options.checkIntervalMs),
    });
    next.on('error', (error) => {
      if (client === next) drop('connection error', error);
    });
    next.on('end', () => {
      if (client === next) drop('connection ended');
    });
    await next.connect();
    next.on('notification', () => {
      if (leader) options.tickNow();
    });
    return next;
  };
  const tryLead = async () => {
    checks += 1;
    try {
      client ??= await connect();
      const own = client;
      const result = await own.query<{ locked: boolean }>('select pg_try_advisory_lock($1, $2) as locked', [
        LOCK_SPACE.leader,
        LEADER_KEY,
      ]);
      if (result.rows[0]?.locked === true && client === own && !stopped) {
        await own.query(`listen ${TICK_CHANNEL}`);
        setLeader(true);
      }
    } catch (error) {
      logger.warn({ err: describeError(error) }, 'leader election: PostgreSQL did not answer; trying again');
      drop('no answer', error);
    }
  };
  const loop = () => {
    if (stopped) return;
    attempt = (leader ? Promise.resolve() : tryLead()).finally(() => {
      attempt = undefined;
      if (!stopped) timer = setTimeout(loop, options.checkIntervalMs);
    });
  };
  loop();

  return {
    isLeader: () => leader,
    async confirm() {
      const own = client;
      if (!leader || !own) return false;
      try {
        const result = await own.query<{ held: boolean }>(
          `select exists (select 1 from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()
             and classid = $1 and objid = $2 and objsubid = 2 and granted) as held`,
          [LOCK_SPACE.leader, LEADER_KEY],
        );
        if (result.rows[0]?.held === true) return true;
        drop('the lock is no longer held');
      } catch (error) {
        if (client === own) drop('the lock connection did not answer', error);
      }
      return false;
    },
    requestTick() {
      if (leader) {
        options.tickNow();
        return;
      }
      // Best effort: the leader's next scheduled tick finds the work anyway.
      client?.query(`notify ${TICK_CHANNEL}`).catch(() => undefined);
    },
    onChange: (listener) => void listeners.push(listener),
    checks: () => checks,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await attempt;
      const own = client;
      client = undefined;
      setLeader(false);
      await own?.end().catch(() => undefined);
    },
  };
}
