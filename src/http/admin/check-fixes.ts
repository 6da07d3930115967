import { html } from 'hono/html';
import type { PanelContent } from './layout.ts';
import { section } from './render-helpers.ts';
import { checkWords } from './words.ts';

/**
 * Where each environment check (`GET /api/admin/config-status`) is fixed (issue 19: "the
 * environment checks that need attention, each with a link to where it is fixed"). Most are
 * environment variables of the orchestrator, set where it is deployed: the set-up page below
 * says which, and where the repository's documentation explains them (the docs are not in the
 * image, so they are named, not linked). A check fixed in a panel links the panel.
 */
interface CheckFix {
  /** What to do, as a sentence. */
  how: string;
  /** The variables to set (`fly secrets set …` on Fly.io). */
  variables: string[];
  /** The repository's documentation of it: file and section. */
  doc: string;
  /** The admin panel (and field) where it is fixed, when there is one. */
  panel?: { href: string; text: string };
}

const FIXES: Record<string, CheckFix> = {
  'ticketing:linear': {
    how: 'Give the orchestrator a Linear personal API key that sees every team you map.',
    variables: ['LINEAR_API_KEY'],
    doc: 'docs/deploy.md, “2. Ticket trackers and Claude”',
  },
  'ticketing:jira': {
    how: 'Give the orchestrator an Atlassian API token and the site it belongs to.',
    variables: ['JIRA_TOKEN', 'JIRA_CLOUD_ID (or JIRA_EMAIL and JIRA_SITE_URL)'],
    doc: 'docs/deploy.md, “2. Ticket trackers and Claude”',
  },
  'github-app': {
    how: 'Create the GitHub App, install it on the repositories AI-Implement works on, and give the orchestrator its id and private key.',
    variables: ['GITHUB_APP_ID', 'GITHUB_APP_PRIVATE_KEY'],
    doc: 'docs/deploy.md, “1. The GitHub App”',
  },
  'github-ci': {
    how: 'Grant the GitHub App Checks and Commit statuses (read) and subscribe it to the Check suite and Status events, then accept the new permissions on each installation.',
    variables: [],
    doc: 'docs/deploy.md, “1. The GitHub App”',
  },
  'runner-callback': {
    how: 'Tell runners where to report and how their tokens are signed.',
    variables: ['RUNNER_CALLBACK_BASE_URL', 'RUNNER_TOKEN_SECRET'],
    doc: 'docs/deploy.md, “4. Secrets”',
  },
  'github-webhook': {
    how: 'Set the GitHub App’s webhook to /api/github/webhook with a secret, and give the orchestrator the same secret.',
    variables: ['GITHUB_WEBHOOK_SECRET'],
    doc: 'docs/deploy.md, “1. The GitHub App”',
  },
  'linear-webhook': {
    how: 'Add a Linear webhook to /api/linear/webhook and give the orchestrator its signing secret.',
    variables: ['LINEAR_WEBHOOK_SECRET'],
    doc: 'docs/tracker-webhooks.md, “Linear”',
  },
  'jira-webhook': {
    how: 'Add a Jira webhook to /api/jira/webhook and give the orchestrator its secret.',
    variables: ['JIRA_WEBHOOK_SECRET'],
    doc: 'docs/tracker-webhooks.md, “Jira”',
  },
  polling: {
    how: 'Polling always works; tracker webhooks make pickups immediate.',
    variables: ['POLL_INTERVAL_MS', 'RECONCILE_INTERVAL_MS'],
    doc: 'docs/tracker-webhooks.md, “Polling as the safety net”',
  },
  'fly-sessions': {
    how: 'Name the Fly app that runs sessions (the setting, or the variable, which wins) and give the orchestrator a token for it.',
    variables: ['FLY_SESSIONS_TOKEN', 'FLY_SESSIONS_APP'],
    doc: 'docs/fly-machines.md, “1. The sessions app” and “2. Its token”',
    panel: { href: '/admin/settings#setting-flySessionsApp', text: 'Settings: Fly sessions app' },
  },
  'gap-fill-trigger': {
    how: 'Give the orchestrator the bearer secret comment-trigger.yml sends, and the same secret to the repositories’ workflow.',
    variables: ['GAP_FILL_TRIGGER_SECRET'],
    doc: 'README.md, “Configuration”',
  },
};

/** The anchor of a check on the set-up page. */
function anchorOf(name: string): string {
  return `fix-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/**
 * Where to fix check `name`: its panel when one fixes it, else its section of the set-up page;
 * undefined for a check this page does not know.
 */
export function checkFixLink(name: string): { href: string; text: string } | undefined {
  const fix = FIXES[name];
  if (!fix) return undefined;
  return fix.panel ?? { href: `/admin/setup#h-${anchorOf(name)}`, text: 'How to fix' };
}

/** `/admin/setup`: what each environment check needs, reached from a check that needs attention. */
export function setupPanel(): PanelContent {
  return {
    title: 'Set-up guide',
    lead: 'What each environment check on the Overview needs, and where it is set.',
    body: html`<p>
        Most checks are fixed by environment variables of the orchestrator, set where it runs (on Fly.io:
        <code>fly secrets set NAME=value</code>), then a restart. The
        <a href="/admin/overview#h-environment-status">Overview</a> shows how each check stands now.
      </p>
      ${Object.entries(FIXES).map(([name, fix]) =>
        section(
          checkWords(name),
          html`<p>${fix.how}</p>
            ${
              fix.variables.length > 0
                ? html`<p>
                    Set: ${fix.variables.map((v, i) => html`${i > 0 ? ', ' : ''}<code>${v}</code>`)}
                  </p>`
                : ''
            }
            ${fix.panel ? html`<p>In this UI: <a href="${fix.panel.href}">${fix.panel.text}</a></p>` : ''}
            <p class="muted">Documented in ${fix.doc}.</p>`,
          anchorOf(name),
        ),
      )}`,
  };
}
