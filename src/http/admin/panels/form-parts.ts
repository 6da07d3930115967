import { html } from 'hono/html';
import type { Html } from '../render-helpers.ts';

/**
 * Pieces of plain HTML forms that post to /admin/… and work without JavaScript: the session's
 * CSRF field, a labelled input with its inline error, and a notice line.
 */

/** The hidden CSRF field every admin form sends (checked by platform-forms.ts). */
export function csrfField(csrf: string): Html {
  return html`<input type="hidden" name="csrf" value="${csrf}" />`;
}

/** A labelled text or password input; `error` shows under it and marks it invalid. */
export function inputField(options: {
  id: string;
  name: string;
  label: string;
  value?: string | undefined;
  error?: string | undefined;
  help?: string | undefined;
  type?: 'text' | 'password';
  required?: boolean;
}): Html {
  const describedBy = [options.help ? `${options.id}-help` : '', options.error ? `${options.id}-err` : '']
    .filter(Boolean)
    .join(' ');
  return html`<div class="field">
    <label for="${options.id}">${options.label}</label>
    <input
      id="${options.id}"
      name="${options.name}"
      type="${options.type ?? 'text'}"
      value="${options.value ?? ''}"
      autocomplete="off"
      spellcheck="false"
      ${options.required ? 'required' : ''}
      ${options.error ? html`aria-invalid="true"` : ''}
      ${describedBy ? html`aria-describedby="${describedBy}"` : ''}
    />
    ${options.help ? html`<p class="help" id="${options.id}-help">${options.help}</p>` : ''}
    ${options.error ? html`<p class="field-error" id="${options.id}-err">${options.error}</p>` : ''}
  </div>`;
}

/** A status line: `info` after a change, `error` when something was refused. */
export function notice(tone: 'info' | 'error', text: string | Html): Html {
  return html`<p class="message message-${tone}" role="${tone === 'error' ? 'alert' : 'status'}">${text}</p>`;
}
