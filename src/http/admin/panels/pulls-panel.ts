import { html } from 'hono/html';
import type { OrchestratorContext } from '../../../orchestrator/context.ts';
import { LIST_PAGES, loadPulls } from '../../api/work-loaders.ts';
import type { PanelContent } from '../layout.ts';
import { cursorPager, panelPage } from '../pager.ts';
import { badge, emptyRow, externalLink, formatDuration, formatUsd } from '../render-helpers.ts';

/** The badge tone of a head's checks state (`badge` knows the job statuses). */
const CHECK_BADGES: Record<string, string> = {
  pending: 'pending',
  passed: 'succeeded',
  failing: 'failed',
  exhausted: 'failed',
  none: 'skipped',
};

/**
 * Pull requests (seed 002): every bot-opened PR the orchestrator tracks, with its job status,
 * head's checks and ci-fix attempts (issue 17), iteration (dispatch number) and time since the
 * last dispatch. Same loader as `GET /api/pulls`.
 */
export async function pullsPanel(ctx: OrchestratorContext, query: URLSearchParams): Promise<PanelContent> {
  const page = panelPage(query, LIST_PAGES.pulls.arity);
  const { pulls, nextCursor } = await loadPulls(ctx, page);
  const pager = cursorPager('/admin/pulls', page, nextCursor);
  const body = html`${pager}
    <table>
      <thead>
        <tr>
          <th scope="col">Pull request</th>
          <th scope="col">Issue</th>
          <th scope="col">Repo</th>
          <th scope="col">Status</th>
          <th scope="col">Checks</th>
          <th scope="col">Iteration</th>
          <th scope="col">Since last dispatch</th>
          <th scope="col">Cost</th>
        </tr>
      </thead>
      <tbody>
        ${
          pulls.length === 0
            ? emptyRow(8, 'No pull requests yet: they appear when an implementation run reports one.')
            : pulls.map(
                (pr) =>
                  html`<tr>
                    <td>${externalLink(pr.url, `#${pr.number}`)} <code class="muted">${pr.branch}</code></td>
                    <td>
                      ${externalLink(pr.issue.url, pr.issue.identifier)}
                      <a class="muted" href="/admin/jobs/${encodeURIComponent(pr.jobId)}">job</a>
                    </td>
                    <td>${pr.repo}</td>
                    <td>${badge(pr.status)}</td>
                    <td>
                      ${pr.checks.state ? badge(CHECK_BADGES[pr.checks.state] ?? pr.checks.state, pr.checks.state) : '—'}
                      ${pr.checks.summary ? html`<span class="muted">${pr.checks.summary}</span>` : ''}
                      ${
                        pr.ciFixRuns.used > 0 ||
                        pr.checks.state === 'failing' ||
                        pr.checks.state === 'exhausted'
                          ? html`<br /><span class="muted"
                                >CI fixes ${pr.ciFixRuns.used} of ${pr.ciFixRuns.max}</span
                              >`
                          : ''
                      }
                    </td>
                    <td>${pr.iteration}</td>
                    <td>${formatDuration(pr.secondsSinceLastDispatch)}</td>
                    <td>${formatUsd(pr.costUsd)}</td>
                  </tr>`,
              )
        }
      </tbody>
    </table>
    ${pager}`;
  return {
    title: 'Pull requests',
    lead: 'Pull requests opened by AI-Implement runs: spot the stalled ones and those failing review.',
    body,
  };
}
