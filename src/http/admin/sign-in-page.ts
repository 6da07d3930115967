import { html } from 'hono/html';
import { document } from './layout.ts';
import type { Html } from './render-helpers.ts';

/** Where a signed-in operator lands when nothing else was asked for. */
export const HOME = '/admin/overview';

export interface SignInMessage {
  tone: 'error' | 'info';
  text: string;
}

/** The sign-in form: one access code (ADMIN_ACCESS_CODE), posted to /admin/sign-in. */
export function signInPage(options: { next: string; message?: SignInMessage | undefined }): Html {
  const { message } = options;
  return document(
    'Sign in',
    '',
    html`<main id="main" class="sign-in">
      <h1>AI-Implement</h1>
      <p class="lead">Sign in with the orchestrator's access code (<code>ADMIN_ACCESS_CODE</code>).</p>
      ${
        message
          ? html`<p
              class="message message-${message.tone}"
              role="${message.tone === 'error' ? 'alert' : 'status'}"
            >
              ${message.text}
            </p>`
          : ''
      }
      <form method="post" action="/admin/sign-in" class="sign-in-form">
        <input type="hidden" name="next" value="${options.next}" />
        <label for="code">Access code</label>
        <input
          id="code"
          name="code"
          type="password"
          autocomplete="current-password"
          required
          autofocus
          ${message?.tone === 'error' ? html`aria-invalid="true"` : ''}
        />
        <button type="submit" class="btn btn-primary">Sign in</button>
      </form>
    </main>`,
  );
}

/**
 * The page to return to after signing in: only a path inside /admin on this server, so the
 * sign-in form cannot be turned into an open redirect (`//evil.example`, `https://…`).
 */
export function safeNext(value: string | undefined): string {
  if (!value || !value.startsWith('/admin') || value.includes('\\')) return HOME;
  try {
    const base = 'http://admin.invalid';
    const url = new URL(value, base);
    if (url.origin !== base || !/^\/admin(\/|$)/.test(url.pathname)) return HOME;
    if (url.pathname === '/admin' || url.pathname.startsWith('/admin/sign-')) return HOME;
    return url.pathname + url.search;
  } catch {
    return HOME;
  }
}
