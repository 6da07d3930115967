import { html } from 'hono/html';
import { REAPER_RULES } from '../../../domain/reaper-rules.ts';
import type { ReaperActionView, ReaperSummary } from '../../../orchestrator/reaper/reaper.ts';
import { emptyRow, formatDuration, kpiCards, section, timeCell, type Html } from '../render-helpers.ts';

/**
 * The Reaper panel's parts (seed 002): the 24-hour summary card by rule with the last sweep time,
 * and the recent actions with a badge saying whether each was carried out (destroyed or
 * cancelled) or only recorded (dry run).
 */

/** Each rule in words (the API keeps the rule names). */
const RULE_WORDS: Record<string, string> = {
  orphan: 'Orphaned',
  'stale-terminal-job': 'Finished, still running',
  'max-age-exceeded': 'Over the age limit',
  'issue-terminal': 'Ticket done or cancelled',
};

const RULE_HELP: Record<string, string> = {
  orphan: 'no dispatch id, or one the ledger does not know; older than 10 min',
  'stale-terminal-job': 'its run reported 10 min ago and the Machine is still there',
  'max-age-exceeded': 'older than maxJobMinutes + 15 min',
  'issue-terminal': 'its ticket is done or cancelled',
};

/**
 * The issue of a run, linked to its job page through the dispatch (`/admin/dispatches/:id`
 * redirects there); plain text when the ledger does not know the run.
 */
export function runLink(dispatchId: string | null, identifier: string | null): Html {
  if (!identifier) return html`<span class="muted">—</span>`;
  return dispatchId
    ? html`<a href="/admin/dispatches/${encodeURIComponent(dispatchId)}">${identifier}</a>`
    : html`${identifier}`;
}

export function reaperSummaryCard(summary: ReaperSummary): Html {
  return section(
    `Last ${summary.windowHours} hours`,
    html`<p>
        Last sweep:
        ${summary.lastSweepAt ? timeCell(summary.lastSweepAt) : html`<span class="muted">not yet</span>`}
        ${summary.dryRun ? html` — <span class="badge badge-warn">dry run</span> (REAPER_DRY_RUN: actions are recorded, nothing is destroyed)` : ''}
      </p>
      ${kpiCards([
        { label: 'Actions, total', value: summary.total, key: 'reaper-total' },
        ...REAPER_RULES.map((rule) => ({
          label: RULE_WORDS[rule] ?? rule,
          value: summary.byRule[rule],
          hint: RULE_HELP[rule],
          key: `reaper-${rule}`,
        })),
      ])}`,
    'reaper-summary',
  );
}

export function reaperRecentTable(actions: ReaperActionView[]): Html {
  return section(
    'Recent actions',
    html`<table class="reaper-actions">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Rule</th>
          <th scope="col">Machine / run</th>
          <th scope="col">Issue</th>
          <th scope="col">Tenant</th>
          <th scope="col">Age</th>
          <th scope="col">Outcome</th>
        </tr>
      </thead>
      <tbody>
        ${
          actions.length === 0
            ? emptyRow(
                7,
                'Nothing cleaned up yet: each sweep destroys orphaned, finished-but-running and over-age Machines and cancels overdue Actions runs; what it does shows here.',
              )
            : actions.map(
                (a) =>
                  html`<tr data-reaper-target="${a.machineId ?? a.runId ?? ''}">
                    <td>${timeCell(a.at)}</td>
                    <td title="${RULE_HELP[a.rule] ?? ''}">${RULE_WORDS[a.rule] ?? a.rule}</td>
                    <td>
                      ${a.machineId ? html`Machine <code>${a.machineId}</code>` : html`Actions run <code>${a.runId ?? '—'}</code>`}
                    </td>
                    <td>${runLink(a.dispatchId, a.issueIdentifier)}</td>
                    <td>${a.tenant ?? html`<span class="muted">—</span>`}</td>
                    <td>${formatDuration(a.ageSeconds)}</td>
                    <td>
                      ${
                        a.dryRun
                          ? html`<span class="badge badge-warn">dry run</span>`
                          : html`<span class="badge badge-bad"
                              >${a.machineId ? 'destroyed' : 'cancelled'}</span
                            >`
                      }
                    </td>
                  </tr>`,
              )
        }
      </tbody>
    </table>`,
    'reaper-recent',
  );
}
