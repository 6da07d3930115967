import { html } from 'hono/html';
import type { OrchestratorContext } from '../../../orchestrator/context.ts';
import { analyticsWindow } from '../../api/analytics-routes.ts';
import { loadAnalytics, type AnalyticsView } from '../../api/analytics-view.ts';
import { costPerTeamChart, pullRequestsChart, runsChart, timingChart } from './analytics-charts.ts';
import type { PanelContent } from '../layout.ts';
import { barChart } from './bar-chart.ts';
import { emptyRow, formatUsd, kpiCards, section } from '../render-helpers.ts';

/**
 * Analytics (Work group; issue 16): the figures of `GET /api/analytics` for a window (default the
 * last 30 days) as KPI cards and tables, with a CSV download. Same loader as the API.
 */
export async function analyticsPanel(
  ctx: OrchestratorContext,
  query: URLSearchParams,
): Promise<PanelContent> {
  const asked = Object.fromEntries(
    [...query].filter(([key]) => ['from', 'to', 'teamKey'].includes(key) && query.get(key)),
  );
  const window = analyticsWindow(asked, ctx.clock());
  const lead =
    'What the agent delivered and what it cost: runs, pull requests, merge rate, timing and spend.';
  if (!window.ok) {
    const message =
      typeof window.error === 'string'
        ? window.error
        : window.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    return {
      title: 'Analytics',
      lead,
      body: html`<p class="error-text" role="alert">${message}</p>
        ${form(asked)}`,
    };
  }
  const view = await loadAnalytics(ctx, window);
  const csv = new URLSearchParams({
    from: view.from,
    to: view.to,
    format: 'csv',
    ...(view.teamKey ? { teamKey: view.teamKey } : {}),
  });
  const body = html`${form(asked)}
    <p class="muted">
      ${view.from} to ${view.to}${view.teamKey ? ` · team ${view.teamKey}` : ' · all teams'} ·
      <a href="/api/analytics?${csv.toString()}" download>Download CSV</a>
    </p>
    ${kpiCards([
      { label: 'PRs opened', value: String(view.pullRequests.opened) },
      { label: 'PRs merged', value: String(view.pullRequests.merged) },
      { label: 'Closed unmerged', value: String(view.pullRequests.closedUnmerged) },
      { label: 'Merge rate', value: view.mergeRate === null ? '—' : `${Math.round(view.mergeRate * 100)} %` },
      { label: 'Cost per merged PR', value: formatUsd(view.costPerMergedPrUsd) },
      {
        label: 'Review-fix passes per merged PR',
        value: view.reviewFixPassesPerMergedPr === null ? '—' : String(view.reviewFixPassesPerMergedPr),
      },
    ])}
    ${runsChart(view)} ${pullRequestsChart(view)} ${timingChart(view)} ${costPerTeamChart(view)}
    ${section(
      'Cost per team per week',
      barChart({
        id: 'cost-week-title',
        title: `Cost per week (UTC, Monday to Sunday), all teams in the window: ${formatUsd(weeklyTotal(view))}`,
        bars: costPerWeek(view),
        format: (usd) => formatUsd(usd),
        table: html`<table>
          <thead>
            <tr>
              <th scope="col">Week of (UTC)</th>
              <th scope="col">Team</th>
              <th scope="col">Cost</th>
            </tr>
          </thead>
          <tbody>
            ${
              view.costByTeamWeek.length === 0
                ? emptyRow(3, 'No reported cost in this window.')
                : view.costByTeamWeek.map(
                    (week) =>
                      html`<tr>
                        <td>${week.weekStart.slice(0, 10)}</td>
                        <td>${week.teamKey}</td>
                        <td>${formatUsd(week.costUsd)}</td>
                      </tr>`,
                  )
            }
          </tbody>
        </table>`,
      }),
    )}
    ${section(
      'Top failure reasons',
      html`<table>
        <thead>
          <tr>
            <th scope="col">Reason</th>
            <th scope="col">Runs</th>
          </tr>
        </thead>
        <tbody>
          ${
            view.topFailureReasons.length === 0
              ? emptyRow(2, 'No failed runs in this window.')
              : view.topFailureReasons.map(
                  (failure) =>
                    html`<tr>
                      <td class="wrap">${failure.reason}</td>
                      <td>${failure.count}</td>
                    </tr>`,
                )
          }
        </tbody>
      </table>`,
    )}`;
  return { title: 'Analytics', lead, body };
}

function form(asked: Record<string, string>) {
  return html`<form method="get" action="/admin/analytics" class="inline-form">
    <label
      >From <input name="from" type="text" placeholder="2026-11-01T00:00:00Z" value="${asked.from ?? ''}"
    /></label>
    <label>To <input name="to" type="text" placeholder="now" value="${asked.to ?? ''}" /></label>
    <label>Team <input name="teamKey" type="text" placeholder="all" value="${asked.teamKey ?? ''}" /></label>
    <button type="submit">Show</button>
  </form>`;
}

/** The weeks' costs summed over teams, oldest first, labelled by the Monday (`11-16`). */
function costPerWeek(view: AnalyticsView): { label: string; value: number }[] {
  const weeks = new Map<string, number>();
  for (const week of view.costByTeamWeek)
    weeks.set(week.weekStart, (weeks.get(week.weekStart) ?? 0) + week.costUsd);
  return [...weeks].map(([start, usd]) => ({
    label: start.slice(5, 10),
    value: Math.round(usd * 1e6) / 1e6,
  }));
}

function weeklyTotal(view: AnalyticsView): number {
  return Math.round(view.costByTeamWeek.reduce((sum, week) => sum + week.costUsd, 0) * 1e6) / 1e6;
}
