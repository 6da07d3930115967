import { listDispatchesOfPullRequests } from '../../store/dispatch-reports.ts';
import type { DispatchRow } from '../../store/dispatches.ts';
import { listMappings } from '../../store/mappings.ts';
import { countPendingFeedback } from '../../store/pull-request-feedback.ts';
import { pullRequestKey, type PullRequestRow } from '../../store/pull-requests.ts';
import type { OrchestratorContext } from '../context.ts';
import { followUpBudget, followUpRunsUsed } from './follow-up-policy.ts';

/** What the Pull requests panel shows of a PR's loop, next to its job status. */
export interface PullRequestLoopSummary {
  /** `open`, `merged` or `closed` (without merge). */
  state: string;
  /** Follow-up runs (gap-fill, review-fix, ci-fix) used, of the PR's budget. */
  followUpRuns: { used: number; budget: number };
  /** Feedback waiting for the next pass. */
  pendingFeedback: number;
  /** The budget ran out and the PR was labelled for a person. */
  handedOver: boolean;
  /**
   * The head's checks as last seen (issue 17): `state` is `pending`, `passed`, `failing`,
   * `exhausted` or `none` (null: not looked at yet), with the commit and a one-line summary.
   */
  checks: { state: string | null; headSha: string | null; summary: string | null };
  /** ci-fix runs the PR had, of the mapping's `maxCiFixAttempts`. */
  ciFixRuns: { used: number; max: number };
  /** When the newest run on the PR was dispatched: its follow-ups, else the run that opened it. */
  lastDispatchAt: string;
  links: { pullRequest: string; issue: string; branch: string };
}

/**
 * The loop's part of each `/api/pulls` row, keyed by `owner/repo#12`, in a fixed number of
 * queries whatever the number of PRs (the panel must stay fast with thousands of rows).
 */
export async function summarizePullRequestLoops(
  ctx: OrchestratorContext,
  rows: PullRequestRow[],
): Promise<Map<string, PullRequestLoopSummary>> {
  const keys = rows.map((row) => pullRequestKey(row.repo, row.number));
  const [mappings, followUps, pending] = await Promise.all([
    listMappings(ctx.db),
    listDispatchesOfPullRequests(ctx.db, keys),
    countPendingFeedback(ctx.db),
  ]);
  const budgets = new Map(mappings.map((mapping) => [mapping.teamKey, followUpBudget(mapping)]));
  const ciFixMax = new Map(mappings.map((mapping) => [mapping.teamKey, mapping.maxCiFixAttempts]));
  const byKey = new Map<string, DispatchRow[]>();
  for (const dispatch of followUps) {
    const key = dispatch.pull_request_key ?? '';
    byKey.set(key, [...(byKey.get(key) ?? []), dispatch]);
  }
  const summaries = new Map<string, PullRequestLoopSummary>();
  rows.forEach((row, index) => {
    const key = keys[index]!;
    const runs = byKey.get(key) ?? [];
    const newest = runs.at(-1);
    const newestAt = newest ? (newest.dispatched_at ?? newest.created_at) : undefined;
    summaries.set(key, {
      state: row.state,
      followUpRuns: { used: followUpRunsUsed(runs), budget: budgets.get(row.team_key) ?? 0 },
      pendingFeedback: pending.get(key) ?? 0,
      handedOver: row.handed_over_at !== null,
      checks: { state: row.checks_state, headSha: row.checks_head_sha, summary: row.checks_summary },
      ciFixRuns: {
        used: followUpRunsUsed(runs.filter((run) => run.phase === 'ci-fix')),
        max: ciFixMax.get(row.team_key) ?? 0,
      },
      lastDispatchAt: newestAt && newestAt > row.last_dispatch_at ? newestAt : row.last_dispatch_at,
      links: {
        pullRequest: row.url,
        issue: row.issue_url,
        branch: `https://github.com/${row.repo}/tree/${row.branch.split('/').map(encodeURIComponent).join('/')}`,
      },
    });
  });
  return summaries;
}
