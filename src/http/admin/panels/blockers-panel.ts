import { html } from 'hono/html';
import type { OrchestratorContext } from '../../../orchestrator/context.ts';
import { LIST_PAGES, loadBlockers } from '../../api/work-loaders.ts';
import { blockerAnchor } from './issues-panel.ts';
import { cursorPager, panelPage } from '../pager.ts';
import type { PanelContent } from '../layout.ts';
import {
  apiButton,
  badge,
  emptyRow,
  externalLink,
  kpiCards,
  timeCell,
  type Html,
} from '../render-helpers.ts';

/**
 * Blockers (seed 002): eligible issues the last tick did not dispatch, with the gate's reason.
 * KPI cards and rows come from the same loader as `GET /api/blockers`.
 */
export async function blockersPanel(ctx: OrchestratorContext, query: URLSearchParams): Promise<PanelContent> {
  const page = panelPage(query, LIST_PAGES.blockers.arity);
  const view = await loadBlockers(ctx, page);
  const pager = cursorPager('/admin/blockers', page, view.nextCursor);
  const body = html`${kpiCards([
      { label: 'Blocked issues', value: view.total },
      { label: 'Teams affected', value: view.teamsAffected },
      { label: 'Blocked by concurrency cap', value: view.blockedByConcurrencyCap },
      { label: 'Blocked by dedup window', value: view.blockedByDedupWindow },
    ])}
    ${pager}
    <table>
      <thead>
        <tr>
          <th scope="col">Issue</th>
          <th scope="col">Project</th>
          <th scope="col">Reason</th>
          <th scope="col">Detail</th>
          <th scope="col">Seen</th>
          <th scope="col"><span class="visually-hidden">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        ${
          view.blockers.length === 0
            ? emptyRow(6, 'Nothing is blocked: every eligible issue was dispatched on the last poll.')
            : view.blockers.map(
                (row) =>
                  html`<tr id="${blockerAnchor(row.issueId)}">
                    <td>${externalLink(row.url, row.identifier)} <span class="muted">${row.title}</span></td>
                    <td>${row.mapping}</td>
                    <td>${badge(row.reason)}</td>
                    <td class="wrap">${blockingLinks(row.blocking)}${row.detail}</td>
                    <td>${timeCell(row.recordedAt)}</td>
                    <td>${blockerAction(row.reason, row.issueId, row.identifier)}</td>
                  </tr>`,
              )
        }
      </tbody>
    </table>
    ${pager}`;
  return {
    title: 'Blockers',
    lead: 'Issues that are eligible but were not picked up on the last poll, and why.',
    body,
  };
}

/** "Waits for ENG-1, ENG-2", each a link to the blocking ticket in its tracker. */
function blockingLinks(blocking: { identifier: string; url: string }[]): Html | string {
  if (blocking.length === 0) return '';
  return html`<span class="blocking"
      >Waits for
      ${blocking.map((ticket, index) => html`${index > 0 ? ', ' : ''}${externalLink(ticket.url, ticket.identifier)}`)}</span
    ><br />`;
}

/** The operator's way out, where the reason has one. */
function blockerAction(reason: string, issueId: string, identifier: string): Html | string {
  const id = encodeURIComponent(issueId);
  if (reason === 'breaker') {
    return apiButton({
      label: 'Clear breaker',
      method: 'POST',
      path: `/api/issues/${id}/clear-breaker`,
      accessibleLabel: `Clear the failure breaker of ${identifier}`,
    });
  }
  if (reason === 'dedup') {
    return apiButton({
      label: 'Remove from dedup window',
      method: 'DELETE',
      path: `/api/dedup/${id}`,
      confirm: `Let ${identifier} be dispatched again on the next poll?`,
      accessibleLabel: `Remove ${identifier} from the dedup window`,
    });
  }
  return '';
}
