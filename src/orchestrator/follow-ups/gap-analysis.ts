import { describeError } from '../../domain/errors.ts';
import { listDispatchesOfPullRequest, type DispatchRow } from '../../store/dispatches.ts';
import { listFeedbackOfPullRequest, type FeedbackRow } from '../../store/pull-request-feedback.ts';
import { pullRequestKey, type PullRequestRow } from '../../store/pull-requests.ts';
import type { LoopDeps } from './loop-deps.ts';
import { describeItem } from './request-follow-up.ts';

/** The runner's gap analysis comment carries this marker (seed 003 step 6; runner brief). */
export const GAP_ANALYSIS_MARKER = '<!-- ai-implement:gap-analysis -->';
/** Marks the orchestrator's own comment when the PR has no gap analysis to add to. */
const FEEDBACK_COMMENT_MARKER = '<!-- ai-implement:feedback-addressed -->';
const SECTION_START = '<!-- ai-implement:feedback-addressed:start -->';
const SECTION_END = '<!-- ai-implement:feedback-addressed:end -->';

/**
 * Brings the gap analysis up to date with what follow-up passes addressed (seed 003 step 9:
 * "updates the gap analysis with what was newly addressed"): a "Review feedback addressed"
 * section, one entry per successful pass with the runner's summary and the feedback it took,
 * written between hidden markers inside the runner's gap analysis comment — replaced whole each
 * time, so it is idempotent and survives the runner rewriting the rest of the comment. Without
 * a gap analysis comment the section goes into a comment of its own. GitHub errors are logged.
 */
export async function updateGapAnalysis(deps: LoopDeps, pr: PullRequestRow): Promise<void> {
  const { ctx, host } = deps;
  if (!host) return;
  const section = renderSection(
    await listDispatchesOfPullRequest(ctx.db, pullRequestKey(pr.repo, pr.number)),
    await listFeedbackOfPullRequest(ctx.db, pr.repo, pr.number),
  );
  if (!section) return;
  try {
    const comments = await host.listComments(pr.repo, pr.number);
    const target =
      comments.find((comment) => comment.body.includes(GAP_ANALYSIS_MARKER)) ??
      comments.find((comment) => comment.body.includes(FEEDBACK_COMMENT_MARKER));
    if (!target) {
      await host.createComment(pr.repo, pr.number, `${FEEDBACK_COMMENT_MARKER}\n${section}`);
      return;
    }
    const body = withSection(target.body, section);
    if (body !== target.body) await host.updateComment(pr.repo, target.id, body);
  } catch (error) {
    ctx.logger.warn(
      { pr: `${pr.repo}#${pr.number}`, err: describeError(error) },
      'could not update the gap analysis with the feedback addressed',
    );
  }
}

/** `body` with the section replaced, or appended when it has none yet. */
export function withSection(body: string, section: string): string {
  const start = body.indexOf(SECTION_START);
  const end = body.indexOf(SECTION_END);
  if (start !== -1 && end > start) {
    return body.slice(0, start) + section + body.slice(end + SECTION_END.length);
  }
  return `${body.trimEnd()}\n\n${section}`;
}

/** The section for every successful follow-up pass, oldest first; undefined when there is none. */
export function renderSection(runs: DispatchRow[], feedback: FeedbackRow[]): string | undefined {
  const passes = runs.filter((run) => run.status === 'succeeded');
  if (passes.length === 0) return undefined;
  const lines = [SECTION_START, '### Review feedback addressed', ''];
  for (const run of passes) {
    const when = (run.finished_at ?? run.created_at).slice(0, 16).replace('T', ' ');
    const summary = resultSummary(run);
    lines.push(`**${run.phase} pass ${run.dispatch_number}** (${when} UTC)${summary ? ` — ${summary}` : ''}`);
    const items = feedback.filter(
      (item) => item.dispatch_id === run.id && item.status === 'addressed' && item.kind !== 'command',
    );
    for (const item of items) lines.push(`- ${describeItem(item)}`);
    const checks = failedChecksOf(run);
    if (checks) lines.push(`- failing checks it fixed: ${checks}`);
    else if (items.length === 0) lines.push('- no review feedback was queued for this pass');
    lines.push('');
  }
  lines.push(SECTION_END);
  return lines.join('\n');
}

/** The runner's `summary` from the locked-in result (CONTRACTS.md §4), on one line. */
function resultSummary(run: DispatchRow): string | undefined {
  if (!run.result_json) return undefined;
  try {
    const { summary } = JSON.parse(run.result_json) as { summary?: unknown };
    return typeof summary === 'string' && summary.trim() !== ''
      ? summary.trim().replace(/\s+/g, ' ').slice(0, 300)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A ci-fix pass's failed check names (its `ciFailure`), joined; undefined for other passes. */
function failedChecksOf(run: DispatchRow): string | undefined {
  if (run.phase !== 'ci-fix' || !run.ci_failure_json) return undefined;
  try {
    const { checks } = JSON.parse(run.ci_failure_json) as { checks?: { name?: unknown }[] };
    const names = (checks ?? []).map((check) => String(check.name ?? '')).filter(Boolean);
    return names.length > 0 ? names.join(', ') : undefined;
  } catch {
    return undefined;
  }
}
