import { html } from 'hono/html';
import { listApprovedJobIds } from '../../../store/plan-approvals.ts';
import { approvePlanButton, planSections } from './plan-dialog.ts';
import type { OrchestratorContext } from '../../../orchestrator/context.ts';
import { LIST_PAGES, loadJobLog, loadJobSteps, type UsageView } from '../../api/work-loaders.ts';
import { cursorPager, panelPage } from '../pager.ts';
import type { JobView } from '../../api/work-views.ts';
import { runnerWords } from '../words.ts';
import { listShadowRuns } from '../../../orchestrator/shadow/shadow-comparison.ts';
import { SHADOW_ROWS, shadowRunsSection } from './shadow-runs-section.ts';
import type { LogLineView } from '../../api/job-steps-view.ts';
import type { PanelContent } from '../layout.ts';
import {
  badge,
  emptyRow,
  externalLink,
  formatDuration,
  formatUsd,
  section,
  timeCell,
  type Html,
} from '../render-helpers.ts';

/**
 * Pipelines — the dispatch log, `jobs` inside (seed 002): the last ~500 dispatches, the planning
 * and implementation dispatches of one issue grouped as one job. Same loader as `GET /api/log`.
 */
export async function jobsPanel(ctx: OrchestratorContext, query: URLSearchParams): Promise<PanelContent> {
  const page = panelPage(query, LIST_PAGES.log.arity, ctx.policy.logLimit);
  const view = await loadJobLog(ctx, page);
  const pager = cursorPager('/admin/jobs', page, view.nextCursor);
  const body = html`<p class="muted">
      ${view.jobs.length} jobs from ${page.after ? '' : 'the newest '}${view.dispatches} dispatches (at most
      ${ctx.policy.logLimit} a page).
    </p>
    ${pager}
    <table class="jobs">
      <thead>
        <tr>
          <th scope="col">Issue</th>
          <th scope="col">Repo</th>
          <th scope="col">Team</th>
          <th scope="col">Runner</th>
          <th scope="col">Session image</th>
          <th scope="col">Dispatches (phase, #, status)</th>
          <th scope="col">Pull request</th>
          <th scope="col">Created</th>
        </tr>
      </thead>
      <tbody>
        ${view.jobs.length === 0 ? emptyRow(8, html`Nothing dispatched yet: runs start when a ticket of a project is labelled AI-Implement — see <a href="/admin/issues">Issues</a>.`) : view.jobs.map(jobRow)}
      </tbody>
    </table>
    ${pager} ${page.after ? '' : shadowRunsSection(await listShadowRuns(ctx.db, SHADOW_ROWS))}`;
  return {
    title: 'Pipelines',
    lead: 'The dispatch log: who was dispatched, where, and how it went. Use it to see why an issue was or was not picked up.',
    body,
  };
}

function jobRow(job: JobView): Html {
  return html`<tr>
    <td>
      <a href="/admin/jobs/${encodeURIComponent(job.jobId)}">${job.issue.identifier}</a>
      <span class="muted">${job.issue.title}</span>
      ${externalLink(
        job.issue.url,
        html`<span class="visually-hidden">${job.issue.identifier} in </span>${job.issue.provider}`,
      )}
    </td>
    <td>${job.repo}</td>
    <td>${job.teamKey}</td>
    <td>${runnerWords(job.runnerMode)}</td>
    <td class="wrap">${sessionImage(job)}</td>
    <td>
      <ol class="dispatch-chain">
        ${job.dispatches.map(
          (d) =>
            html`<li>
              ${d.phase} <span class="muted">#${d.dispatchNumber}</span> ${badge(d.status)}
              ${d.error ? html`<span class="error-text">${d.error}</span>` : ''}
            </li>`,
        )}
      </ol>
    </td>
    <td>${job.prUrl ? externalLink(job.prUrl, prLabel(job.prUrl)) : html`<span class="muted">—</span>`}</td>
    <td>${timeCell(job.createdAt)}</td>
  </tr>`;
}

/**
 * The image the job's session ran (seed 002's Session image): what the ledger recorded when the
 * backend chose it (Fly Machines, local Docker containers). A GitHub Actions run's machine is
 * the workflow's `runs-on`, which the orchestrator does not see; a local child process has none.
 */
