/**
 * The `⌈items / polls⌉` items from `start` (wrapping around): the part of a delta-polled mirror
 * read in full this poll, so every item is read in full once in `polls` polls. Empty for no items.
 */
export function rollingSlice<T>(items: readonly T[], polls: number, start: number): T[] {
  if (items.length === 0) return [];
  const size = Math.ceil(items.length / Math.max(1, polls));
  return Array.from({ length: size }, (_, i) => items[(start + i) % items.length] as T);
}
