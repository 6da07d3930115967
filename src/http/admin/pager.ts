import { html } from 'hono/html';
import { readPageRequest, type PageRequest } from '../api/cursor.ts';
import type { Html } from './render-helpers.ts';

/**
 * Rows per page on the long panels (Issues, Pull requests, Blockers, Audit log): a page of 100
 * keeps a panel readable and its render well under 100 ms (bench/README.md).
 */
export const PAGE_SIZE = 100;

/**
 * The keyset page a panel shows: `?cursor=` from its "Next" link (`PAGE_SIZE` rows, or
 * `defaultLimit`); a cursor that does not parse shows the first page rather than an error page.
 */
export function panelPage(query: URLSearchParams, arity: number, defaultLimit = PAGE_SIZE): PageRequest {
  const cursorOnly = new URLSearchParams();
  const cursor = query.get('cursor');
  if (cursor) cursorOnly.set('cursor', cursor);
  const read = readPageRequest(cursorOnly, { defaultLimit, max: defaultLimit, arity });
  return read.ok ? read.page : { limit: defaultLimit, after: undefined };
}

/** "First page" and "Next →" links over keyset pages; nothing when everything fits on one page. */
export function cursorPager(path: string, page: PageRequest, nextCursor: string | null): Html | string {
  if (!page.after && nextCursor === null) return '';
  return html`<nav class="pager" aria-label="Pages">
    ${page.after ? html`<a class="btn btn-small" href="${path}" rel="first">← First page</a>` : ''}
    ${
      nextCursor === null
        ? ''
        : html`<a class="btn btn-small" href="${path}?cursor=${encodeURIComponent(nextCursor)}" rel="next"
            >Next →</a
          >`
    }
  </nav>`;
}

export interface Page<T> {
  rows: T[];
  /** 1-based. */
  page: number;
  pages: number;
  total: number;
  /** Index of the first row shown, 0-based. */
  offset: number;
}

/** The `?page=` slice of `rows`; a missing, malformed or out-of-range page falls back to the nearest. */
export function pageOf<T>(rows: T[], query: URLSearchParams, size = PAGE_SIZE): Page<T> {
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const asked = Number.parseInt(query.get('page') ?? '1', 10);
  const page = Number.isFinite(asked) ? Math.min(Math.max(1, asked), pages) : 1;
  const offset = (page - 1) * size;
  return { rows: rows.slice(offset, offset + size), page, pages, total: rows.length, offset };
}

/** "Showing 101–200 of 3,000" with Previous/Next links; nothing when everything fits on one page. */
export function pager(path: string, page: Page<unknown>): Html | string {
  if (page.pages <= 1) return '';
  const link = (target: number, label: string, rel: string) =>
    html`<a class="btn btn-small" href="${path}?page=${target}" rel="${rel}">${label}</a>`;
  return html`<nav class="pager" aria-label="Pages">
    <span
      >Showing ${page.offset + 1}–${page.offset + page.rows.length} of ${page.total.toLocaleString('en-US')}
      (page ${page.page} of ${page.pages})</span
    >
    ${page.page > 1 ? link(page.page - 1, '← Previous', 'prev') : ''}
    ${page.page < page.pages ? link(page.page + 1, 'Next →', 'next') : ''}
  </nav>`;
}