function sessionImage(job: JobView): Html {
  if (job.image) return html`<code>${job.image}</code>`;
  const why =
    job.runnerMode === 'github-actions'
      ? 'the workflow’s runner'
      : job.runnerMode === 'fly-machines'
        ? 'not recorded yet'
        : 'none (a local process)';
  return html`<span class="muted">${why}</span>`;
}

/** `owner/repo#12` from a GitHub PR URL, or the URL itself. */
export function prLabel(url: string): string {
  const match = /github[^/]*\/([^/]+\/[^/]+)\/pull\/(\d+)/.exec(url);
  return match ? `${match[1]}#${match[2]}` : url;
}

/**
 * One job: its dispatches and the runner's step progress (`POST /runner/progress`). While a
 * dispatch is in flight the page script refreshes the steps from `GET /api/jobs/:jobId/steps`.
 */
export async function jobDetailPanel(
  ctx: OrchestratorContext,
  jobId: string,
): Promise<PanelContent | undefined> {
  const view = await loadJobSteps(ctx, jobId);
  if (!view) return undefined;
  const active = view.dispatches.some((d) => d.status === 'pending' || d.status === 'running');
  const phaseOf = new Map(view.dispatches.map((d) => [d.dispatchId, `${d.phase} #${d.dispatchNumber}`]));
  const body = html`<p>
      ${externalLink(view.issue.url, view.issue.identifier)} — ${view.issue.title}
      <span class="muted">· ${view.repo} · ${view.teamKey} · cost ${formatUsd(view.costUsd)}</span>
    </p>
    ${section(
      'Dispatches',
      html`<table data-live-part="dispatches">
        <thead>
          <tr>
            <th scope="col">Phase</th>
            <th scope="col">#</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
            <th scope="col">Finished</th>
            <th scope="col">Cost</th>
            <th scope="col">Tokens (in / out / cache read)</th>
            <th scope="col">Turns</th>
            <th scope="col">Model</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          ${view.dispatches.map(
            (d) =>
              html`<tr>
                <td>${d.phase}</td>
                <td>${d.dispatchNumber}</td>
                <td>${badge(d.status)}</td>
                <td>${timeCell(d.createdAt)}</td>
                <td>${timeCell(d.finishedAt)}</td>
                <td>${formatUsd(d.usage?.costUsd)}</td>
                <td>${tokens(d.usage)}</td>
                <td>${d.usage?.turns ?? '—'}</td>
                <td>${d.usage?.model ?? '—'}</td>
                <td class="wrap">
                  ${d.prUrl ? externalLink(d.prUrl, prLabel(d.prUrl)) : ''} ${d.error ?? ''}
                </td>
              </tr>`,
          )}
        </tbody>
      </table>`,
    )}
    ${await planSection(ctx, view)} ${passesSection(view.dispatches, phaseOf)}
    ${section(
      'Steps',
      html`${active ? html`<p class="muted live-note">In flight: the steps and the run log refresh every 5 seconds.</p>` : ''}
        <table
          data-live="job-steps"
          data-src="/api/jobs/${encodeURIComponent(jobId)}/steps"
          data-active="${active ? 'true' : 'false'}"
        >
          <thead>
            <tr>
              <th scope="col">Dispatch</th>
              <th scope="col">Step</th>
              <th scope="col">Status</th>
              <th scope="col">Duration</th>
              <th scope="col">Last report</th>
            </tr>
          </thead>
          <tbody>
            ${
              view.stepRows.length === 0
                ? emptyRow(5, 'No progress reported yet.')
                : view.stepRows.map(
                    (step) =>
                      html`<tr>
                        <td>${phaseOf.get(step.dispatchId) ?? step.dispatchId}</td>
                        <td>${step.step}</td>
                        <td>${badge(step.status)}</td>
                        <td>${step.elapsedMs === null ? '—' : formatDuration(step.elapsedMs / 1000)}</td>
                        <td>${timeCell(step.lastReportedAt)}</td>
                      </tr>`,
                  )
            }
          </tbody>
        </table>`,
    )}
    ${runLogSection(view.log, phaseOf, active)}`;
  return {
    title: `Job ${view.issue.identifier}`,
    lead: 'Dispatches, step-by-step progress and the run log of one job.',
    body,
  };
}

