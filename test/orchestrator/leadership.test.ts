import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLeaderElection, type Leadership } from '../../src/orchestrator/leadership.ts';
import { createWorkQueue } from '../../src/orchestrator/follow-ups/work-queue.ts';
import { createReplicaLocks } from '../../src/store/replica-locks.ts';
import { eventually } from '../e2e/orchestrator-process.ts';
import { freshDatabase, startPostgres, type PostgresServer } from '../support/postgres-server.ts';

/** Leader election and replica locks on a real PostgreSQL (docs/decisions/replicas.md). */
describe('leadership on PostgreSQL', () => {
  let server: PostgresServer;
  let url: string;
  const started: Leadership[] = [];

  beforeAll(async () => {
    server = await startPostgres();
    url = await freshDatabase(server, 'leaders');
  }, 60_000);

  afterAll(async () => {
    await Promise.all(started.map((leadership) => leadership.stop()));
    await server?.stop();
  });

  function replica(name: string) {
    const ticks: string[] = [];
    const leadership = startLeaderElection({
      connectionString: url,
      checkIntervalMs: 200,
      logger: pino({ level: 'silent' }),
      tickNow: () => ticks.push(name),
    });
    started.push(leadership);
    return { name, leadership, ticks };
  }

  async function query<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<T>(text)).rows;
    } finally {
      await client.end();
    }
  }

  it('elects one leader; a follower takes over when the leader session dies or steps down', async () => {
    const a = replica('a');
    const b = replica('b');
    const leaderOf = async () => {
      const leading = [a, b].filter((r) => r.leadership.isLeader());
      return leading.length === 1 ? leading[0] : undefined;
    };
    const first = await eventually('one leader', leaderOf, 10_000);
    const second = first === a ? b : a;
    expect(await first.leadership.confirm()).toBe(true);
    expect(await second.leadership.confirm()).toBe(false);

    // A follower's tick request reaches the leader (NOTIFY), not its own poller.
    second.leadership.requestTick();
    await eventually('the tick request at the leader', async () =>
      first.ticks.length > 0 ? true : undefined,
    );
    expect(second.ticks).toEqual([]);

    // The leader's session is killed on the server: it stops leading at once; one replica leads
    // again within the check interval (either: the killed one reconnects and tries too).
    const changes: boolean[] = [];
    first.leadership.onChange((leads) => changes.push(leads));
    const killed = await query<{ ok: boolean }>(`select pg_terminate_backend(pid) as ok from pg_locks
      where locktype = 'advisory' and objsubid = 2 and objid = 1 and granted`);
    expect(killed).toEqual([{ ok: true }]);
    await eventually('the killed leader steps down', async () =>
      changes.includes(false) ? true : undefined,
    );
    const next = await eventually('a leader again', leaderOf);
    expect(await next.leadership.confirm()).toBe(true);
    const other = next === a ? b : a;
    expect(await other.leadership.confirm()).toBe(false);

    // The new leader steps down: the old one, reconnected, leads again.
    await next.leadership.stop();
    await eventually('the other replica leads', async () => (other.leadership.isLeader() ? true : undefined));
    expect(await other.leadership.confirm()).toBe(true);
  }, 30_000);

  it('runs work under one named lock at a time across connections', async () => {
    const one = createReplicaLocks(url, () => {});
    const two = createReplicaLocks(url, () => {});
    const events: string[] = [];
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = one.run('dispatch', async () => {
      events.push('first in');
      await held;
      events.push('first out');
    });
    await eventually('the first holder', async () => (events.length > 0 ? true : undefined));
    const second = two.run('dispatch', async () => void events.push('second in'));
    const other = two.run('ticket:x', async () => void events.push('other key'));
    await other;
    release();
    await Promise.all([first, second]);
    expect(events).toEqual(['first in', 'other key', 'first out', 'second in']);
    await Promise.all([one.close(), two.close()]);
  }, 30_000);

  it('runs the pull-request loop queues of two replicas one job at a time', async () => {
    const locks = [createReplicaLocks(url, () => {}), createReplicaLocks(url, () => {})];
    const logger = { error: () => {} };
    const queues = locks.map((lock) => createWorkQueue(logger, (job) => lock.run('pull-request-loop', job)));
    const events: string[] = [];
    for (const [i, queue] of queues.entries()) {
      for (const job of ['a', 'b']) {
        queue.push(`${i}${job}`, async () => {
          events.push(`${i}${job} in`);
          await new Promise((resolve) => setTimeout(resolve, 50));
          events.push(`${i}${job} out`);
        });
      }
    }
    await Promise.all(queues.map((queue) => queue.idle()));
    expect(events).toHaveLength(8);
    for (let i = 0; i < events.length; i += 2) {
      expect(events[i + 1]).toBe(events[i]!.replace(' in', ' out'));
    }
    await Promise.all(locks.map((lock) => lock.close()));
  }, 30_000);
});
