import { html } from 'hono/html';
import { readPageRequest, type PageRequest } from '../api/cursor.ts';
import type { Html } from './render-helpers.ts';

/**
 * Rows per page on the long panels (Issues, Pull requests, Blockers, Audit log, Projects): a page
 * of 100 keeps a panel readable and its render well under 100 ms (bench/README.md).
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
