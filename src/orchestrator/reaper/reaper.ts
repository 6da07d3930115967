import { randomUUID } from 'node:crypto';
import { describeError } from '../../domain/errors.ts';
import { DEFAULT_MAX_JOB_MINUTES, type Mapping } from '../../domain/mapping.ts';
import { REAPER_RULES, reaperRuleFor, type ReaperRule } from '../../domain/reaper-rules.ts';
import { isTerminal, type TicketingProviderName } from '../../domain/ticket.ts';
import type { FlyMachine, FlyMachinesClient } from '../../fly/machines.ts';
import { belongsToTenant, META } from '../../runners/fly/machine-config.ts';
import { isIdlePoolMachine } from '../../runners/fly/warm-pool.ts';
import { IN_FLIGHT, type DispatchRow } from '../../store/dispatches.ts';
import { getMapping } from '../../store/mappings.ts';
import {
  countReaperActionsByRule,
  insertReaperAction,
  listRecentReaperActions,
  reaperActionRecorded,
} from '../../store/reaper-actions.ts';
import { getSetting, setSetting } from '../../store/settings.ts';
import type { OrchestratorContext } from '../context.ts';
import { closeDestroyedRun, runOfMachine } from '../sessions/sessions.ts';
import { closeDestroyedShadow, shadowOfMachine } from '../shadow/shadow-runs.ts';
import type { ShadowRunRow } from '../../store/shadow-runs.ts';
import { sweepActionsRuns, type ActionsSweepDeps } from './actions-runs.ts';

/**
 * The reaper (CONTRACTS.md §8): every REAPER_INTERVAL_MS it sweeps the sessions app's Machines
 * and the GitHub Actions runs the ledger knows, applies the rules of src/domain/reaper-rules.ts,
 * destroys Machines and cancels Actions runs — or with REAPER_DRY_RUN only records what it would
 * do — and records each action. A run it ends is handled like a session destroy (its ticket is
 * asked again). When the actions of the last 24 h go above REAPER_ALERT_THRESHOLD, one
 * `reaper_alert` goes out; the next goes out only after the count fell back to the threshold
 * (one alert per crossing). Nothing here throws out of a sweep for one bad Machine: it is logged
 * and the next sweep tries again.
 *
 * GitHub Actions runs: the reconcile step already cancels the run of a ticket that went done or
 * cancelled; a run past its deadline is only marked failed there, and keeps its runner busy. The
 * reaper cancels those (`max-age-exceeded`): in-flight runs over maxJobMinutes + 15 min, and runs
 * closed by the deadline in the last 24 h. Each run is acted on once.
 */

const WINDOW_HOURS = 24;
const WINDOW_MS = WINDOW_HOURS * 3_600_000;
const LAST_SWEEP_KEY = 'reaperLastSweepAt';
const ALERT_RAISED_KEY = 'reaperAlertRaised';

export interface ReaperDeps {
  ctx: OrchestratorContext;
  /** Undefined without FLY_SESSIONS_TOKEN: only Actions runs are swept. */
  machines: FlyMachinesClient | undefined;
  app: () => string | undefined;
  /** REAPER_DRY_RUN. */
  dryRun: boolean;
  /** REAPER_ALERT_THRESHOLD. */
  alertThreshold: number;
  /** CLIENT_SLUG, recorded when a Machine has no `ai_implement_tenant`. */
  tenant: string | undefined;
  /**
   * FLY_WARM_POOL_SIZE: while above 0, idle pooled Machines are the pool, never orphans; with the
   * pool off, ones left over are orphans like any Machine no run owns.
   */
  warmPoolSize?: number;
  /** Lists a workflow's unfinished runs on GitHub (orphan and stale-terminal-job Actions runs). */
  listActiveRuns?: ActionsSweepDeps['listActiveRuns'];
}

/**
 * `GET /api/reaper/summary`: the actions of the last 24 h of the current mode — destructions
 * and cancellations, or with REAPER_DRY_RUN the ones it only recorded (`dryRun` says which).
 */
export interface ReaperSummary {
  windowHours: number;
  total: number;
  byRule: Record<ReaperRule, number>;
  lastSweepAt: string | null;
  dryRun: boolean;
}

/** One row of `GET /api/reaper/recent`. */
export interface ReaperActionView {
  at: string;
  rule: string;
  machineId: string | null;
  runId: string | null;
  tenant: string | null;
  issueIdentifier: string | null;
  /** The ledger's dispatch the Machine or run belonged to, when it had one (the job page links from it). */
  dispatchId: string | null;
  ageSeconds: number;
  dryRun: boolean;
}

export interface SweepReport {
  actions: { rule: ReaperRule; machineId?: string; runId?: string; dryRun: boolean }[];
  alerted: boolean;
}

export interface Reaper {
  readonly dryRun: boolean;
  sweep(): Promise<SweepReport>;
  summary(): Promise<ReaperSummary>;
  recent(limit: number): Promise<ReaperActionView[]>;
}

