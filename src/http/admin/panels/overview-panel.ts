import { html } from 'hono/html';
import type { OrchestratorContext } from '../../../orchestrator/context.ts';
import { loadOverview, type RunningJobView } from '../../api/overview-view.ts';
import type { MappingCapacity } from '../../api/work-views.ts';
import type { PanelContent } from '../layout.ts';
import {
  badge,
  capacityMeter,
  emptyRow,
  externalLink,
  kpiCards,
  liveDuration,
  section,
  type Html,
} from '../render-helpers.ts';
import { trendChart } from './trend-chart.ts';

/**
 * Overview (seed 002): running jobs with duration, failed jobs in 24 h, capacity, projects at
 * cap, stale templates, the 24-hour trend and the environment checks. Running jobs refresh
 * live from `GET /api/overview`; the environment checks (`GET /api/admin/config-status`) and
 * template staleness (`GET /api/admin/template-status`) load after the page, because they call
 * the trackers and GitHub and must not hold the page up.
 */
export async function overviewPanel(ctx: OrchestratorContext): Promise<PanelContent> {
  const view = await loadOverview(ctx);
  const percent = Math.round(view.capacity.utilization * 100);
  const firstRun = view.capacity.byMapping.length === 0;
  const body = html`${firstRun ? firstRunSection() : ''}
  ${kpiCards([
    { label: 'Running jobs', value: view.runningJobs.length, key: 'running' },
    { label: 'Failed jobs, last 24 h', value: view.failedLast24h.count, key: 'failed' },
    {
      label: 'Capacity utilization',
      value: `${percent}%`,
      hint: firstRun
        ? 'no projects yet'
        : `${view.capacity.inProgress} of ${view.capacity.cap} run slots in use`,
      hintKey: 'slots',
      key: 'utilization',
    },
    { label: 'Projects at cap', value: view.projectsAtCap.length, key: 'at-cap' },
  ])}
  ${section(
    'Running jobs',
    html`<p class="muted live-note">Refreshes every 5 seconds.</p>
      ${runningJobsTable(view.runningJobs)}`,
  )}
  ${section(
    'Environment status',
    html`<div data-live="config-status" data-src="/api/admin/config-status">
      <p class="muted">
        Checking the ticketing connection, GitHub App, runner callback and gap-fill trigger…
      </p>
      <noscript
        ><p>
          Without JavaScript, read <a href="/api/admin/config-status">/api/admin/config-status</a>.
        </p></noscript
      >
    </div>`,
  )}
  ${section('Dispatches, last 24 hours', trendChart(view.trend))}
  ${section(
    'Failed jobs, last 24 hours',
    html`<table>
      <thead>
        <tr>
          <th scope="col">Issue</th>
          <th scope="col">Phase</th>
          <th scope="col">Error</th>
          <th scope="col">Job</th>
        </tr>
      </thead>
      <tbody>
        ${
          view.failedLast24h.jobs.length === 0
            ? emptyRow(4, 'No failed jobs in the last 24 hours.')
            : view.failedLast24h.jobs.map(
                (job) =>
                  html`<tr>
                    <td>${externalLink(job.url, job.identifier)} <span class="muted">${job.title}</span></td>
                    <td>${job.phase}</td>
                    <td class="wrap">${job.error ?? '—'}</td>
                    <td><a href="/admin/jobs/${encodeURIComponent(job.jobId)}">steps</a></td>
                  </tr>`,
              )
        }
      </tbody>
    </table>`,
  )}
  ${section(
    'Capacity and projects at cap',
    html`<table>
      <thead>
        <tr>
          <th scope="col">Project</th>
          <th scope="col">In progress</th>
          <th scope="col">Utilization</th>
          <th scope="col">State</th>
        </tr>
      </thead>
      <tbody>
        ${
          view.capacity.byMapping.length === 0
            ? emptyRow(4, html`No projects yet — <a href="/admin/projects/new">create a project</a>.`)
            : mostUtilized(view.capacity.byMapping).map(
                (entry) =>
                  html`<tr>
                    <td>${entry.teamKey}</td>
                    <td>${entry.inProgress} / ${entry.cap}</td>
                    <td>${capacityMeter(entry)}</td>
                    <td>
                      ${entry.paused ? badge('paused') : ''}
                      ${entry.inProgress >= entry.cap ? badge('capacity', 'at cap') : ''}
                    </td>
                  </tr>`,
              )
        }
        ${moreRow(4, view.capacity.byMapping.length, 'projects', '/admin/projects', 'Projects')}
      </tbody>
    </table>`,
  )}
  ${section(
    'Stale workflow templates',
    html`<div data-live="template-status" data-src="/api/admin/template-status">
      <p class="muted">
        Comparing each target repository’s workflow files with the orchestrator’s templates…
      </p>
      <noscript
        ><p>
          Without JavaScript, read <a href="/api/admin/template-status">/api/admin/template-status</a>.
        </p></noscript
      >
    </div>`,
  )}`;
  return {
    title: 'Overview',
    lead: 'What is running, what failed and what is held back — the first place to look when a run did not dispatch.',
    body,
  };
}

