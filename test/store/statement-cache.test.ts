import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { withStatementCache } from '../../src/store/statement-cache.ts';

interface Schema {
  item: { id: number; name: string };
}

/** An in-memory SQLite under Kysely through the cache, counting what reaches `prepare`. */
function openCounted(size?: number) {
  const sqlite = new BetterSqlite3(':memory:');
  const prepared: string[] = [];
  const counting = {
    close: () => sqlite.close(),
    prepare: (text: string) => {
      prepared.push(text);
      return sqlite.prepare(text);
    },
  };
  const db = new Kysely<Schema>({
    dialect: new SqliteDialect({ database: withStatementCache(counting, size) }),
  });
  return { db, prepared, sqlite };
}

let opened: Kysely<Schema> | undefined;
afterEach(async () => {
  await opened?.destroy();
  opened = undefined;
});

describe('withStatementCache', () => {
  it('prepares a query once and runs it again with new parameters, reads and writes alike', async () => {
    const { db, prepared } = openCounted();
    opened = db;
    await sql`create table item (id integer primary key, name text not null)`.execute(db);
    for (let id = 1; id <= 3; id += 1) {
      await db
        .insertInto('item')
        .values({ id, name: `n${id}` })
        .execute();
    }
    const names = [];
    for (let id = 1; id <= 3; id += 1) {
      names.push((await db.selectFrom('item').select('name').where('id', '=', id).executeTakeFirst())?.name);
    }
    await db.updateTable('item').set({ name: 'x' }).where('id', '=', 2).execute();
    await db.updateTable('item').set({ name: 'y' }).where('id', '=', 3).execute();

    expect(names).toEqual(['n1', 'n2', 'n3']);
    expect(await db.selectFrom('item').select('name').orderBy('id').execute()).toEqual([
      { name: 'n1' },
      { name: 'x' },
      { name: 'y' },
    ]);
    // create, insert, select by id, update, select all: each text once.
    expect(prepared).toHaveLength(5);
    expect(new Set(prepared).size).toBe(5);
  });

  it('keeps at most `size` statements, the least recently used going first', async () => {
    const { db, prepared } = openCounted(2);
    opened = db;
    const one = sql`select 1 as v`;
    const two = sql`select 2 as v`;
    const three = sql`select 3 as v`;
    await one.execute(db);
    await two.execute(db);
    await one.execute(db); // `one` is now the most recent: `two` goes when `three` comes
    await three.execute(db);
    await one.execute(db);
    await two.execute(db);
    expect(prepared).toEqual(['select 1 as v', 'select 2 as v', 'select 3 as v', 'select 2 as v']);
  });

  it('runs a transaction and a query after a failed one on cached statements', async () => {
    const { db } = openCounted();
    opened = db;
    await sql`create table item (id integer primary key, name text not null)`.execute(db);
    const insert = (id: number) => db.insertInto('item').values({ id, name: 'a' }).execute();
    await insert(1);
    await expect(insert(1)).rejects.toThrow(/UNIQUE constraint failed/);
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('item').values({ id: 2, name: 'b' }).execute();
      await trx.insertInto('item').values({ id: 3, name: 'c' }).execute();
    });
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('item').values({ id: 4, name: 'd' }).execute();
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await db.selectFrom('item').select('id').orderBy('id').execute()).toEqual([
      { id: 1 },
      { id: 2 },
      { id: 3 },
    ]);
  });
});
