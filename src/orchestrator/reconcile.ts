import { describeError } from '../domain/errors.ts';
import { isTerminal, type TicketingProviderName } from '../domain/ticket.ts';
import { listInFlight, listOverdue, markFailedWithoutResult } from '../store/dispatches.ts';
import type { OrchestratorContext } from './context.ts';
import { applyRunOutcome } from './run-results.ts';

/**
 * Tick step 1 (ARCHITECTURE.md): settle what is in flight before admitting anything new.
 * - A run past its deadline (maxJobMinutes + margin) with no result is failed — its slot is freed.
 * - A run whose ticket went terminal (done or cancelled) frees its slot without a failure marker.
 * A tracker error means "unknown, keep it": nothing is freed on a failed lookup.
 * Returns how many dispatches were closed, for the tick report.
 */
export async function reconcileInFlight(
  ctx: OrchestratorContext,
): Promise<{ timedOut: number; closed: number }> {
  const now = ctx.clock();
  let timedOut = 0;
  for (const row of await listOverdue(ctx.db, now)) {
    const minutes = Math.round((now.getTime() - new Date(row.created_at).getTime()) / 60_000);
    const error = `timed out: no result from the runner ${minutes} minutes after dispatch`;
    if (await markFailedWithoutResult(ctx.db, row.id, { error, finishedAt: now })) {
      timedOut += 1;
      await applyRunOutcome(ctx, { ...row, status: 'failed', error }, { ok: false, error });
    }
  }

  let closed = 0;
  const inFlight = await listInFlight(ctx.db);
  const byProvider = new Map<TicketingProviderName, typeof inFlight>();
  for (const row of inFlight) {
    const name = row.ticketing_provider as TicketingProviderName;
    byProvider.set(name, [...(byProvider.get(name) ?? []), row]);
  }
  for (const [name, rows] of byProvider) {
    const provider = ctx.ticketing.get(name);
    if (!provider) continue;
    let tickets;
    try {
      tickets = await provider.getTicketStates([...new Set(rows.map((row) => row.issue_id))]);
    } catch (error) {
      ctx.logger.warn(
        { provider: name, err: describeError(error) },
        'reconcile: tracker unavailable, keeping in-flight runs',
      );
      continue;
    }
    for (const row of rows) {
      const ticket = tickets.get(row.issue_id);
      if (!ticket || !isTerminal(ticket.stateType)) continue;
      const error = `ticket moved to ${ticket.stateName} while the run was in flight`;
      if (await markFailedWithoutResult(ctx.db, row.id, { error, finishedAt: now })) closed += 1;
    }
  }
  return { timedOut, closed };
}
