import { html } from 'hono/html';
import type { ShadowComparison, ShadowSide } from '../../../orchestrator/shadow/shadow-comparison.ts';
import {
  badge,
  externalLink,
  formatDuration,
  formatUsd,
  section,
  timeCell,
  type Html,
} from '../render-helpers.ts';

/** How many shadow runs the Pipelines panel shows (the API pages further). */
export const SHADOW_ROWS = 20;

/**
 * The Pipelines panel's shadow comparison (RUNNER_MODE=shadow): each GitHub Actions run beside
 * its Fly shadow — both outcomes, durations and costs — under a `shadow` badge. Shown only when
 * there are shadow runs, so a deployment that never used shadow mode sees nothing new.
 */
export function shadowRunsSection(runs: ShadowComparison[]): Html | '' {
  if (runs.length === 0) return '';
  return section(
    'Shadow runs',
    html`<p class="muted">
        ${badge('shadow')} RUNNER_MODE=shadow: the Fly Machines run beside each GitHub Actions run. Only the
        GitHub Actions run touches the ticket and the pull request; the shadow's result is compared here (and
        at <code>GET /api/shadow-runs</code>).
      </p>
      <table class="shadow-runs">
        <thead>
          <tr>
            <th scope="col">Issue</th>
            <th scope="col">Phase</th>
            <th scope="col">GitHub Actions</th>
            <th scope="col">${badge('shadow')} Fly Machines</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          ${runs.map(shadowRow)}
        </tbody>
      </table>`,
    'shadow-runs',
  );
}

function side(run: ShadowSide): Html {
  return html`${badge(run.status)}
    ${run.durationSeconds === null ? '' : html`<span>${formatDuration(run.durationSeconds)}</span>`}
    <span>${formatUsd(run.costUsd)}</span>
    ${run.error ? html`<br /><span class="muted">${run.error}</span>` : ''}`;
}

function shadowRow(run: ShadowComparison): Html {
  return html`<tr data-shadow-id="${run.shadowId}">
    <td>${externalLink(run.issueUrl, run.issueIdentifier)}</td>
    <td>${run.phase}</td>
    <td>${side(run.primary)}</td>
    <td>
      ${side(run.shadow)}${run.machineId ? html`<br /><code class="muted">${run.machineId}</code>` : ''}
      ${run.image ? html`<br /><code class="muted">${run.image}</code>` : ''}
    </td>
    <td>${timeCell(run.createdAt)}</td>
  </tr>`;
}
