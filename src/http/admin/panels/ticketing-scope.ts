import { html } from 'hono/html';
import type { Mapping } from '../../../domain/mapping.ts';
import type { Html } from '../render-helpers.ts';

/**
 * Which tracker a mapping watches and what of it: a Linear team, a Jira JQL, or a GitHub
 * repository's issues (the mapping's own repository unless `ticketingConfig.repository` says
 * another). Shown by the Projects and the Models & providers panels.
 */
export function ticketingScope(mapping: Mapping): Html {
  const config = mapping.ticketingConfig;
  if (config.kind === 'jira') return html`jira <code class="muted">${config.jql}</code>`;
  if (config.kind === 'github') {
    const repository = config.repository ?? `${mapping.owner}/${mapping.repo}`;
    return html`github <span class="muted">issues of ${repository}</span>`;
  }
  return html`linear <span class="muted">team ${mapping.teamKey}</span>`;
}
