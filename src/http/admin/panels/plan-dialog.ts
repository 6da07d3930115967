import { html } from 'hono/html';
import type { PlanView } from '../../api/job-steps-view.ts';
import { apiButton, type Html } from '../render-helpers.ts';

/**
 * The plan of a planning run, readable in the admin UI (issue 19): the sections the runner
 * reported (Architecture Analysis, Test Plan, Work Units, …) as preformatted text — the
 * Markdown is shown as written, never rendered as HTML — and an Approve button that opens a
 * `<dialog>` with the plan and asks to confirm before it calls the approval API.
 */

/** The plan's sections, or a sentence saying where the plan is when the run reported none. */
export function planSections(plan: PlanView | null): Html {
  if (!plan) {
    return html`<p class="muted">
      The planning run reported no plan here; its comments on the ticket are the plan.
    </p>`;
  }
  return html`${plan.sections.map(
    (section) =>
      html`<h3>${section.title}</h3>
        <pre class="plan-text">${section.body}</pre>`,
  )}`;
}

/** "Review plan…" that opens the confirmation dialog with the plan and the Approve button in it. */
export function approvePlanButton(
  issue: { issueId: string; identifier: string },
  plan: PlanView | null,
): Html {
  const dialogId = `approve-${issue.issueId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return html`<button
      type="button"
      class="btn btn-small"
      data-open-dialog="${dialogId}"
      aria-label="Review and approve the plan of ${issue.identifier}"
    >
      Review plan…
    </button>
    <dialog id="${dialogId}" class="plan-dialog" aria-labelledby="${dialogId}-title">
      <h2 id="${dialogId}-title">Approve the plan of ${issue.identifier}?</h2>
      <div class="plan-body">${planSections(plan)}</div>
      <p>Approving starts the implementation run, which follows this plan and opens a pull request.</p>
      <div class="dialog-actions">
        <form method="dialog"><button type="submit" class="btn btn-small">Cancel</button></form>
        ${apiButton({
          label: 'Approve plan',
          method: 'POST',
          path: `/api/issues/${encodeURIComponent(issue.issueId)}/approve-plan`,
          accessibleLabel: `Approve the plan of ${issue.identifier}`,
        })}
      </div>
    </dialog>`;
}
