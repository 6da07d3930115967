import { describeError } from '../../domain/errors.ts';
import { DEFAULT_MAX_JOB_MINUTES, type Mapping } from '../../domain/mapping.ts';
import { actionsRunRuleFor, reaperRuleFor, type ReaperRule } from '../../domain/reaper-rules.ts';
import type { ActiveWorkflowRun } from '../../github/active-workflow-runs.ts';
import { getDispatches, IN_FLIGHT, type DispatchRow } from '../../store/dispatches.ts';
import { listMappings } from '../../store/mappings.ts';
import { reaperActionRecorded } from '../../store/reaper-actions.ts';
import type { OrchestratorContext } from '../context.ts';
import { resolveExecutionMode } from '../execution-mode.ts';
import { closeDestroyedRun } from '../sessions/sessions.ts';

/**
 * The reaper's GitHub Actions half (CONTRACTS.md §8, src/domain/reaper-rules.ts):
 * - from the ledger: runs in flight past maxJobMinutes + 15 min, and runs the deadline closed in
 *   the window, are cancelled (`max-age-exceeded`); their ticket is asked again;
 * - from GitHub: the unfinished runs of each GitHub Actions mapping's workflows are listed (one
 *   call per workflow file and status), matched to the ledger by the dispatch id in their title,
 *   and cancelled when the ledger has no run for them past maxJobMinutes (`orphan`) or its run
 *   ended more than ten minutes ago (`stale-terminal-job`) — a runner kept busy for nothing.
 * Each run is acted on once (a `reaper_actions` row); a failed cancel is logged and retried by
 * the next sweep.
 */

/** A UUID in a run's title: the dispatch id the templates' `run-name` ends with. */
const DISPATCH_ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** What one action is recorded with (reaper.ts's `record`). */
export interface ActionsRunAction {
  rule: ReaperRule;
  runId: string;
  row: DispatchRow | undefined;
  ageSeconds: number;
}

export interface ActionsSweepDeps {
  ctx: OrchestratorContext;
  dryRun: boolean;
  /** Lists a workflow's unfinished runs (src/github/active-workflow-runs.ts); absent: not asked. */
  listActiveRuns?:
    | ((input: { owner: string; repo: string; workflowFile: string }) => Promise<ActiveWorkflowRun[]>)
    | undefined;
  /** Records the action and adds it to the sweep's report. */
  record(action: ActionsRunAction): Promise<void>;
}

/** The Actions runs the ledger drives: in flight, or closed by the deadline since `since`. */
async function ledgerCandidates(ctx: OrchestratorContext, since: Date): Promise<DispatchRow[]> {
  return ctx.db
    .selectFrom('dispatches')
    .selectAll()
    .where('runner_mode', '=', 'github-actions')
    .where('external_id', 'is not', null)
    .where((eb) =>
      eb.or([
        eb('status', 'in', IN_FLIGHT),
        eb.and([eb('close_reason', '=', 'deadline'), eb('finished_at', '>=', since.toISOString())]),
      ]),
    )
    .execute();
}

export async function sweepActionsRuns(deps: ActionsSweepDeps, since: Date): Promise<void> {
  const { ctx } = deps;
  const backend = ctx.backends.get('github-actions');
  if (!backend?.cancel) return;
  const cancel = backend.cancel.bind(backend);
  const now = ctx.clock().getTime();
  const mappings = new Map((await listMappings(ctx.db)).map((m) => [m.teamKey, m]));
  const maxJobMinutes = (m: Mapping | undefined) => m?.maxJobMinutes ?? DEFAULT_MAX_JOB_MINUTES;

  async function act(mapping: Mapping, action: ActionsRunAction, why: string): Promise<void> {
    if (await reaperActionRecorded(ctx.db, { runId: action.runId }, deps.dryRun)) return;
    try {
      if (!deps.dryRun) {
        await cancel({ mapping, externalId: action.runId });
        const { row } = action;
        if (row && IN_FLIGHT.includes(row.status)) await closeDestroyedRun(ctx, row, why);
      }
      await deps.record(action);
    } catch (error) {
      ctx.logger.warn(
        { runId: action.runId, rule: action.rule, err: describeError(error) },
        'reaper: could not cancel GitHub Actions run',
      );
    }
  }

  for (const row of await ledgerCandidates(ctx, since)) {
    const mapping = mappings.get(row.team_key);
    if (!mapping) continue;
    const startedAt = Date.parse(row.dispatched_at ?? row.created_at);
    const rule = reaperRuleFor({
      nowMs: now,
      createdAtMs: startedAt,
      run: { resultAtMs: undefined, maxJobMinutes: maxJobMinutes(mapping), issueTerminal: false },
    });
    if (row.close_reason !== 'deadline' && rule !== 'max-age-exceeded') continue;
    const action = {
      rule: 'max-age-exceeded' as const,
      runId: row.external_id!,
      row,
      ageSeconds: (now - startedAt) / 1000,
    };
    await act(mapping, action, 'run cancelled by the reaper (max-age-exceeded)');
  }

  if (!deps.listActiveRuns) return;
  const runnerMode = await ctx.runnerMode();
  const workflows = new Map<string, { mapping: Mapping; workflowFile: string }>();
  for (const mapping of mappings.values()) {
    if (resolveExecutionMode(mapping, runnerMode) !== 'github-actions') continue;
    for (const workflowFile of new Set([mapping.workflowFile, mapping.planningWorkflowFile])) {
      const key = `${mapping.owner}/${mapping.repo}`.toLowerCase() + `/${workflowFile}`;
      if (!workflows.has(key)) workflows.set(key, { mapping, workflowFile });
    }
  }
  for (const { mapping, workflowFile } of workflows.values()) {
    let runs: ActiveWorkflowRun[];
    try {
      runs = await deps.listActiveRuns({ owner: mapping.owner, repo: mapping.repo, workflowFile });
    } catch (error) {
      ctx.logger.warn(
        { repo: `${mapping.owner}/${mapping.repo}`, workflowFile, err: describeError(error) },
        'reaper: cannot list unfinished GitHub Actions runs; next sweep retries',
      );
      continue;
    }
    const ids = runs.flatMap((run) => DISPATCH_ID.exec(run.displayTitle)?.[0] ?? []);
    const rows = new Map((await getDispatches(ctx.db, ids)).map((row) => [row.id, row]));
    for (const run of runs) {
      const dispatchId = DISPATCH_ID.exec(run.displayTitle)?.[0];
      // A run without a dispatch id in its title was started by a person: not the reaper's.
      if (!dispatchId) continue;
      const row = rows.get(dispatchId);
      const owner = (row && mappings.get(row.team_key)) ?? mapping;
      const createdAtMs = Date.parse(run.createdAt);
      if (!Number.isFinite(createdAtMs)) continue;
      const finished = row?.finished_at ?? row?.result_received_at;
      const rule = actionsRunRuleFor({
        nowMs: now,
        createdAtMs,
        maxJobMinutes: maxJobMinutes(owner),
        run: row && { finishedAtMs: finished ? Date.parse(finished) : undefined },
      });
      if (!rule) continue;
      const action = { rule, runId: String(run.runId), row, ageSeconds: (now - createdAtMs) / 1000 };
      await act(owner, action, `run cancelled by the reaper (${rule})`);
    }
  }
}
