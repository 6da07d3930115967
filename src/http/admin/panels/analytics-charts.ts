import { html } from 'hono/html';
import type { AnalyticsView, Quantiles } from '../../api/analytics-view.ts';
import { emptyRow, formatDuration, formatUsd, section } from '../render-helpers.ts';
import { barChart } from './bar-chart.ts';

/*
 * The Analytics panel's charts (issue 16): each figure of `GET /api/analytics` as a
 * server-rendered SVG bar chart with its numbers behind "Show as a table" (bar-chart.ts).
 */

const count = (value: number) => String(value);
const duration = (seconds: number) => (seconds === 0 ? '0' : formatDuration(seconds));

/** Runs by outcome (all phases), with the table by phase and outcome. */
export function runsChart(view: AnalyticsView) {
  const byOutcome = new Map<string, number>();
  for (const run of view.runs) byOutcome.set(run.outcome, (byOutcome.get(run.outcome) ?? 0) + run.count);
  return section(
    'Runs by outcome',
    barChart({
      id: 'runs-title',
      title: `Runs by outcome, all phases: ${view.runs.reduce((sum, run) => sum + run.count, 0)}`,
      bars: [...byOutcome].map(([outcome, runs]) => ({ label: words(outcome), value: runs })),
      format: count,
      table: html`<table>
        <thead>
          <tr>
            <th scope="col">Phase</th>
            <th scope="col">Outcome</th>
            <th scope="col">Runs</th>
          </tr>
        </thead>
        <tbody>
          ${
            view.runs.length === 0
              ? emptyRow(3, 'No runs in this window.')
              : view.runs.map(
                  (run) =>
                    html`<tr>
                      <td>${run.phase}</td>
                      <td>${words(run.outcome)}</td>
                      <td>${run.count}</td>
                    </tr>`,
                )
          }
        </tbody>
      </table>`,
    }),
  );
}

/** Pull requests opened in the window by where they stand. */
export function pullRequestsChart(view: AnalyticsView) {
  const rows = [
    { label: 'Opened', value: view.pullRequests.opened },
    { label: 'Merged', value: view.pullRequests.merged },
    { label: 'Closed unmerged', value: view.pullRequests.closedUnmerged },
    { label: 'Still open', value: view.pullRequests.open },
  ];
  return section(
    'Pull requests',
    barChart({
      id: 'pulls-title',
      title: `Pull requests opened in the window and where they stand; merge rate ${
        view.mergeRate === null ? 'not known yet' : `${Math.round(view.mergeRate * 100)} %`
      }`,
      bars: rows,
      format: count,
      table: simpleTable(
        ['Pull requests', 'Count'],
        rows.map((row) => [row.label, String(row.value)]),
      ),
    }),
  );
}

/** Median and p90 from pickup to PR and from PR to merge. */
export function timingChart(view: AnalyticsView) {
  const bars = [
    ...quantileBars('Pickup → PR', view.pickupToPrSeconds),
    ...quantileBars('PR → merge', view.prToMergeSeconds),
  ];
  const show = (seconds: number | null) => (seconds === null ? '—' : formatDuration(seconds));
  return section(
    'Timing',
    barChart({
      id: 'timing-title',
      title: 'Time from pickup to pull request and from pull request to merge (median and p90)',
      bars,
      format: duration,
      table: simpleTable(
        ['From → to', 'Median', 'p90', 'PRs'],
        [
          ['Pickup → pull request', view.pickupToPrSeconds],
          ['Pull request → merge', view.prToMergeSeconds],
        ].map(([label, q]) => {
          const value = q as Quantiles;
          return [label as string, show(value.median), show(value.p90), String(value.count)];
        }),
      ),
    }),
  );
}

/** The window's spend per team (summed over its weeks). */
export function costPerTeamChart(view: AnalyticsView) {
  const teams = new Map<string, number>();
  for (const week of view.costByTeamWeek)
    teams.set(week.teamKey, (teams.get(week.teamKey) ?? 0) + week.costUsd);
  const rows = [...teams]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([team, usd]) => ({ label: team, value: Math.round(usd * 1e6) / 1e6 }));
  return section(
    'Cost per team',
    barChart({
      id: 'cost-team-title',
      title: 'Cost per team in the window',
      bars: rows,
      format: (usd) => formatUsd(usd),
      table: simpleTable(
        ['Team', 'Cost'],
        rows.length === 0 ? [] : rows.map((row) => [row.label, formatUsd(row.value)]),
        'No reported cost in this window.',
      ),
    }),
  );
}

function quantileBars(label: string, value: Quantiles) {
  return [
    { label: `${label} median`, value: value.median ?? 0 },
    { label: `${label} p90`, value: value.p90 ?? 0 },
  ];
}

function simpleTable(headings: string[], rows: string[][], empty = 'Nothing in this window.') {
  return html`<table>
    <thead>
      <tr>
        ${headings.map((heading) => html`<th scope="col">${heading}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${
        rows.length === 0
          ? emptyRow(headings.length, empty)
          : rows.map(
              (row) =>
                html`<tr>
                  ${row.map((cell) => html`<td>${cell}</td>`)}
                </tr>`,
            )
      }
    </tbody>
  </table>`;
}

function words(outcome: string): string {
  return outcome.replaceAll('_', ' ');
}
