import { html } from 'hono/html';
import type { OrchestratorContext } from '../../../orchestrator/context.ts';
import { LIST_PAGES, loadIssues } from '../../api/work-loaders.ts';
import type { PanelContent } from '../layout.ts';
import { cursorPager, panelPage } from '../pager.ts';
import { apiButton, badge, emptyRow, externalLink, formatUsd, section, timeCell } from '../render-helpers.ts';

/**
 * Issues (seed 002): every issue the mappings match, its tracker state and where it stands —
 * ready for implementation or planning pending — plus in-progress counts per mapping. Data:
 * the same loader as `GET /api/issues`.
 */
export async function issuesPanel(ctx: OrchestratorContext, query: URLSearchParams): Promise<PanelContent> {
  const page = panelPage(query, LIST_PAGES.issues.arity);
  const view = await loadIssues(ctx, page);
  const pager = cursorPager('/admin/issues', page, view.nextCursor);
  const body = html`${section(
    'Inbox',
    html`${pager}
      <table>
        <thead>
          <tr>
            <th scope="col">Issue</th>
            <th scope="col">Project</th>
            <th scope="col">Tracker state</th>
            <th scope="col">Stage</th>
            <th scope="col">Ready</th>
            <th scope="col">Last dispatch</th>
            <th scope="col">Cost</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${
            view.issues.length === 0
              ? emptyRow(
                  8,
                  'No issues yet: label one AI-Implement in a mapped team and wait for the next poll.',
                )
              : view.issues.map(
                  (issue) =>
                    html`<tr>
                      <td>
                        ${externalLink(issue.url, issue.identifier)} <span class="muted">${issue.title}</span>
                      </td>
                      <td>${issue.teamKey}</td>
                      <td>
                        ${issue.state ? html`${issue.state.name} <span class="muted">(${issue.state.type})</span>` : '—'}
                      </td>
                      <td>${badge(issue.stage)}</td>
                      <td>
                        ${issue.readyForImplementation ? 'ready for implementation' : 'planning pending'}
                      </td>
                      <td>${timeCell(issue.lastDispatchAt)}</td>
                      <td>${formatUsd(issue.costUsd)}</td>
                      <td>
                        ${
                          issue.stage === 'awaiting_plan_approval'
                            ? apiButton({
                                label: 'Approve plan',
                                method: 'POST',
                                path: `/api/issues/${encodeURIComponent(issue.issueId)}/approve-plan`,
                                accessibleLabel: `Approve the plan of ${issue.identifier}`,
                              })
                            : ''
                        }
                      </td>
                    </tr>`,
                )
          }
        </tbody>
      </table>
      ${pager}`,
  )}
  ${section(
    'In progress per project',
    html`<table>
      <thead>
        <tr>
          <th scope="col">Project</th>
          <th scope="col">Capacity bucket</th>
          <th scope="col">In progress</th>
          <th scope="col">Cap</th>
          <th scope="col">State</th>
        </tr>
      </thead>
      <tbody>
        ${
          view.inProgressByMapping.length === 0
            ? emptyRow(5, 'No project mappings yet.')
            : view.inProgressByMapping.map(
                (entry) =>
                  html`<tr>
                    <td>${entry.teamKey}</td>
                    <td><code>${entry.bucket}</code></td>
                    <td>${entry.inProgress}</td>
                    <td>${entry.cap}</td>
                    <td>${entry.paused ? badge('paused') : badge('active')}</td>
                  </tr>`,
              )
        }
      </tbody>
    </table>`,
  )}`;
  return {
    title: 'Issues',
    lead: 'Every issue matched by a project mapping, and whether it is ready for implementation or still planning.',
    body,
  };
}
