import { html } from 'hono/html';

/**
 * Small building blocks for server-rendered panels. Everything goes through hono/html's `html`
 * template, which escapes every interpolated value; nothing here calls raw() on data.
 */

/** A rendered fragment (hono/html). */
export type Html = ReturnType<typeof html>;

/**
 * A link target that is safe to put in `href`: only absolute http(s) URLs. Ticket, PR and
 * repository URLs come from trackers and webhooks; escaping alone would still let a
 * `javascript:` URL run when clicked.
 */
export function safeHref(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** A link out of the admin UI (new tab, no referrer), or plain text when the URL is not safe. */
export function externalLink(url: string | null | undefined, text: string | Html): Html {
  const href = safeHref(url);
  return href ? html`<a href="${href}" target="_blank" rel="noopener noreferrer">${text}</a>` : html`${text}`;
}

/** `2026-11-21 09:00 UTC`, inside `<time>` so scripts and assistive tools get the exact instant. */
export function timeCell(iso: string | null | undefined): Html {
  if (!iso) return html`<span class="muted">—</span>`;
  const shown = iso.slice(0, 16).replace('T', ' ') + ' UTC';
  return html`<time datetime="${iso}" title="${iso}">${shown}</time>`;
}

/** A duration in words: `45 s`, `3 min 20 s`, `2 h 5 min`, `3 d 4 h`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

/** A duration that the page script keeps counting up from `sinceIso` (data-since). */
export function liveDuration(sinceIso: string, seconds: number): Html {
  return html`<span data-since="${sinceIso}">${formatDuration(seconds)}</span>`;
}

/** Seconds between an ISO instant and `now`, never negative. */
export function secondsSince(iso: string, now: Date): number {
  return Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
}

const BADGE_TONES: Record<string, string> = {
  running: 'info',
  pending: 'info',
  started: 'info',
  skipped: 'neutral',
  planning: 'info',
  implementing: 'info',
  succeeded: 'ok',
  completed: 'ok',
  pr_open: 'ok',
  plan_approved: 'ok',
  active: 'ok',
  ok: 'ok',
  anthropic: 'neutral',
  bedrock: 'neutral',
  failed: 'bad',
  planning_failed: 'bad',
  review_failed: 'bad',
  missing: 'bad',
  error: 'bad',
  paused: 'warn',
  waiting_for_input: 'warn',
  awaiting_plan_approval: 'warn',
  planning_pending: 'warn',
  capacity: 'warn',
  dedup: 'warn',
  breaker: 'bad',
};

/** A status word in a coloured pill; the colour only repeats the word, never replaces it. */
export function badge(status: string, label: string = status.replaceAll('_', ' ')): Html {
  const tone = BADGE_TONES[status] ?? 'neutral';
  return html`<span class="badge badge-${tone}">${label}</span>`;
}

export interface Kpi {
  label: string;
  value: string | number;
  hint?: string | undefined;
  /** Names the value for the page script's live refresh (data-kpi). */
  key?: string;
  /** Names the hint for the live refresh. */
  hintKey?: string;
}

/** A row of KPI cards. */
export function kpiCards(cards: Kpi[]): Html {
  return html`<ul class="kpis">
    ${cards.map(
      (card) =>
        html`<li class="kpi">
          <span class="kpi-value" ${card.key ? html`data-kpi="${card.key}"` : ''}>${card.value}</span
          ><span class="kpi-label">${card.label}</span>
          ${
            card.hint
              ? html`<span class="kpi-hint" ${card.hintKey ? html`data-kpi="${card.hintKey}"` : ''}
                  >${card.hint}</span
                >`
              : ''
          }
        </li>`,
    )}
  </ul>`;
}

/** The plain statement a panel shows instead of data its backend cannot give yet. */
export function notAvailable(what: string, arrivesWith: string): Html {
  return html`<p class="not-available">
    <strong>Not available yet:</strong> ${what} — arrives with ${arrivesWith}.
  </p>`;
}

/** A table row spanning every column, for empty tables. */
export function emptyRow(columns: number, text: string | Html): Html {
  return html`<tr>
    <td colspan="${columns}" class="empty">${text}</td>
  </tr>`;
}

/** A section with a heading (h2), for panels with several parts. */
export function section(title: string, body: Html, id?: string): Html {
  const headingId = `h-${(id ?? title).toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return html`<section aria-labelledby="${headingId}">
    <h2 id="${headingId}">${title}</h2>
    ${body}
  </section>`;
}

/**
 * A button the page script turns into a JSON API call with the session's CSRF token
 * (assets/admin.js): `method` and `path` of the API route, optional JSON `body`, optional
 * confirmation question, and `then`: `reload` (default), `remove-row` (the button's table row), or
 * `message` (show the server's answer and stay).
 */
export function apiButton(options: {
  label: string;
  method: 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  confirm?: string;
  then?: 'reload' | 'remove-row' | 'message';
  tone?: 'danger' | 'default';
  accessibleLabel?: string;
}): Html {
  return html`<button
    type="button"
    class="btn btn-small${options.tone === 'danger' ? ' btn-danger' : ''}"
    data-api-method="${options.method}"
    data-api-path="${options.path}"
    ${options.body === undefined ? '' : html`data-api-body="${JSON.stringify(options.body)}"`}
    ${options.confirm ? html`data-confirm="${options.confirm}"` : ''}
    data-then="${options.then ?? 'reload'}"
    ${options.accessibleLabel ? html`aria-label="${options.accessibleLabel}"` : ''}
  >
    ${options.label}
  </button>`;
}

/** A capacity meter for `inProgress` of `cap` runs; its text is the fallback for assistive tech. */
export function capacityMeter(entry: { inProgress: number; cap: number }): Html {
  return html`<meter
    min="0"
    max="${entry.cap}"
    value="${Math.min(entry.inProgress, entry.cap)}"
    high="${entry.cap}"
  >
    ${entry.inProgress} of ${entry.cap}
  </meter>`;
}

/** Dollars as the panels show them (`$0.42`, `$12.30`); `—` when unknown. */
export function formatUsd(usd: number | null | undefined): string {
  return usd === null || usd === undefined ? '—' : `$${usd.toFixed(2)}`;
}
