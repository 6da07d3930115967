import { randomUUID } from 'node:crypto';
import type { CiFailure } from '../../domain/ci-failure.ts';
import { describeError } from '../../domain/errors.ts';
import type { Mapping } from '../../domain/mapping.ts';
import type { Phase } from '../../domain/phases.ts';
import { canonicalJson, type RunResult } from '../../domain/run-result.ts';
import type { Ticket } from '../../domain/ticket.ts';
import { getMapping, listMappingTeamKeys } from '../../store/mappings.ts';
import {
  finishShadowRun,
  getShadowRun,
  insertShadowRun,
  markShadowStarted,
  type ShadowRunRow,
} from '../../store/shadow-runs.ts';
import type { ResultOutcome } from '../run-results.ts';
import type { OrchestratorContext } from '../context.ts';
import { buildPayload } from '../payload.ts';
import { META } from '../../runners/fly/machine-config.ts';

/**
 * Shadow mode (RUNNER_MODE=shadow; seed 000: "dispatch via GHA and additionally boot a shadow
 * Fly Machine for testing"). GitHub Actions is the primary: its dispatch, result, markers,
 * capacity and dedup are the ordinary ledger's. Beside it the same payload runs on Fly as a
 * secondary, with its own dispatch id, tokens and row in `shadow_runs` (migration 0014) — never
 * in `dispatches`, so it holds no slot, sets no marker and counts toward no breaker or budget —
 * and with `shadow: true` in its payload, so the runner does the work but pushes nothing, opens
 * no PR and writes nothing to the ticket or the PR (src/runner/shadow.ts). Its result is
 * recorded for the comparison (GET /api/shadow-runs, the Pipelines panel's "shadow" rows).
 * Nothing here throws: a shadow that cannot start is a failed shadow row, never a failed run.
 */

export interface ShadowStart {
  primaryDispatchId: string;
  phase: Phase;
  ticket: Ticket;
  mapping: Mapping;
  workflowFile: string;
  /** The primary's deadline: the shadow's tokens expire with it. */
  deadline: Date;
  pullRequest?: { number: number; branch: string } | undefined;
  ciFailure?: CiFailure | undefined;
}

/** Starts the Fly shadow of a dispatched GitHub Actions run; records why when it cannot. */
export async function startShadowRun(ctx: OrchestratorContext, start: ShadowStart): Promise<void> {
  const id = randomUUID();
  const now = ctx.clock();
  try {
    await insertShadowRun(ctx.db, {
      id,
      primary_dispatch_id: start.primaryDispatchId,
      issue_id: start.ticket.id,
      issue_identifier: start.ticket.identifier,
      team_key: start.mapping.teamKey,
      phase: start.phase,
      status: 'pending',
      machine_id: null,
      image: null,
      error: null,
      cost_usd: null,
      result_json: null,
      created_at: now.toISOString(),
      started_at: null,
      finished_at: null,
    });
  } catch (error) {
    ctx.logger.warn({ issue: start.ticket.identifier, err: describeError(error) }, 'shadow run not recorded');
    return;
  }
  try {
    const backend = ctx.backends.get('fly-machines');
    if (!backend) {
      throw new Error(
        'the Fly Machines backend is not configured: set FLY_SESSIONS_TOKEN and the sessions app',
      );
    }
    const tokens = ctx.callback?.baseUrl ? await ctx.callback.signer.mint(id, start.deadline) : undefined;
    // No questions from a shadow: a person would be asked twice, once by a run that changes nothing.
    const { sessionMode: _asks, ...payload } = {
      ...buildPayload({
        dispatchId: id,
        phase: start.phase,
        ticket: start.ticket,
        mapping: start.mapping,
        image: start.mapping.runnerImage,
        pullRequest: start.pullRequest,
        callback: ctx.callback?.baseUrl && tokens ? { url: ctx.callback.baseUrl, ...tokens } : undefined,
        teamKeys: await listMappingTeamKeys(ctx.db),
        ...(start.ciFailure ? { ciFailure: start.ciFailure } : {}),
      }),
      shadow: true as const,
    };
    const receipt = await backend.dispatch({
      mapping: start.mapping,
      phase: start.phase,
      workflowFile: start.workflowFile,
      payload,
    });
    await markShadowStarted(ctx.db, id, {
      at: ctx.clock(),
      machineId: receipt.externalId,
      image: receipt.image,
    });
    ctx.logger.info(
      {
        issue: start.ticket.identifier,
        primary: start.primaryDispatchId,
        shadow: id,
        machineId: receipt.externalId,
      },
      'shadow run started on Fly',
    );
  } catch (error) {
    const message = `shadow run not started: ${describeError(error)}`;
    await finishShadowRun(ctx.db, id, { status: 'failed', at: ctx.clock(), error: message }).catch(
      () => false,
    );
    ctx.logger.warn(
      { issue: start.ticket.identifier, primary: start.primaryDispatchId, shadow: id },
      message,
    );
  }
}

/**
 * A result for a dispatch id the ledger does not have: a shadow run's, recorded (first one
 * wins, like the ledger's) and its Machine destroyed when still there. Undefined when it is no
 * shadow run either.
 */
export async function handleShadowResult(
  ctx: OrchestratorContext,
  id: string,
  result: RunResult,
): Promise<ResultOutcome | undefined> {
  const row = await getShadowRun(ctx.db, id);
  if (!row) return undefined;
  const body = canonicalJson(result);
  const finished = await finishShadowRun(ctx.db, id, {
    status: result.status === 'success' ? 'succeeded' : 'failed',
    at: ctx.clock(),
    error: result.status === 'success' ? null : (result.error ?? 'the runner reported a failure'),
    costUsd: result.usage?.costUsd ?? null,
    resultJson: body,
  });
  if (!finished) return row.result_json === body ? 'duplicate' : 'conflict';
  ctx.logger.info({ issue: row.issue_identifier, shadow: id, status: result.status }, 'shadow run reported');
  await destroyShadowMachine(ctx, row);
  return 'accepted';
}

/** True when `id` is a shadow run's: its progress is not kept (the comparison needs outcomes). */
export async function isShadowRun(ctx: OrchestratorContext, id: string): Promise<boolean> {
  return (await getShadowRun(ctx.db, id)) !== undefined;
}

async function destroyShadowMachine(ctx: OrchestratorContext, row: ShadowRunRow): Promise<void> {
  const backend = ctx.backends.get('fly-machines');
  const mapping = await getMapping(ctx.db, row.team_key);
  if (!backend?.cancel || !row.machine_id || !mapping) return;
  try {
    await backend.cancel({ mapping, externalId: row.machine_id });
  } catch (error) {
    ctx.logger.warn(
      { shadow: row.id, machineId: row.machine_id, err: describeError(error) },
      'shadow result recorded, but its Fly Machine could not be destroyed; the reaper will',
    );
  }
}

/** The shadow run of a Machine, by its dispatch-id metadata (undefined for any other Machine). */
export async function shadowOfMachine(
  ctx: OrchestratorContext,
  machine: { metadata: Record<string, string> },
): Promise<ShadowRunRow | undefined> {
  const id = machine.metadata[META.dispatchId];
  return id ? getShadowRun(ctx.db, id) : undefined;
}

/** A shadow's Machine was destroyed (Sessions panel, reaper) before it reported: it failed. */
export async function closeDestroyedShadow(ctx: OrchestratorContext, id: string, why: string): Promise<void> {
  await finishShadowRun(ctx.db, id, { status: 'failed', at: ctx.clock(), error: why });
}