/**
 * What to do first on a fresh install (issue 19): create a project, and fix the environment
 * checks that need attention (listed under Environment status, each naming what to set).
 */
function firstRunSection(): Html {
  return html`<section class="first-run" aria-labelledby="h-get-started">
    <h2 id="h-get-started">Get started</h2>
    <p>No project yet: AI-Implement picks up nothing until a project maps a tracker team to a repository.</p>
    <ol>
      <li>
        <a class="btn" href="/admin/projects/new">Create a project</a> — pick the tracker team, the repository
        and how runs are made.
      </li>
      <li>
        Fix what <a href="#h-environment-status">Environment status</a> marks “needs attention”: each check
        says what to set.
      </li>
      <li>
        Label a ticket <code>AI-Implement</code> in the project’s team; it shows under
        <a href="/admin/issues">Issues</a> after the next poll.
      </li>
    </ol>
  </section>`;
}

/**
 * Rows a table of the Overview shows: it is the first look, not the list — with hundreds of
 * runs or projects the rest is one link away (and the page stays small: docs/decisions/tick-at-scale.md).
 */
const SHOWN_ROWS = 50;

/** The projects nearest their cap first (utilization, then team key), at most `SHOWN_ROWS`. */
function mostUtilized(entries: MappingCapacity[]): MappingCapacity[] {
  const utilization = (entry: MappingCapacity) => (entry.cap === 0 ? 1 : entry.inProgress / entry.cap);
  return [...entries]
    .sort((a, b) => utilization(b) - utilization(a) || (a.teamKey < b.teamKey ? -1 : 1))
    .slice(0, SHOWN_ROWS);
}

/** "N more …" with a link to the full list, when a table was cut at `SHOWN_ROWS`. */
function moreRow(columns: number, total: number, what: string, href: string, panel: string): Html {
  if (total <= SHOWN_ROWS) return html``;
  return html`<tr class="more">
    <td colspan="${columns}" class="muted">
      ${total - SHOWN_ROWS} more ${what} — <a href="${href}">all under ${panel}</a>
    </td>
  </tr>`;
}

/**
 * The running-jobs table, longest running first and cut at `SHOWN_ROWS`; the page script
 * rebuilds its body from `GET /api/overview` with the same cut (`data-shown`).
 */
function runningJobsTable(jobs: RunningJobView[]): Html {
  return html`<table data-live="running-jobs" data-src="/api/overview" data-shown="${SHOWN_ROWS}">
    <thead>
      <tr>
        <th scope="col">Issue</th>
        <th scope="col">Phase</th>
        <th scope="col">Status</th>
        <th scope="col">Repo</th>
        <th scope="col">Team</th>
        <th scope="col">Dispatch #</th>
        <th scope="col">Running for</th>
      </tr>
    </thead>
    <tbody>
      ${
        jobs.length === 0
          ? emptyRow(7, 'No runs in flight.')
          : jobs.slice(0, SHOWN_ROWS).map(
              (job) =>
                html`<tr>
                  <td>
                    <a href="/admin/jobs/${encodeURIComponent(job.jobId)}">${job.issue.identifier}</a>
                    <span class="muted">${job.issue.title}</span>
                  </td>
                  <td>${job.phase}</td>
                  <td>${badge(job.waitingForInput === null ? job.status : 'waiting_for_input')}</td>
                  <td>${job.repo}</td>
                  <td>${job.teamKey}</td>
                  <td>${job.dispatchNumber}</td>
                  <td>${liveDuration(job.startedAt, job.durationSeconds)}</td>
                </tr>`,
            )
      }
      ${moreRow(7, jobs.length, 'running', '/admin/jobs', 'Pipelines')}
    </tbody>
  </table>`;
}
