/**
 * `items` in consecutive slices of at most `size`: IN lists and multi-row inserts are cut to stay
 * far below SQLite's (32,766) and PostgreSQL's (65,535) bound-parameter limits.
 */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const slices: T[][] = [];
  for (let start = 0; start < items.length; start += size) slices.push(items.slice(start, start + size));
  return slices;
}
