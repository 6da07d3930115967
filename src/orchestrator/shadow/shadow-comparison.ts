import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import { listShadowComparisons, type ShadowComparisonRow } from '../../store/shadow-runs.ts';

/** One side of a shadow comparison: how the run ended, how long it took, what it cost. */
export interface ShadowSide {
  /** `pending`, `running`, `succeeded` or `failed` (the primary: its ledger status). */
  status: string;
  /** From dispatch (the primary's backend call; the shadow's Machine create) to its end; null while it runs. */
  durationSeconds: number | null;
  /** Dollars the runner reported; null without a report. */
  costUsd: number | null;
  error: string | null;
}

/**
 * One row of `GET /api/shadow-runs` and the Pipelines panel's shadow table: the GitHub Actions
 * run (`primary`) and its Fly shadow (`shadow`) side by side.
 */
export interface ShadowComparison {
  shadowId: string;
  dispatchId: string;
  issueIdentifier: string;
  issueUrl: string | null;
  teamKey: string;
  phase: string;
  createdAt: string;
  machineId: string | null;
  image: string | null;
  primary: ShadowSide;
  shadow: ShadowSide;
}

function seconds(from: string | null, to: string | null): number | null {
  if (!from || !to) return null;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) ? Math.max(0, Math.round(ms / 1000)) : null;
}

function toComparison(row: ShadowComparisonRow): ShadowComparison {
  return {
    shadowId: row.id,
    dispatchId: row.primary_dispatch_id,
    issueIdentifier: row.issue_identifier,
    issueUrl: row.issue_url ?? null,
    teamKey: row.team_key,
    phase: row.phase,
    createdAt: row.created_at,
    machineId: row.machine_id,
    image: row.image,
    primary: {
      status: row.primary_status ?? 'unknown',
      durationSeconds: seconds(row.primary_dispatched_at ?? row.primary_created_at, row.primary_finished_at),
      costUsd: row.primary_cost_usd ?? null,
      error: row.primary_error ?? null,
    },
    shadow: {
      status: row.status,
      durationSeconds: seconds(row.started_at ?? row.created_at, row.finished_at),
      costUsd: row.cost_usd,
      error: row.error,
    },
  };
}

/** The newest `limit` shadow runs beside their primaries. */
export async function listShadowRuns(db: Kysely<Database>, limit: number): Promise<ShadowComparison[]> {
  return (await listShadowComparisons(db, limit)).map(toComparison);
}
