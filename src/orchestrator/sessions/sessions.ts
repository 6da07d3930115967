import { describeError } from '../../domain/errors.ts';
import type { FlyMachine, FlyMachinesClient } from '../../fly/machines.ts';
import { belongsToTenant, META } from '../../runners/fly/machine-config.ts';
import { isIdlePoolMachine } from '../../runners/fly/warm-pool.ts';
import { deleteFromDedupWindow } from '../../store/dedup-window.ts';
import {
  findDispatchByExternalId,
  getDispatch,
  getDispatches,
  markFailedWithoutResult,
  type DispatchRow,
} from '../../store/dispatches.ts';
import type { OrchestratorContext } from '../context.ts';
import { syncMarker } from '../convergence/marker-sync.ts';
import { closeDestroyedShadow } from '../shadow/shadow-runs.ts';
import { PlatformRefusal, upstreamRefusal } from '../platform/platform-refusal.ts';

/**
 * Fly Machine sessions (CONTRACTS.md §8, seed 002 Sessions): the sessions app's live Machines,
 * and destroying one by hand. A destroyed session's run ends in the ledger as failed with
 * `session destroyed` (close reason `session_destroyed`), its issue leaves the dedup window and
 * its ticket gets back the marker it was asked with (`AI-Implement`, `Plan-Complete`,
 * `Ready for Review`), so the next poll picks it up again (src/domain/convergence.ts).
 */

/** One row of `GET /api/sessions`. Metadata fields are null on a Machine that lacks them. */
export interface Session {
  machineId: string;
  name: string;
  state: string;
  region: string;
  createdAt: string;
  uptimeSeconds: number;
  issueId: string | null;
  issueIdentifier: string | null;
  /** The ticket in its tracker, from the ledger (null when the ledger does not know the run). */
  issueUrl: string | null;
  teamKey: string | null;
  repo: string | null;
  dispatchId: string | null;
  /** The image the Machine runs (override → the repository's image.yml → default). */
  image: string | null;
}

export interface SessionsService {
  /** The app's Machines in created, starting or started, oldest first. */
  list(): Promise<Session[]>;
  /** Destroys a Machine and closes its run; `PlatformRefusal('not_found')` when the app lacks it. */
  destroy(machineId: string): Promise<void>;
}

/** The states of a live session (§8). */
export const LIVE_STATES = ['created', 'starting', 'started'] as const;

/** The reason a destroyed session's run records. */
export const SESSION_DESTROYED = 'session destroyed';

export interface SessionsDeps {
  ctx: OrchestratorContext;
  /** Undefined without FLY_SESSIONS_TOKEN. */
  machines: FlyMachinesClient | undefined;
  /** The sessions app (running setting). */
  app: () => string | undefined;
}

/** Seconds since `createdAt` at `now`, never negative. */
export function ageSeconds(createdAt: string, now: Date): number {
  const at = Date.parse(createdAt);
  return Number.isFinite(at) ? Math.max(0, Math.floor((now.getTime() - at) / 1000)) : 0;
}

/**
 * Ends the run of a destroyed Machine (operator or reaper): failed with `reason`, out of the
 * dedup window, its ticket's ask marker back. False when the run had already finished (a
 * result that raced in wins, and nothing else changes).
 */
export async function closeDestroyedRun(
  ctx: OrchestratorContext,
  row: DispatchRow,
  reason: string,
): Promise<boolean> {
  const closed = await markFailedWithoutResult(ctx.db, row.id, {
    error: reason,
    finishedAt: ctx.clock(),
    reason: 'session_destroyed',
  });
  if (!closed) return false;
  await deleteFromDedupWindow(ctx.db, row.issue_id);
  // A failed marker write is retried by the tick (convergence), so this never throws it.
  await syncMarker(ctx, row.issue_id);
  // A follow-up's feedback must not stay claimed by a run that will never report.
  await ctx.followUps?.afterRunStopped?.(row);
  ctx.logger.info(
    { issue: row.issue_identifier, dispatchId: row.id, machineId: row.external_id, reason },
    'run ended: its Fly Machine was destroyed; the ticket is asked again',
  );
  return true;
}

