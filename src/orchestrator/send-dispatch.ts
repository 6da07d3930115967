import { listMappingTeamKeys } from '../store/mappings.ts';
import { IntegrationError } from '../domain/errors.ts';
import type { CiFailure } from '../domain/ci-failure.ts';
import type { Mapping } from '../domain/mapping.ts';
import type { Phase } from '../domain/phases.ts';
import type { Ticket } from '../domain/ticket.ts';
import type { DispatchReceipt, ExecutionMode } from '../runners/types.ts';
import { markRunning } from '../store/dispatches.ts';
import type { OrchestratorContext } from './context.ts';
import { buildPayload } from './payload.ts';

/** One backend call for a dispatch intent already in the ledger. */
export interface DispatchCall {
  dispatchId: string;
  phase: Phase;
  ticket: Ticket;
  mapping: Mapping;
  mode: ExecutionMode;
  workflowFile: string;
  image: string | undefined;
  /** The run's deadline: its callback tokens expire then. */
  deadline: Date;
  pullRequest?: { number: number; branch: string };
  /** ci-fix runs: what failed (issue 17). */
  ciFailure?: CiFailure;
}

/**
 * Builds the payload (with fresh callback tokens) and asks the backend to start the run, then
 * marks the intent `running` with the backend's run id. Used for the first call and for a lost
 * intent dispatched again under the same id (convergence/unknown-dispatches.ts). While the call
 * is under way its id is in `ctx.callsInProgress`, so the lost-intent sweep leaves it alone.
 * Throws what the backend throws (`IntegrationError`), or `invalid` when no backend serves `mode`.
 */
export async function sendDispatch(ctx: OrchestratorContext, call: DispatchCall): Promise<DispatchReceipt> {
  const backend = ctx.backends.get(call.mode);
  if (!backend) {
    throw new IntegrationError(
      call.mode,
      'invalid',
      call.mode === 'fly-machines'
        ? 'no execution backend is configured for fly-machines: set FLY_SESSIONS_TOKEN and FLY_SESSIONS_APP (or the flySessionsApp setting) on the orchestrator and restart, or use github-actions'
        : `no execution backend is configured for ${call.mode}`,
    );
  }
  ctx.callsInProgress.add(call.dispatchId);
  try {
    const callbackUrl = ctx.callback?.baseUrl;
    const tokens =
      ctx.callback && callbackUrl
        ? await ctx.callback.signer.mint(call.dispatchId, call.deadline)
        : undefined;
    const payload = buildPayload({
      dispatchId: call.dispatchId,
      phase: call.phase,
      ticket: call.ticket,
      mapping: call.mapping,
      image: call.image,
      pullRequest: call.pullRequest,
      callback: callbackUrl && tokens ? { url: callbackUrl, ...tokens } : undefined,
      // The run removes the other mappings' secrets from its environment (issue 13).
      teamKeys: await listMappingTeamKeys(ctx.db),
      ciFailure: call.ciFailure,
    });
    const receipt = await backend.dispatch({
      mapping: call.mapping,
      phase: call.phase,
      workflowFile: call.workflowFile,
      payload,
    });
    await markRunning(ctx.db, call.dispatchId, {
      dispatchedAt: ctx.clock(),
      externalId: receipt.externalId,
      image: receipt.image,
    });
    return receipt;
  } finally {
    ctx.callsInProgress.delete(call.dispatchId);
  }
}
