import { html } from 'hono/html';
import type { OrchestratorContext } from '../../../orchestrator/context.ts';
import { LIST_PAGES, loadDedupWindow } from '../../api/work-loaders.ts';
import type { PanelContent } from '../layout.ts';
import { cursorPager, panelPage } from '../pager.ts';
import { apiButton, emptyRow, timeCell } from '../render-helpers.ts';

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
          <th scope="col">Dispatched</th>
          <th scope="col">Window ends</th>
          <th scope="col"><span class="visually-hidden">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        ${
          view.entries.length === 0
            ? emptyRow(5, 'The dedup window is empty.')
            : view.entries.map(
                (entry) =>
                  html`<tr>
                    <td>${entry.identifier} <span class="muted">${entry.title}</span></td>
                    <td>${entry.teamKey}</td>
                    <td>${timeCell(entry.dispatchedAt)}</td>
                    <td>${timeCell(entry.expiresAt)}</td>
                    <td>
                      ${apiButton({
                        label: 'Delete',
                        method: 'DELETE',
                        path: `/api/dedup/${encodeURIComponent(entry.issueId)}`,
                        confirm: `Remove ${entry.identifier} from the dedup window? The next poll may dispatch it again.`,
                        tone: 'danger',
                        then: 'remove-row',
                        accessibleLabel: `Remove ${entry.identifier} from the dedup window`,
                      })}
                    </td>
                  </tr>`,
              )
        }
      </tbody>
    </table>
    ${pager}
    <p class="muted">
      Richer audit content (who changed what) is planned; today this panel is the dedup window.
    </p>`;
  return { title: 'Audit log', lead: 'The dispatch-deduplication ledger for the last 24 hours.', body };
}
