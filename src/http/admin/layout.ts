import type { Context } from 'hono';
import { html } from 'hono/html';
import { assetUrl } from './assets.ts';
import type { Html } from './render-helpers.ts';

/** One entry of the sidebar: the panel's path under /admin and its label. */
export interface NavItem {
  path: string;
  label: string;
}

/** The sidebar in the seed's four groups, panels in the seed's order (seed 002). */
export const NAV: { group: string; items: NavItem[] }[] = [
  {
    group: 'Work',
    items: [
      { path: 'overview', label: 'Overview' },
      { path: 'issues', label: 'Issues' },
      // The dispatch log is `jobs` inside; the seed's sidebar calls it Pipelines.
      { path: 'jobs', label: 'Pipelines' },
      { path: 'pulls', label: 'Pull requests' },
      { path: 'blockers', label: 'Blockers' },
      { path: 'analytics', label: 'Analytics' },
    ],
  },
  {
    group: 'Configure',
    items: [
      { path: 'projects', label: 'Projects' },
      { path: 'pipelines-steps', label: 'Pipelines & steps' },
      { path: 'models', label: 'Models & providers' },
    ],
  },
  {
    group: 'Platform',
    items: [
      { path: 'runners', label: 'Runners' },
      { path: 'sessions', label: 'Sessions' },
      { path: 'reaper', label: 'Reaper' },
      { path: 'secrets', label: 'Secrets' },
      { path: 'settings', label: 'Settings' },
    ],
  },
  {
    group: 'Developer',
    items: [
      { path: 'audit-log', label: 'Audit log' },
      { path: 'customizations', label: 'Customizations' },
      { path: 'api-reference', label: 'API reference' },
    ],
  },
];

export interface PageOptions {
  title: string;
  /** The sidebar entry to mark as current (a NAV path). */
  active: string;
  /** The session's CSRF token, for the page script and the sign-out form. */
  csrf: string;
  body: Html;
  /** A line under the title. */
  lead?: string;
  /** Extra page scripts (the stepper). */
  scripts?: 'stepper.js'[];
  /**
   * CLIENT_SLUG: whose orchestrator this is, under the brand and in the window title, so an
   * operator of several clients' orchestrators sees which one a page belongs to.
   */
  tenant?: string | undefined;
}

/** What a panel renders: the page shell adds sidebar, CSRF token and sign-out. */
export type PanelContent = Pick<PageOptions, 'title' | 'lead' | 'body' | 'scripts'>;

/** The signed-in page shell: skip link, sidebar with sign-out, main region with the panel. */
export function renderPage(options: PageOptions): Html {
  return document(
    options.tenant ? `${options.title} · ${options.tenant}` : options.title,
    html`<meta name="csrf-token" content="${options.csrf}" />
      <script src="${assetUrl('admin.js')}" defer></script>
      ${(options.scripts ?? []).map((name) => html`<script src="${assetUrl(name)}" defer></script>`)}`,
    html`<a class="skip-link" href="#main">Skip to content</a>
      <div class="shell">
        <nav class="sidebar" aria-label="Admin panels">
          <a class="brand" href="/admin/overview">AI-Implement</a>
          ${
            options.tenant
              ? html`<p class="tenant" title="CLIENT_SLUG">Client <strong>${options.tenant}</strong></p>`
              : ''
          }
          ${NAV.map(
            (group) =>
              html`<h2 class="nav-group">${group.group}</h2>
                <ul class="nav-list">
                  ${group.items.map(
                    (item) =>
                      html`<li>
                        <a
                          href="/admin/${item.path}"
                          ${item.path === options.active ? html`aria-current="page"` : ''}
                          >${item.label}</a
                        >
                      </li>`,
                  )}
                </ul>`,
          )}
          <form method="post" action="/admin/sign-out" class="sign-out">
            <input type="hidden" name="csrf" value="${options.csrf}" />
            <button type="submit" class="btn btn-quiet">Sign out</button>
          </form>
        </nav>
        <main id="main" tabindex="-1">
          <header class="page-header">
            <h1>${options.title}</h1>
            ${options.lead ? html`<p class="lead">${options.lead}</p>` : ''}
          </header>
          <div id="flash" class="flash" role="status" aria-live="polite"></div>
          ${options.body}
        </main>
      </div>`,
  );
}

/** The whole HTML document around a body: used by the shell and by the sign-in page. */
export function document(title: string, head: Html | string, body: Html): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <link rel="icon" href="data:," />
        <title>${title} · AI-Implement</title>
        <link rel="stylesheet" href="${assetUrl('admin.css')}" />
        <link rel="stylesheet" href="${assetUrl('admin-forms.css')}" />
        ${head}
      </head>
      <body>
        ${body}
      </body>
    </html>`;
}

/**
 * Headers for every admin page: no inline script or style may run (everything is served from
 * /admin/assets), no framing, no caching of pages that show live data, and no referrer leaking
 * admin URLs to ticket or GitHub links.
 */
export function setPageHeaders(c: Context): void {
  c.header(
    'Content-Security-Policy',
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
      "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('X-Frame-Options', 'DENY');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('Cache-Control', 'no-store');
}
