/**
 * Slows down repeated wrong access codes per client address: after the n-th consecutive
 * failure the client must wait 2^(n-1) × `baseDelayMs` (capped at `maxDelayMs`) before its next
 * try is even checked. A success clears the record. Memory is bounded: entries older than the
 * longest delay are dropped as new failures come in.
 */
export interface SignInThrottle {
  /** Milliseconds the client must still wait, or 0 when it may try now. */
  waitMs(client: string): number;
  recordFailure(client: string): void;
  recordSuccess(client: string): void;
}

export function createSignInThrottle(
  clock: () => number,
  options: { baseDelayMs: number; maxDelayMs: number; maxClients: number } = {
    baseDelayMs: 500,
    maxDelayMs: 60_000,
    maxClients: 10_000,
  },
): SignInThrottle {
  const failures = new Map<string, { count: number; lastAt: number }>();
  const delay = (count: number) => Math.min(options.baseDelayMs * 2 ** (count - 1), options.maxDelayMs);
  return {
    waitMs(client) {
      const entry = failures.get(client);
      if (!entry) return 0;
      return Math.max(0, entry.lastAt + delay(entry.count) - clock());
    },
    recordFailure(client) {
      const now = clock();
      if (failures.size >= options.maxClients) {
        for (const [key, entry] of failures)
          if (now - entry.lastAt > options.maxDelayMs) failures.delete(key);
      }
      const count = (failures.get(client)?.count ?? 0) + 1;
      failures.set(client, { count, lastAt: now });
    },
    recordSuccess(client) {
      failures.delete(client);
    },
  };
}