/** The ledger row of a Machine: by its dispatch-id metadata, else by the run's external id. */
export async function runOfMachine(
  ctx: OrchestratorContext,
  machine: Pick<FlyMachine, 'id' | 'metadata'>,
): Promise<DispatchRow | undefined> {
  const dispatchId = machine.metadata[META.dispatchId];
  return (
    (dispatchId ? await getDispatch(ctx.db, dispatchId) : undefined) ??
    (await findDispatchByExternalId(ctx.db, machine.id))
  );
}

export function createSessionsService(deps: SessionsDeps): SessionsService {
  const { ctx } = deps;
  function target(): { machines: FlyMachinesClient; app: string } {
    const app = deps.app();
    if (!deps.machines || !app) {
      throw new PlatformRefusal(
        'unconfigured',
        'Fly Machines sessions need FLY_SESSIONS_TOKEN and the sessions app (FLY_SESSIONS_APP or the flySessionsApp setting)',
      );
    }
    return { machines: deps.machines, app };
  }

  return {
    async list() {
      const { machines, app } = target();
      let live: FlyMachine[];
      try {
        // A warm-pool Machine waiting in `created` is no session: it runs nothing yet; another
        // client's Machine (shared sessions app) is not this orchestrator's to show.
        live = (await machines.listMachines(app, { states: LIVE_STATES })).filter(
          (m) => !isIdlePoolMachine(m) && belongsToTenant(m.metadata, ctx.tenant),
        );
      } catch (error) {
        throw upstreamRefusal(error);
      }
      const rows = await getDispatches(
        ctx.db,
        live.flatMap((m) => (m.metadata[META.dispatchId] ? [m.metadata[META.dispatchId]!] : [])),
      );
      const byId = new Map(rows.map((row) => [row.id, row]));
      const now = ctx.clock();
      return live
        .map((machine): Session => {
          const meta = machine.metadata;
          const row = byId.get(meta[META.dispatchId] ?? '');
          return {
            machineId: machine.id,
            name: machine.name,
            state: machine.state,
            region: machine.region,
            createdAt: machine.createdAt,
            uptimeSeconds: ageSeconds(machine.createdAt, now),
            issueId: meta[META.issueId] ?? row?.issue_id ?? null,
            issueIdentifier: meta[META.issue] ?? row?.issue_identifier ?? null,
            issueUrl: row?.issue_url ?? null,
            teamKey: meta[META.team] ?? row?.team_key ?? null,
            repo: meta[META.repo] ?? row?.repo ?? null,
            dispatchId: meta[META.dispatchId] ?? null,
            image: machine.image ?? row?.image ?? null,
          };
        })
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },

    async destroy(machineId) {
      const { machines, app } = target();
      let machine: FlyMachine | undefined;
      try {
        machine = await machines.getMachine(app, machineId);
        // Another client's Machine (shared sessions app) is not this orchestrator's to show or end.
        if (!machine || machine.state === 'destroyed' || !belongsToTenant(machine.metadata, ctx.tenant)) {
          throw new PlatformRefusal('not_found', `app ${app} has no Machine ${machineId}`);
        }
        await machines.destroyMachine(app, machineId);
      } catch (error) {
        throw upstreamRefusal(error);
      }
      const row = await runOfMachine(ctx, machine);
      const shadowId = row ? undefined : machine.metadata[META.dispatchId];
      if (shadowId) await closeDestroyedShadow(ctx, shadowId, SESSION_DESTROYED);
      if (row) {
        try {
          await closeDestroyedRun(ctx, row, SESSION_DESTROYED);
        } catch (error) {
          // The Machine is gone; the run's deadline ends it if this write failed.
          ctx.logger.error(
            { machineId, dispatchId: row.id, err: describeError(error) },
            'session destroyed, but its run could not be closed',
          );
        }
      }
    },
  };
}
