import { Mutex } from 'async-mutex';

/**
 * One mutex per key (a ticket id), created on first use and dropped when idle, so unrelated
 * tickets never wait on each other. Used to serialize marker updates of one ticket: a tracker's
 * label update is read-modify-write, and two concurrent ones would leave both markers on.
 */
export interface KeyedLock {
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
}

export function createKeyedLock(): KeyedLock {
  const locks = new Map<string, { mutex: Mutex; users: number }>();
  return {
    async run(key, work) {
      const entry = locks.get(key) ?? { mutex: new Mutex(), users: 0 };
      entry.users += 1;
      locks.set(key, entry);
      try {
        return await entry.mutex.runExclusive(work);
      } finally {
        entry.users -= 1;
        if (entry.users === 0) locks.delete(key);
      }
    },
  };
}
