import type { RunStepRow } from '../../store/run-steps.ts';
import { formatDuration } from '../admin/render-helpers.ts';

/**
 * Views over a job's runner progress reports (`run_steps`): one row per step with its final
 * status, and the plan a planning run's `plan` step reported (src/runner/steps/plan.ts puts the
 * plan's sections in that step's output, cut at 4,000 characters each; the ticket gets the whole
 * text as comments).
 */

/** One step of one dispatch: the last status reported for it and how long it took. */
export interface StepRowView {
  dispatchId: string;
  step: string;
  /** The newest status reported (`started` while it runs; `succeeded`, `failed`, `skipped` after). */
  status: string;
  /** The runner's elapsed time for the step in ms, from its newest report that carried one. */
  elapsedMs: number | null;
  /** When the first report of the step arrived (ISO 8601). */
  firstReportedAt: string;
  /** When the newest report of the step arrived (ISO 8601). */
  lastReportedAt: string;
}

/** Folds the reports (oldest first) into one row per (dispatch, step), in the order steps began. */
export function stepRows(steps: RunStepRow[]): StepRowView[] {
  const rows = new Map<string, StepRowView>();
  for (const report of steps) {
    const key = `${report.dispatch_id}\u0000${report.step}`;
    const known = rows.get(key);
    if (!known) {
      rows.set(key, {
        dispatchId: report.dispatch_id,
        step: report.step,
        status: report.status,
        elapsedMs: report.elapsed_ms,
        firstReportedAt: report.received_at,
        lastReportedAt: report.received_at,
      });
      continue;
    }
    // `started` always comes first; reports stamped in the same millisecond may list it after.
    if (report.status === 'started' && known.status !== 'started') continue;
    known.status = report.status;
    known.elapsedMs = report.elapsed_ms ?? known.elapsedMs;
    known.lastReportedAt = report.received_at;
  }
  return [...rows.values()];
}

/** A plan as its planning run reported it. */
export interface PlanView {
  dispatchId: string;
  reportedAt: string;
  sections: { title: string; body: string }[];
  /** Ids of the work units the plan names, when it has a Work Units section. */
  workUnits: string[];
}

/** The newest plan among the reports, or null when no `plan` step reported one. */
export function planOf(steps: RunStepRow[]): PlanView | null {
  for (let index = steps.length - 1; index >= 0; index -= 1) {
    const report = steps[index]!;
    if (report.step !== 'plan' || !report.output_json) continue;
    const output = JSON.parse(report.output_json) as { sections?: unknown; workUnits?: unknown };
    if (!Array.isArray(output.sections)) continue;
    const sections = output.sections
      .filter(
        (section): section is { title: string; body: string } =>
          typeof section === 'object' &&
          section !== null &&
          typeof (section as { title?: unknown }).title === 'string' &&
          typeof (section as { body?: unknown }).body === 'string',
      )
      .map((section) => ({ title: section.title, body: section.body }));
    if (sections.length === 0) continue;
    const workUnits = Array.isArray(output.workUnits)
      ? output.workUnits.filter((id): id is string => typeof id === 'string')
      : [];
    return { dispatchId: report.dispatch_id, reportedAt: report.received_at, sections, workUnits };
  }
  return null;
}

/** One line of a job's run log: a progress report in words, with any long output beneath it. */
export interface LogLineView {
  dispatchId: string;
  receivedAt: string;
  /** `checkout succeeded in 4 s — branch: ai/eng-42, files: 3`. */
  text: string;
  /** A long or multi-line output value (a hook's failure, a review's request), cut at its end. */
  detail: string | null;
}

/** Short values stay on the line; longer strings go under it. */
const INLINE_LIMIT = 120;
/** The most of one detail kept; the end of a hook's output is the part that explains it. */
const DETAIL_LIMIT = 4_000;

/**
 * The run log of a job (issue 19: "the live log of the run while it runs"): every progress
 * report, oldest first, as a line of words. The runner's step outputs (CONTRACTS.md §4) carry
 * small fields (branch, sha, counts, verdicts) and a few texts (a failed hook's output tail, a
 * review's requested changes); the plan's sections are named, not repeated (the Plan section
 * shows them).
 */
export function logLines(steps: RunStepRow[]): LogLineView[] {
  return steps.map((report) => {
    const took =
      report.elapsed_ms === null || report.status === 'started'
        ? ''
        : ` in ${formatDuration(report.elapsed_ms / 1000)}`;
    const output = report.output_json ? (JSON.parse(report.output_json) as Record<string, unknown>) : {};
    const inline: string[] = [];
    const details: string[] = [];
    for (const [key, value] of Object.entries(output)) {
      if (key === 'sections' && Array.isArray(value)) {
        inline.push(`${value.length} plan sections (see Plan)`);
        continue;
      }
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      if (text.length <= INLINE_LIMIT && !text.includes('\n')) inline.push(`${key}: ${text}`);
      else details.push(`${key}:\n${text.length > DETAIL_LIMIT ? `…${text.slice(-DETAIL_LIMIT)}` : text}`);
    }
    return {
      dispatchId: report.dispatch_id,
      receivedAt: report.received_at,
      text: `${report.step} ${report.status}${took}${inline.length > 0 ? ` — ${inline.join(', ')}` : ''}`,
      detail: details.length > 0 ? details.join('\n\n') : null,
    };
  });
}
