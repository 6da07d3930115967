import { z } from 'zod';
import type { FieldError } from '../validation.ts';

/**
 * Keyset pagination for the list endpoints and panels (docs/decisions/tick-at-scale.md): a page
 * is `?limit=` rows after `?cursor=`, the cursor being the sort key of the last row of the
 * previous page (`nextCursor` of its response), so a page costs the same at row 100,000 as at
 * row 1. The cursor is opaque to clients: base64url of a JSON array of the key's values.
 */

/** Rows of one page, and the sort key to continue after (undefined: the first page). */
export interface PageRequest {
  limit: number;
  after: (string | number)[] | undefined;
}

const KeySchema = z
  .array(z.union([z.string(), z.number()]))
  .min(1)
  .max(4);

/** The cursor that continues after a row whose sort key is `key`. */
export function encodeCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** `?limit=`: a whole number 1…`max` (default `defaultLimit`), or the field error that says so. */
export function readLimit(
  query: URLSearchParams,
  options: { defaultLimit: number; max: number },
): { ok: true; limit: number } | { ok: false; error: FieldError } {
  const raw = query.get('limit');
  const limit = raw === null ? options.defaultLimit : /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > options.max) {
    return {
      ok: false,
      error: { field: 'limit', message: `must be a whole number from 1 to ${options.max}` },
    };
  }
  return { ok: true, limit };
}

/**
 * `?limit=` (1…`max`, default `defaultLimit`) and `?cursor=` (from a previous `nextCursor`, with
 * `arity` values) of a query; a field error names what is wrong instead.
 */
export function readPageRequest(
  query: URLSearchParams,
  options: { defaultLimit: number; max: number; arity: number },
): { ok: true; page: PageRequest } | { ok: false; error: FieldError } {
  const read = readLimit(query, options);
  if (!read.ok) return read;
  const { limit } = read;
  const rawCursor = query.get('cursor');
  if (rawCursor === null || rawCursor === '') return { ok: true, page: { limit, after: undefined } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(rawCursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const key = KeySchema.safeParse(parsed);
  if (!key.success || key.data.length !== options.arity) {
    return {
      ok: false,
      error: { field: 'cursor', message: 'is not a cursor this endpoint returned (use nextCursor as it is)' },
    };
  }
  return { ok: true, page: { limit, after: key.data } };
}

/** `nextCursor` for a page read with `limit + 1` rows: the key of its last row when more follow. */
export function nextCursorOf<T>(
  rows: T[],
  limit: number,
  keyOf: (row: T) => (string | number)[],
): { rows: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows, nextCursor: null };
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: encodeCursor(keyOf(page.at(-1)!)) };
}
