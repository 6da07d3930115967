import type { RunStepRow } from '../../store/run-steps.ts';

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
