/**
 * Polls in which a delta-polled mirror reads every team or mapping in full once (200 s at the
 * default 10 s poll): the bound on how long what stamps no issue — an issue deleted for good, a
 * label, status, project or option renamed — can go unseen. Exactness does not rest on it: a
 * ticket is dispatched only after its details are read afresh. A twentieth a poll — 500 issues
 * of 10,000 at 500 × 20 — keeps what a steady poll reads, checks and throws away to about what
 * the delta and the in-flight states bring.
 */
export const RESYNC_POLLS = 20;

/**
 * The `⌈items / polls⌉` items from `start` (wrapping around): the part of a delta-polled mirror
 * read in full this poll, so every item is read in full once in `polls` polls. Empty for no items.
 */
export function rollingSlice<T>(items: readonly T[], polls: number, start: number): T[] {
  if (items.length === 0) return [];
  const size = Math.ceil(items.length / Math.max(1, polls));
  return Array.from({ length: size }, (_, i) => items[(start + i) % items.length] as T);
}