/**
 * The plan of the job's planning run (issue 19), with the Approve dialog while it waits for a
 * person; nothing for a job that never planned.
 */
async function planSection(
  ctx: OrchestratorContext,
  view: NonNullable<Awaited<ReturnType<typeof loadJobSteps>>>,
): Promise<Html | string> {
  const planning = view.dispatches.filter((d) => d.phase === 'planning');
  if (planning.length === 0 && !view.plan) return '';
  const newest = view.dispatches.at(-1)!;
  const waiting =
    newest.phase === 'planning' &&
    !['pending', 'running', 'failed'].includes(newest.status) &&
    !(await listApprovedJobIds(ctx.db, [view.jobId])).has(view.jobId);
  return section(
    'Plan',
    html`${
      waiting
        ? html`<p>
            This plan waits for approval.
            ${approvePlanButton({ issueId: view.issue.id, identifier: view.issue.identifier }, view.plan)}
          </p>`
        : ''
    }
    ${planSections(view.plan)}`,
  );
}

/**
 * The run log (issue 19): every progress report in words, with long outputs (a failed hook's
 * tail, a review's request) under their line. While a dispatch is in flight the page script
 * renders it again from `GET /api/jobs/:jobId/steps` with the Steps table.
 */
function runLogSection(log: LogLineView[], phaseOf: Map<string, string>, active: boolean): Html {
  return section(
    'Run log',
    html`<ol class="run-log" data-live="run-log" aria-live="${active ? 'polite' : 'off'}">
      ${
        log.length === 0
          ? html`<li class="muted">
              Nothing reported yet: the runner reports each step as it starts and ends.
            </li>`
          : log.map(
              (line) =>
                html`<li>
                  <time datetime="${line.receivedAt}">${line.receivedAt.slice(11, 19)}</time>
                  <span class="muted">${phaseOf.get(line.dispatchId) ?? line.dispatchId}</span>
                  ${line.text} ${line.detail ? html`<pre class="log-detail">${line.detail}</pre>` : ''}
                </li>`,
            )
      }
    </ol>`,
  );
}

/** `1,200 / 340 / 900`: input, output and cache-read tokens; `—` without usage. */
function tokens(usage: UsageView | null): string {
  if (!usage || usage.inputTokens === null) return '—';
  const n = (value: number | null) => (value ?? 0).toLocaleString('en-US');
  return `${n(usage.inputTokens)} / ${n(usage.outputTokens)} / ${n(usage.cacheReadTokens)}`;
}

/** What each agent pass cost, when the runner reported passes (issue 16). */
function passesSection(
  dispatches: { dispatchId: string; usage: UsageView | null }[],
  phaseOf: Map<string, string>,
): Html | string {
  const rows = dispatches.flatMap((d) =>
    (d.usage?.passes ?? []).map((pass) => ({
      dispatch: phaseOf.get(d.dispatchId) ?? d.dispatchId,
      pass: pass as PassRow,
    })),
  );
  if (rows.length === 0) return '';
  return section(
    'Agent passes',
    html`<table>
      <thead>
        <tr>
          <th scope="col">Dispatch</th>
          <th scope="col">Pass</th>
          <th scope="col">Model</th>
          <th scope="col">Ended</th>
          <th scope="col">Cost</th>
          <th scope="col">Turns</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          ({ dispatch, pass }) =>
            html`<tr>
              <td>${dispatch}</td>
              <td>${pass.label ?? '—'}</td>
              <td>${pass.model ?? '—'}</td>
              <td>${pass.subtype ?? '—'}</td>
              <td>${formatUsd(pass.costUsd)}</td>
              <td>${pass.turns ?? '—'}</td>
            </tr>`,
        )}
      </tbody>
    </table>`,
  );
}

/** A pass as stored in the result's `usage.passes` (validated when the result was accepted). */
interface PassRow {
  label?: string;
  model?: string;
  subtype?: string;
  costUsd?: number;
  turns?: number;
}
