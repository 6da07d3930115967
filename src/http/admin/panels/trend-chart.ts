import { html } from 'hono/html';
import type { TrendHour } from '../../api/overview-view.ts';
import type { Html } from '../render-helpers.ts';

const WIDTH = 720;
const HEIGHT = 180;
const PLOT_TOP = 10;
const PLOT_BOTTOM = 150;
const LEFT = 36;
const BAR_GAP = 4;

/**
 * The 24-hour dispatch trend as an inline SVG bar chart (stacked: succeeded, failed, in flight),
 * drawn on the server — no chart library, no script. Colours come from the stylesheet (classes),
 * and the same numbers follow in a table for screen readers and for copying.
 */
export function trendChart(hours: TrendHour[]): Html {
  const max = Math.max(1, ...hours.map((hour) => hour.total));
  const slot = (WIDTH - LEFT) / hours.length;
  const scale = (PLOT_BOTTOM - PLOT_TOP) / max;
  const total = hours.reduce((sum, hour) => sum + hour.total, 0);
  const bars = hours.map((hour, index) => {
    const x = LEFT + index * slot + BAR_GAP / 2;
    const width = slot - BAR_GAP;
    let y = PLOT_BOTTOM;
    const parts: Html[] = [];
    for (const [count, tone] of [
      [hour.succeeded, 'ok'],
      [hour.failed, 'bad'],
      [hour.inFlight, 'info'],
    ] as const) {
      if (count === 0) continue;
      const height = count * scale;
      y -= height;
      parts.push(
        html`<rect
          class="bar-${tone}"
          x="${x.toFixed(1)}"
          y="${y.toFixed(1)}"
          width="${width.toFixed(1)}"
          height="${height.toFixed(1)}"
        ></rect>`,
      );
    }
    const label =
      index % 6 === 0 || index === hours.length - 1
        ? html`<text
            class="axis"
            x="${(x + width / 2).toFixed(1)}"
            y="${PLOT_BOTTOM + 18}"
            text-anchor="middle"
          >
            ${hour.start.slice(11, 16)}
          </text>`
        : '';
    return html`<g>
      <title>${hour.start.slice(11, 16)} UTC: ${hour.total} dispatched</title>
      ${parts}${label}
    </g>`;
  });
  return html`<figure class="chart">
    <svg
      viewBox="0 0 ${WIDTH} ${HEIGHT}"
      role="img"
      aria-labelledby="trend-title"
      preserveAspectRatio="xMidYMid meet"
    >
      <title id="trend-title">
        Dispatches per hour over the last 24 hours: ${total} in all, at most ${max} in one hour
      </title>
      <line class="axis-line" x1="${LEFT}" y1="${PLOT_BOTTOM}" x2="${WIDTH}" y2="${PLOT_BOTTOM}"></line>
      <text class="axis" x="${LEFT - 6}" y="${PLOT_TOP + 4}" text-anchor="end">${max}</text>
      <text class="axis" x="${LEFT - 6}" y="${PLOT_BOTTOM}" text-anchor="end">0</text>
      ${bars}
    </svg>
    <figcaption>
      <span class="legend legend-ok">succeeded</span>
      <span class="legend legend-bad">failed</span>
      <span class="legend legend-info">in flight</span>
      <span class="muted">hours in UTC</span>
    </figcaption>
    <details>
      <summary>Show as a table</summary>
      <table>
        <thead>
          <tr>
            <th scope="col">Hour (UTC)</th>
            <th scope="col">Dispatched</th>
            <th scope="col">Succeeded</th>
            <th scope="col">Failed</th>
            <th scope="col">In flight</th>
          </tr>
        </thead>
        <tbody>
          ${hours.map(
            (hour) =>
              html`<tr>
                <td>${hour.start.slice(0, 16).replace('T', ' ')}</td>
                <td>${hour.total}</td>
                <td>${hour.succeeded}</td>
                <td>${hour.failed}</td>
                <td>${hour.inFlight}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </details>
  </figure>`;
}
