/**
 * Slows down guessing of the admin access code, in two layers:
 *
 * - **Per client** (the key comes from `clientKey`): after the n-th consecutive wrong code the
 *   client must wait 2^(n-1) × `baseDelayMs` (capped at `maxDelayMs`) before its next try is
 *   even checked. A success clears the record.
 * - **Globally**: at most `globalWrongPerMinute` wrong codes in any 60 s across all clients;
 *   beyond it every client waits until the oldest of them is a minute old. This bounds guessing
 *   from many addresses at once, at the price that a flood of wrong codes also delays the right
 *   one for up to a minute (docs/decisions/hardening.md).
 *
 * An attempt is counted **before** the code is compared (`begin`): parallel guesses from one
 * client find the previous one already counted and are refused, instead of all passing the wait
 * check while the slow compare runs. `settle(true)` refunds it; `settle(false)` leaves it counted.
 * Memory is bounded: client entries older than the longest delay are dropped as new ones come in.
 */
export interface SignInThrottle {
  /** Counts an attempt now, or says how long the client must wait (ms) before one is allowed. */
  begin(client: string): SignInAttempt | { allowed: false; waitMs: number };
}

/** An attempt in progress; `settle` it exactly once with whether the code was right. */
export interface SignInAttempt {
  allowed: true;
  settle(success: boolean): void;
}

export interface SignInThrottleOptions {
  baseDelayMs: number;
  maxDelayMs: number;
  maxClients: number;
  /** Wrong (or still unsettled) codes allowed across all clients in any 60 s. */
  globalWrongPerMinute: number;
}

export const DEFAULT_THROTTLE: SignInThrottleOptions = {
  baseDelayMs: 500,
  maxDelayMs: 60_000,
  maxClients: 10_000,
  globalWrongPerMinute: 30,
};

const MINUTE_MS = 60_000;

export function createSignInThrottle(
  clock: () => number,
  options: SignInThrottleOptions = DEFAULT_THROTTLE,
): SignInThrottle {
  const failures = new Map<string, { count: number; lastAt: number }>();
  // Times of wrong or unsettled attempts in the last minute, oldest first.
  let recent: number[] = [];
  const delay = (count: number) => Math.min(options.baseDelayMs * 2 ** (count - 1), options.maxDelayMs);

  const clientWait = (client: string, now: number) => {
    const entry = failures.get(client);
    return entry ? Math.max(0, entry.lastAt + delay(entry.count) - now) : 0;
  };
  const globalWait = (now: number) => {
    recent = recent.filter((at) => now - at < MINUTE_MS);
    return recent.length >= options.globalWrongPerMinute ? recent[0]! + MINUTE_MS - now : 0;
  };
  const forgetOldClients = (now: number) => {
    if (failures.size < options.maxClients) return;
    for (const [key, entry] of failures) if (now - entry.lastAt > options.maxDelayMs) failures.delete(key);
  };

  return {
    begin(client) {
      const now = clock();
      const wait = Math.max(clientWait(client, now), globalWait(now));
      if (wait > 0) return { allowed: false, waitMs: wait };
      forgetOldClients(now);
      const previous = failures.get(client);
      failures.set(client, { count: (previous?.count ?? 0) + 1, lastAt: now });
      recent.push(now);
      let settled = false;
      return {
        allowed: true,
        settle(success) {
          if (settled) return;
          settled = true;
          if (!success) return;
          failures.delete(client);
          const index = recent.indexOf(now);
          if (index >= 0) recent.splice(index, 1);
        },
      };
    },
  };
}