export function createReaper(deps: ReaperDeps): Reaper {
  const { ctx } = deps;

  async function mappingsOf(rows: DispatchRow[]): Promise<Map<string, Mapping | undefined>> {
    const mappings = new Map<string, Mapping | undefined>();
    for (const key of new Set(rows.map((row) => row.team_key)))
      mappings.set(key, await getMapping(ctx.db, key));
    return mappings;
  }

  /** Issue ids whose ticket is done or cancelled, from the trackers (a tracker that fails: none). */
  async function terminalIssues(rows: DispatchRow[]): Promise<Set<string>> {
    const terminal = new Set(
      rows.filter((row) => row.close_reason === 'ticket_closed').map((r) => r.issue_id),
    );
    const byProvider = new Map<string, string[]>();
    for (const row of rows) {
      if (!IN_FLIGHT.includes(row.status)) continue;
      byProvider.set(row.ticketing_provider, [
        ...(byProvider.get(row.ticketing_provider) ?? []),
        row.issue_id,
      ]);
    }
    for (const [name, ids] of byProvider) {
      try {
        const tickets = await ctx.ticketing.get(name as TicketingProviderName)?.getTickets([...new Set(ids)]);
        for (const [id, ticket] of tickets ?? []) if (isTerminal(ticket.stateType)) terminal.add(id);
      } catch (error) {
        ctx.logger.warn(
          { provider: name, err: describeError(error) },
          'reaper: cannot read tickets; issue-terminal skipped',
        );
      }
    }
    return terminal;
  }

  async function record(action: {
    rule: ReaperRule;
    target: 'machine' | 'actions-run';
    machineId?: string;
    runId?: string;
    row: DispatchRow | undefined;
    tenant: string | undefined;
    issueIdentifier: string | undefined;
    ageSeconds: number;
  }): Promise<void> {
    await insertReaperAction(ctx.db, {
      id: randomUUID(),
      at: ctx.clock().toISOString(),
      rule: action.rule,
      target: action.target,
      machine_id: action.machineId ?? null,
      run_id: action.runId ?? null,
      dispatch_id: action.row?.id ?? null,
      tenant: action.tenant ?? null,
      issue_identifier: action.issueIdentifier ?? action.row?.issue_identifier ?? null,
      age_seconds: Math.max(0, Math.round(action.ageSeconds)),
      dry_run: deps.dryRun ? 1 : 0,
    });
  }

  async function sweepMachines(report: SweepReport): Promise<void> {
    const app = deps.app();
    if (!deps.machines || !app) return;
    const pooling = (deps.warmPoolSize ?? 0) > 0;
    // Another client's Machines in a shared sessions app are its orchestrator's to reap.
    const machines = (await deps.machines.listMachines(app)).filter(
      (m) => !(pooling && isIdlePoolMachine(m)) && belongsToTenant(m.metadata, deps.tenant),
    );
    const rows = new Map<string, DispatchRow>();
    const shadows = new Map<string, ShadowRunRow>();
    for (const machine of machines) {
      const row = await runOfMachine(ctx, machine);
      if (row) rows.set(machine.id, row);
      const shadow = row ? undefined : await shadowOfMachine(ctx, machine);
      if (shadow) shadows.set(machine.id, shadow);
    }
    const mappings = await mappingsOf([...rows.values()]);
    const terminal = await terminalIssues([...rows.values()]);
    const now = ctx.clock().getTime();
    for (const machine of machines) {
      const row = rows.get(machine.id);
      const shadow = shadows.get(machine.id);
      const createdAtMs = Date.parse(machine.createdAt);
      if (!Number.isFinite(createdAtMs)) continue;
      // A shadow run's Machine (RUNNER_MODE=shadow) is judged by its own record: no orphan, and
      // its ticket's state is the primary run's business.
      const rule = reaperRuleFor({
        nowMs: now,
        createdAtMs,
        run: shadow
          ? {
              resultAtMs: shadow.finished_at ? Date.parse(shadow.finished_at) : undefined,
              maxJobMinutes:
                (await getMapping(ctx.db, shadow.team_key))?.maxJobMinutes ?? DEFAULT_MAX_JOB_MINUTES,
              issueTerminal: false,
            }
          : row && {
              resultAtMs: row.result_received_at ? Date.parse(row.result_received_at) : undefined,
              maxJobMinutes: mappings.get(row.team_key)?.maxJobMinutes ?? DEFAULT_MAX_JOB_MINUTES,
              issueTerminal: terminal.has(row.issue_id),
            },
      });
      if (!rule) continue;
      try {
        await actOnMachine(app, machine, row, rule, (now - createdAtMs) / 1000, report);
      } catch (error) {
        ctx.logger.warn(
          { machineId: machine.id, rule, err: describeError(error) },
          'reaper: could not destroy Machine',
        );
      }
    }
  }

  async function actOnMachine(
    app: string,
    machine: FlyMachine,
    row: DispatchRow | undefined,
    rule: ReaperRule,
    ageSeconds: number,
    report: SweepReport,
  ): Promise<void> {
    // In dry-run a Machine is recorded once, not on every sweep.
    if (deps.dryRun && (await reaperActionRecorded(ctx.db, { machineId: machine.id }, true))) return;
    if (!deps.dryRun) {
      await deps.machines!.destroyMachine(app, machine.id);
      if (row) await closeDestroyedRun(ctx, row, `session destroyed by the reaper (${rule})`);
      const shadowId = row ? undefined : machine.metadata[META.dispatchId];
      if (shadowId) await closeDestroyedShadow(ctx, shadowId, `destroyed by the reaper (${rule})`);
    }
    await record({
      rule,
      target: 'machine',
      machineId: machine.id,
      row,
      tenant: machine.metadata[META.tenant] ?? deps.tenant,
      issueIdentifier: machine.metadata[META.issue],
      ageSeconds,
    });
    report.actions.push({ rule, machineId: machine.id, dryRun: deps.dryRun });
    ctx.logger.info(
      { machineId: machine.id, rule, dryRun: deps.dryRun, issue: row?.issue_identifier },
      deps.dryRun ? 'reaper: would destroy Machine (dry run)' : 'reaper: destroyed Machine',
    );
  }

  async function sweepGitHubActions(report: SweepReport): Promise<void> {
    await sweepActionsRuns(
      {
        ctx,
        dryRun: deps.dryRun,
        listActiveRuns: deps.listActiveRuns,
        async record(action) {
          await record({ ...action, target: 'actions-run', tenant: deps.tenant, issueIdentifier: undefined });
          report.actions.push({ rule: action.rule, runId: action.runId, dryRun: deps.dryRun });
        },
      },
      new Date(ctx.clock().getTime() - WINDOW_MS),
    );
  }

  /** One alert per crossing of the threshold by the window's actions (of the current mode). */
  async function alertOnCrossing(): Promise<boolean> {
    const counts = await countReaperActionsByRule(
      ctx.db,
      new Date(ctx.clock().getTime() - WINDOW_MS),
      deps.dryRun,
    );
    const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
    const raised = (await getSetting(ctx.db, ALERT_RAISED_KEY)) === 'true';
    if (total > deps.alertThreshold && !raised) {
      await ctx.notifier.notify({
        type: 'reaper_alert',
        destroyedCount: total,
        threshold: deps.alertThreshold,
        windowHours: WINDOW_HOURS,
        dryRun: deps.dryRun,
      });
      await setSetting(ctx.db, ALERT_RAISED_KEY, 'true', ctx.clock());
      return true;
    }
    if (total <= deps.alertThreshold && raised)
      await setSetting(ctx.db, ALERT_RAISED_KEY, 'false', ctx.clock());
    return false;
  }

  return {
    dryRun: deps.dryRun,
    async sweep() {
      const report: SweepReport = { actions: [], alerted: false };
      try {
        await sweepMachines(report);
      } catch (error) {
        ctx.logger.warn(
          { err: describeError(error) },
          'reaper: cannot list the sessions app’s Machines; next sweep retries',
        );
      }
      await sweepGitHubActions(report);
      report.alerted = await alertOnCrossing();
      await setSetting(ctx.db, LAST_SWEEP_KEY, ctx.clock().toISOString(), ctx.clock());
      return report;
    },
    async summary() {
      // Of the current mode: destructions, or with REAPER_DRY_RUN what it would have destroyed.
      const counts = await countReaperActionsByRule(
        ctx.db,
        new Date(ctx.clock().getTime() - WINDOW_MS),
        deps.dryRun,
      );
      const byRule = Object.fromEntries(REAPER_RULES.map((rule) => [rule, counts.get(rule) ?? 0])) as Record<
        ReaperRule,
        number
      >;
      return {
        windowHours: WINDOW_HOURS,
        total: Object.values(byRule).reduce((sum, n) => sum + n, 0),
        byRule,
        lastSweepAt: (await getSetting(ctx.db, LAST_SWEEP_KEY)) ?? null,
        dryRun: deps.dryRun,
      };
    },
    async recent(limit) {
      const rows = await listRecentReaperActions(ctx.db, limit);
      return rows.map((row) => ({
        at: row.at,
        rule: row.rule,
        machineId: row.machine_id,
        runId: row.run_id,
        tenant: row.tenant,
        issueIdentifier: row.issue_identifier,
        dispatchId: row.dispatch_id,
        ageSeconds: row.age_seconds,
        dryRun: row.dry_run === 1,
      }));
    },
  };
}

/**
 * Sweeps every `intervalMs` (the first one after one interval); `stop` waits for a running sweep.
 * `isLeader` (leadership.ts) is asked first: only the leader replica sweeps.
 */
export function startReaper(
  reaper: Reaper,
  intervalMs: number,
  logger: OrchestratorContext['logger'],
  isLeader: () => Promise<boolean> = async () => true,
): { stop(): Promise<void> } {
  let stopped = false;
  let running: Promise<unknown> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const run = () => {
    running = isLeader()
      .then((leads) => (leads ? reaper.sweep() : undefined))
      .then((report) => {
        if (report && report.actions.length > 0)
          logger.info({ actions: report.actions.length, alerted: report.alerted }, 'reaper sweep');
      })
      .catch((error: unknown) => logger.error({ err: describeError(error) }, 'reaper sweep failed'))
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(run, intervalMs);
      });
  };
  timer = setTimeout(run, intervalMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
