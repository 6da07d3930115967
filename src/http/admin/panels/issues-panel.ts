import { html } from 'hono/html';
import type { OrchestratorContext } from '../../../orchestrator/context.ts';
import type { PlanView } from '../../api/job-steps-view.ts';
import { LIST_PAGES, loadIssues, loadJobPlan } from '../../api/work-loaders.ts';
import { approvePlanButton } from './plan-dialog.ts';
import type { PanelContent } from '../layout.ts';
import { cursorPager, panelPage } from '../pager.ts';
import type { IssueView } from '../../api/work-views.ts';
import { badge, emptyRow, externalLink, formatUsd, section, timeCell, type Html } from '../render-helpers.ts';
import { blockerWords, bucketWords, stageWords } from '../words.ts';

/**
 * Issues (seed 002): every issue the mappings match, its tracker state (kept once a run picked
 * it up) and one Stage from the ledger — or, for a held ticket, its blocker linked to the Blockers
 * row — plus in-progress counts per mapping. Data:
 * the same loader as `GET /api/issues`.
 */
export async function issuesPanel(ctx: OrchestratorContext, query: URLSearchParams): Promise<PanelContent> {
  const page = panelPage(query, LIST_PAGES.issues.arity);
  const view = await loadIssues(ctx, page);
  // The plans waiting for approval on this page, for their Approve dialogs.
  const plans = new Map<string, PlanView | null>();
  for (const issue of view.issues) {
    if (issue.stage === 'awaiting_plan_approval' && issue.jobId) {
      plans.set(issue.issueId, await loadJobPlan(ctx, issue.jobId));
    }
  }
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
            <th scope="col">Last dispatch</th>
            <th scope="col">Cost</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${
            view.issues.length === 0
              ? emptyRow(
                  7,
                  view.inProgressByMapping.length === 0
                    ? html`No issues: there is no project yet —
                        <a href="/admin/projects/new">create a project</a>.`
                    : 'No issues yet: label one AI-Implement in a mapped team and wait for the next poll.',
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
                      <td>${stageCell(issue)}</td>
                      <td>${timeCell(issue.lastDispatchAt)}</td>
                      <td>${formatUsd(issue.costUsd)}</td>
                      <td>
                        ${
                          issue.stage === 'awaiting_plan_approval'
                            ? approvePlanButton(issue, plans.get(issue.issueId) ?? null)
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
            ? emptyRow(5, html`No projects yet — <a href="/admin/projects/new">create a project</a>.`)
            : view.inProgressByMapping.map(
                (entry) =>
                  html`<tr>
                    <td>${entry.teamKey}</td>
                    <td>${bucketWords(entry.bucket)}</td>
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
    lead: 'Every issue matched by a project mapping: where it is in the tracker and where it stands here.',
    body,
  };
}

/** One truthful stage: a held ticket names its blocker (linked to its Blockers row), else the ledger's stage. */
function stageCell(issue: IssueView): Html {
  if (issue.blocker) {
    return html`${badge(issue.blocker.reason, 'held')}
      <a href="/admin/blockers#${blockerAnchor(issue.issueId)}">${blockerWords(issue.blocker.reason)}</a>`;
  }
  return badge(issue.stage, stageWords(issue.stage));
}

/** The id of a ticket's row on the Blockers panel. */
export function blockerAnchor(issueId: string): string {
  return `blocker-${issueId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}
