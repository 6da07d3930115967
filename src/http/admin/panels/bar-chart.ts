import { html } from 'hono/html';
import type { Html } from '../render-helpers.ts';

const WIDTH = 720;
const HEIGHT = 180;
const PLOT_TOP = 10;
const PLOT_BOTTOM = 150;
const LEFT = 56;
const BAR_GAP = 6;

/**
 * A plain bar chart as inline SVG, drawn on the server like the Overview trend (trend-chart.ts):
 * no chart library, no script; the caller puts the numbers in a table behind "Show as a table".
 * `id` names the chart's title for assistive tools; `format` renders values (`$1.20`, `3`).
 */
export function barChart(options: {
  id: string;
  title: string;
  bars: { label: string; value: number }[];
  format: (value: number) => string;
  table: Html;
}): Html {
  const { bars, format } = options;
  const max = Math.max(0, ...bars.map((bar) => bar.value));
  const slot = (WIDTH - LEFT) / Math.max(1, bars.length);
  const scale = max > 0 ? (PLOT_BOTTOM - PLOT_TOP) / max : 0;
  const drawn = bars.map((bar, index) => {
    const x = LEFT + index * slot + BAR_GAP / 2;
    const width = Math.max(1, slot - BAR_GAP);
    const height = bar.value * scale;
    return html`<g>
      <title>${bar.label}: ${format(bar.value)}</title>
      <rect
        class="bar-info"
        x="${x.toFixed(1)}"
        y="${(PLOT_BOTTOM - height).toFixed(1)}"
        width="${width.toFixed(1)}"
        height="${height.toFixed(1)}"
      ></rect>
      <text class="axis" x="${(x + width / 2).toFixed(1)}" y="${PLOT_BOTTOM + 18}" text-anchor="middle">
        ${bar.label}
      </text>
    </g>`;
  });
  return html`<figure class="chart">
    <svg
      viewBox="0 0 ${WIDTH} ${HEIGHT}"
      role="img"
      aria-labelledby="${options.id}"
      preserveAspectRatio="xMidYMid meet"
    >
      <title id="${options.id}">${options.title}</title>
      <line class="axis-line" x1="${LEFT}" y1="${PLOT_BOTTOM}" x2="${WIDTH}" y2="${PLOT_BOTTOM}"></line>
      <text class="axis" x="${LEFT - 6}" y="${PLOT_TOP + 4}" text-anchor="end">${format(max)}</text>
      <text class="axis" x="${LEFT - 6}" y="${PLOT_BOTTOM}" text-anchor="end">${format(0)}</text>
      ${drawn}
    </svg>
    <details>
      <summary>Show as a table</summary>
      ${options.table}
    </details>
  </figure>`;
}
