import { html } from 'hono/html';
import type { OrchestratorContext } from '../../../orchestrator/context.ts';
import { resolveExecutionMode } from '../../../orchestrator/execution-mode.ts';
import { listInFlight } from '../../../store/dispatches.ts';
import { listMappings } from '../../../store/mappings.ts';
import { capacityByMapping, countByBucket } from '../../api/work-views.ts';
import type { PanelContent } from '../layout.ts';
import { capacityMeter, emptyRow, kpiCards, section } from '../render-helpers.ts';
import { reaperRecentTable, reaperSummaryCard } from './reaper-cards.ts';
import { runnerModeOf } from './models-panel.ts';
import type { Platform } from '../../../orchestrator/platform/platform.ts';
import { notice } from './form-parts.ts';
import { runnerModeForm } from './runner-mode-form.ts';
import { liveSessionsTable, readSessions } from './sessions-panel.ts';

/**
 * The Platform group (seed 002): Runners and Reaper here; Sessions, Secrets and Settings have
 * their own files. Runners: the runner-mode override, live Fly sessions (count and the first
 * eight), capacity, the reaper's 24-hour destructions and per-project configured and effective
 * modes. Reaper: the runner-mode toggle (runner-mode-form.ts) at the top, the 24-hour summary by
 * rule with the last sweep, and the recent actions (reaper-cards.ts).
 */

export async function runnersPanel(
  ctx: OrchestratorContext,
  query: URLSearchParams = new URLSearchParams(),
  csrf = '',
  platform?: Platform,
  modeError?: string,
): Promise<PanelContent> {
  const [mappings, inFlight, override, live, reaper] = await Promise.all([
    listMappings(ctx.db),
    listInFlight(ctx.db),
    ctx.runnerMode(),
    readSessions(platform),
    platform?.reaper?.summary(),
  ]);
  const capacity = capacityByMapping(mappings, countByBucket(inFlight));
  const used = capacity.reduce((sum, entry) => sum + entry.inProgress, 0);
  const cap = capacity.reduce((sum, entry) => sum + entry.cap, 0);
  const body = html`${kpiCards([
    {
      label: 'Runner-mode override',
      value: override,
      hint: override === 'default' ? 'each project’s own mode' : '',
      key: 'runner-mode',
    },
    {
      label: 'Live Fly sessions',
      value: live.problem ? '—' : live.sessions.length,
      hint: live.problem ? 'Fly not configured' : 'created, starting or started',
      key: 'live-sessions',
    },
    { label: 'Capacity utilization', value: `${used} / ${cap}`, hint: 'runs in flight / total cap' },
    {
      label: 'Reaper destructions, 24 h',
      value: reaper ? reaper.total : '—',
      hint: reaper
        ? reaper.dryRun
          ? 'dry run: recorded, not destroyed'
          : 'Machines destroyed, runs cancelled'
        : '',
      key: 'reaper-destructions',
    },
  ])}
  ${platform ? modeCard(query, csrf, platform, 'runners', modeError) : ''}
  ${section(
    'Live sessions',
    html`${live.problem ? html`<p class="muted">${live.problem}</p>` : ''}
    ${liveSessionsTable(live.sessions.slice(0, 8), { destroy: false })}
    ${live.sessions.length > 8 ? html`<p><a href="/admin/sessions">All ${live.sessions.length} sessions</a></p>` : ''}`,
  )}
  ${section(
    'Projects',
    html`<table>
      <thead>
        <tr>
          <th scope="col">Project</th>
          <th scope="col">Configured mode</th>
          <th scope="col">Effective mode</th>
          <th scope="col">Capacity</th>
        </tr>
      </thead>
      <tbody>
        ${
          mappings.length === 0
            ? emptyRow(4, 'No project mappings yet.')
            : mappings.map((mapping, index) => {
                const entry = capacity[index]!;
                const effective = resolveExecutionMode(mapping, override);
                return html`<tr>
                  <td>${mapping.teamKey}</td>
                  <td>${mapping.executionMode}</td>
                  <td>${runnerModeOf(mapping, effective)}</td>
                  <td>${capacityMeter(entry)} ${entry.inProgress} / ${entry.cap}</td>
                </tr>`;
              })
        }
      </tbody>
    </table>`,
  )}`;
  return { title: 'Runners', lead: 'Where runs execute, and how full each project is.', body };
}

/** The runner-mode card: the toggle form, with a confirmation after a save. */
async function modeCard(
  query: URLSearchParams,
  csrf: string,
  platform: Platform,
  back: 'reaper' | 'runners',
  error?: string,
) {
  const state = await platform.runnerMode.describe();
  return section(
    'Runner mode',
    html`${query.get('saved') === 'runner-mode' && !error ? notice('info', 'Runner mode saved: it applies to the next dispatch.') : ''}
    ${runnerModeForm(state, csrf, back, error, (mode) => platform.runnerMode.unavailable(mode))}`,
  );
}

export async function reaperPanel(
  ctx: OrchestratorContext,
  query: URLSearchParams = new URLSearchParams(),
  csrf = '',
  platform?: Platform,
  modeError?: string,
): Promise<PanelContent> {
  const mode = await ctx.runnerMode();
  return {
    title: 'Reaper',
    lead: 'The reconciliation sweep that destroys orphaned and over-age machines, and the runner-mode toggle.',
    body: html`${
      platform
        ? await modeCard(query, csrf, platform, 'reaper', modeError)
        : section('Runner mode', html`<p>Current runner mode: <strong>${mode}</strong>.</p>`)
    }
    ${
      platform?.reaper
        ? html`${reaperSummaryCard(await platform.reaper.summary())}
          ${reaperRecentTable(await platform.reaper.recent(50))}`
        : section(
            'Destructions',
            html`<p class="muted">
              The reaper is not set up here: it sweeps the Fly Machines sessions app and needs
              <code>FLY_SESSIONS_TOKEN</code> — see
              <a href="/admin/setup#h-fix-fly-sessions">how to set up Fly Machines</a>.
            </p>`,
          )
    }`,
  };
}
