import { html } from 'hono/html';
import type { OrchestratorContext } from '../../../orchestrator/context.ts';
import { LIST_PAGES, loadDedupWindow } from '../../api/work-loaders.ts';
import type { PanelContent } from '../layout.ts';
import { cursorPager, panelPage } from '../pager.ts';
import { apiButton, badge, emptyRow, externalLink, timeCell, type Html } from '../render-helpers.ts';
import { prLabel } from './jobs-panel.ts';

/**
 * Audit log (seed 002, Developer): the dedup window — issues dispatched in the last 24 hours,
 * which the poll will not pick up again until their window ends — with a delete per row. Same
 * loader as `GET /api/dedup`; delete is `DELETE /api/dedup/:issueId`.
 */
export async function auditLogPanel(ctx: OrchestratorContext, query: URLSearchParams): Promise<PanelContent> {
  const page = panelPage(query, LIST_PAGES.dedup.arity);
  const view = await loadDedupWindow(ctx, page);
  const pager = cursorPager('/admin/audit-log', page, view.nextCursor);
  const body = html`<p>
      An issue is not dispatched again within ${view.windowHours} hours of its last dispatch. Remove it here
      to let the next poll pick it up again.
    </p>
    ${pager}
    <table>
      <thead>
        <tr>
          <th scope="col">Issue</th>
          <th scope="col">Project</th>
          <th scope="col">Job</th>
          <th scope="col">Pull request</th>
          <th scope="col">Dispatched</th>
          <th scope="col">Window ends</th>
          <th scope="col"><span class="visually-hidden">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        ${
          view.entries.length === 0
            ? emptyRow(
                7,
                html`The dedup window is empty: nothing was dispatched in the last ${view.windowHours} hours —
                  see <a href="/admin/jobs">Pipelines</a> for older runs.`,
              )
            : view.entries.map(dedupRow)
        }
      </tbody>
    </table>
    ${pager}
    <p class="muted">
      Richer audit content (who changed what) is planned; today this panel is the dedup window.
    </p>`;
  return { title: 'Audit log', lead: 'The dispatch-deduplication ledger for the last 24 hours.', body };
}

type DedupEntry = Awaited<ReturnType<typeof loadDedupWindow>>['entries'][number];

/** One entry, each id a link to its object: the ticket, the project, the job, the pull request. */
function dedupRow(entry: DedupEntry): Html {
  return html`<tr>
    <td>${externalLink(entry.issueUrl, entry.identifier)} <span class="muted">${entry.title}</span></td>
    <td><a href="/admin/projects/${encodeURIComponent(entry.teamKey)}/edit">${entry.teamKey}</a></td>
    <td>
      ${
        entry.jobId
          ? html`<a href="/admin/jobs/${encodeURIComponent(entry.jobId)}">${entry.phase}</a>
              ${entry.status ? badge(entry.status) : ''}`
          : html`<span class="muted">—</span>`
      }
    </td>
    <td>
      ${entry.prUrl ? externalLink(entry.prUrl, prLabel(entry.prUrl)) : html`<span class="muted">—</span>`}
    </td>
    <td>${timeCell(entry.dispatchedAt)}</td>
    <td>${timeCell(entry.expiresAt)}</td>
    <td>
      ${apiButton({
        label: 'Delete',
        method: 'DELETE',
        path: `/api/dedup/${encodeURIComponent(entry.issueId)}`,
        confirm: entry.inFlight
          ? `${entry.identifier} has a ${entry.phase ?? ''} run in flight. Removing it from the dedup window neither stops nor repeats that run: it goes on, and once it ends the next poll may dispatch ${entry.identifier} again if it still carries the AI-Implement label. Remove it?`
          : `Remove ${entry.identifier} from the dedup window? The next poll may dispatch it again.`,
        tone: 'danger',
        then: 'remove-row',
        accessibleLabel: `Remove ${entry.identifier} from the dedup window`,
      })}
    </td>
  </tr>`;
}
