import type { RefusalReason } from '../domain/admission.ts';
import { describeError } from '../domain/errors.ts';
import type { Mapping } from '../domain/mapping.ts';
import {
  isTerminal,
  type Ticket,
  type TicketCandidate,
  type TicketingProviderName,
} from '../domain/ticket.ts';
import { listDependencyBlockers, replaceBlockers, type NewBlockerRow } from '../store/blockers.ts';
import {
  latestDispatchesOfIssues,
  listApprovedPlansAwaitingImplementation,
  type DispatchRow,
} from '../store/dispatches.ts';
import { listMappings } from '../store/mappings.ts';
import { approvePlan } from '../store/plan-approvals.ts';
import { recordTicketStates } from '../store/ticket-states.ts';
import { replaceTrackedIssues, type TrackedIssueRow } from '../store/tracked-issues.ts';
import { loadAdmissionState, type TickAdmissionState } from './admission-state.ts';
import { sendBudgetAlerts } from './budget-alerts.ts';
import { admitCandidates, type RequestDraft } from './admit-candidates.ts';
import type { OrchestratorContext } from './context.ts';
import { convergeLedger } from './convergence/sweep.ts';
import { reconcileInFlight } from './reconcile.ts';
import { requestRun } from './request-run.ts';
import { blockerRow, pickupFor, refusedEntry, trackedRow } from './tick-rows.ts';

/** What one tick did, for logs and tests. */
export interface TickReport {
  timedOut: number;
  closed: number;
  candidates: number;
  dispatched: string[];
  refused: { identifier: string; reason: RefusalReason }[];
  failed: string[];
  /** Providers whose fetch failed: their mappings dispatched nothing this tick. */
  fetchErrors: { provider: TicketingProviderName; error: string }[];
}

/**
 * One poll (ARCHITECTURE.md, The tick): reconcile in-flight work, fetch candidates with one
 * batched cheap query per provider, admit each through the one gate — the cheap rules first, the
 * details (and the dependency rule) only for the tickets that would run (admit-candidates.ts) —
 * and dispatch in priority then age order. The ledger is read once per table into maps; blockers
 * and the inbox are written as diffs. A provider whose fetch fails skips its dispatching; the
 * others go on. Paused mappings are polled too, so their marked tickets show a `paused` blocker.
 */
export async function runTick(ctx: OrchestratorContext): Promise<TickReport> {
  const report: TickReport = {
    timedOut: 0,
    closed: 0,
    candidates: 0,
    dispatched: [],
    refused: [],
    failed: [],
    fetchErrors: [],
  };
  const { tickets: readBack, ...settled } = await reconcileInFlight(ctx);
  Object.assign(report, settled);
  await convergeLedger(ctx, readBack);

  // One timestamp for the tick's inbox and blocker rows (not a Date per ticket).
  const seenAt = ctx.clock().toISOString();
  // Picked-up tickets lose the marker, so the inbox no longer has them: keep what was read back.
  await recordTicketStates(ctx.db, [...readBack.values()], seenAt);
  const mappings = await listMappings(ctx.db);
  const state = await loadAdmissionState(ctx);
  if (state.spend) await sendBudgetAlerts(ctx, mappings, state.spend, state.now);
  const polled: { provider: TicketingProviderName; teamKey: string }[] = [];
  // Each found ticket and its mapping, at the same index: two arrays of pointers, not an object
  // per waiting ticket and tick (ten thousand of them at 500 teams, each promoted to the old
  // generation: docs/decisions/tick-at-scale.md, "What a steady tick keeps").
  const found: TicketCandidate[] = [];
  const foundMappings: Mapping[] = [];
  const tracked: TrackedIssueRow[] = [];

  for (const [name, group] of Map.groupBy(mappings, (mapping) => mapping.ticketingProvider)) {
    const provider = ctx.ticketing.get(name);
    if (!provider) {
      report.fetchErrors.push({ provider: name, error: `${name} is not configured` });
      ctx.logger.error(
        `mappings ${group.map((m) => m.teamKey).join(', ')} use ${name}, but ${name} credentials are not set`,
      );
      continue;
    }
    let tickets: TicketCandidate[];
    try {
      tickets = await provider.fetchCandidates(group);
    } catch (error) {
      report.fetchErrors.push({ provider: name, error: describeError(error) });
      ctx.logger.error(
        { provider: name, err: describeError(error) },
        'fetch failed; skipping its dispatching this tick',
      );
      continue;
    }
    const skipped = new Set(provider.lastFetchFailures?.().map((failure) => failure.teamKey));
    for (const mapping of group) {
      if (!skipped.has(mapping.teamKey)) polled.push({ provider: name, teamKey: mapping.teamKey });
    }
    const byTeam = new Map(group.map((mapping) => [mapping.teamKey.toUpperCase(), mapping]));
    for (const ticket of tickets) {
      const mapping = byTeam.get(ticket.teamKey.toUpperCase());
      if (!mapping || isTerminal(ticket.stateType)) continue;
      found.push(ticket);
      foundMappings.push(mapping);
      tracked.push(trackedRow(ticket, mapping, seenAt));
    }
  }

  const ledger = await loadTickLedger(ctx, found, state);
  const drafts: RequestDraft[] = [];
  // Indexed, not `entries()`: that builds an [index, ticket] pair per waiting ticket.
  for (let index = 0; index < found.length; index += 1) {
    const ticket = found[index]!;
    const mapping = foundMappings[index]!;
    // Most candidates are plain pickups; only approvals and open PRs need the ledger's awaits
    // (10,000 awaited calls a tick otherwise, each a promise and a microtask turn).
    const draft =
      ticket.markers.includes('planApproved') || ledger.openPullRequestIssueIds.has(ticket.id)
        ? await requestFor(ctx, ticket, mapping, ledger)
        : pickupFor(ticket, mapping);
    if (draft) drafts.push(draft);
  }
  drafts.push(...(await approvedPlanRequests(ctx, mappings, found, drafts)));
  report.candidates = drafts.length;

  const admission = await admitCandidates(ctx, drafts, state);
  report.fetchErrors.push(...admission.detailFailures);
  // A ticket refused for capacity had no details read; if they showed an open blocker when last
  // read, that stays its blocker, rather than flipping to `capacity` whenever the slots are full.
  const knownDependencies = new Map((await listDependencyBlockers(ctx.db)).map((row) => [row.issue_id, row]));
  const blockers: NewBlockerRow[] = admission.refused.map(({ request, refusal }) => {
    const known = refusal.reason === 'capacity' ? knownDependencies.get(request.ticket.id) : undefined;
    report.refused.push(refusedEntry(request.ticket, known ? 'dependency' : refusal.reason));
    return known ?? blockerRow(seenAt, request, refusal);
  });
  // The state a ticket had when picked up, kept once the run takes the marker off.
  await recordTicketStates(
    ctx.db,
    admission.admitted.map((request) => request.ticket),
    seenAt,
  );
  for (const request of admission.admitted) {
    const outcome = await requestRun(ctx, request);
    if (outcome.status === 'dispatched') report.dispatched.push(request.ticket.identifier);
    else if (outcome.status === 'failed') report.failed.push(request.ticket.identifier);
    else {
      report.refused.push({ identifier: request.ticket.identifier, reason: outcome.refusal.reason });
      blockers.push(blockerRow(ctx.clock().toISOString(), request, outcome.refusal));
    }
  }
  // A provider whose details could not be read keeps its teams' last known blockers and inbox.
  const unread = new Set(admission.detailFailures.map((failure) => failure.provider));
  const polledTeams = new Set(
    polled.filter((team) => !unread.has(team.provider)).map((team) => team.teamKey),
  );
  const inPolledTeams = <Row extends { team_key: string }>(rows: Row[]) =>
    polledTeams.size === mappings.length ? rows : rows.filter((row) => polledTeams.has(row.team_key));
  await replaceBlockers(ctx.db, [...polledTeams], inPolledTeams(blockers));
  await replaceTrackedIssues(ctx.db, [...polledTeams], inPolledTeams(tracked));
  return report;
}

/** What `requestFor` reads from the ledger, loaded for all candidates at once. */
interface TickLedger {
  /** Latest dispatch of each candidate that carries `Plan-Approved`. */
  latestDispatch: ReadonlyMap<string, DispatchRow>;
  openPullRequestIssueIds: ReadonlySet<string>;
}

async function loadTickLedger(
  ctx: OrchestratorContext,
  found: TicketCandidate[],
  state: TickAdmissionState,
): Promise<TickLedger> {
  const approving = found
    .filter((ticket) => ticket.markers.includes('planApproved'))
    .map((ticket) => ticket.id);
  return {
    latestDispatch: await latestDispatchesOfIssues(ctx.db, approving),
    openPullRequestIssueIds: state.openPullRequestIssueIds ?? new Set(),
  };
}

/** A marked ticket becomes a pickup (`ready`) or approves its job's plan (`planApproved`). */
async function requestFor(
  ctx: OrchestratorContext,
  ticket: TicketCandidate,
  mapping: Mapping,
  ledger: TickLedger,
): Promise<RequestDraft | undefined> {
  if (ticket.markers.includes('planApproved')) {
    const latest = ledger.latestDispatch.get(ticket.id);
    if (latest?.phase === 'planning' && latest.status === 'succeeded') {
      await approvePlan(ctx.db, {
        jobId: latest.job_id,
        issueId: ticket.id,
        approvedBy: 'marker',
        approvedAt: ctx.clock(),
      });
    }
    // The implementation request itself comes from the ledger (approvedPlanRequests).
    return undefined;
  }
  if (!ticket.markers.includes('ready')) return undefined;
  // An open PR is never implemented afresh: asking again means another pass on that PR — but,
  // as for any re-label, not within 24 h of the last dispatch (the gate's dedup window).
  if (ledger.openPullRequestIssueIds.has(ticket.id)) {
    const open = await ctx.followUps?.openPullRequestFor(ticket, mapping);
    if (open) return { kind: 'gap-fill', phase: 'gap-fill', ticket, mapping, ...open, fromMarker: true };
  }
  return pickupFor(ticket, mapping);
}

/**
 * Approved plans with no implementation run yet; tickets the poll did not see are read with one
 * `getTickets` per provider.
 */
async function approvedPlanRequests(
  ctx: OrchestratorContext,
  mappings: Mapping[],
  found: TicketCandidate[],
  already: RequestDraft[],
): Promise<RequestDraft[]> {
  const awaiting = await listApprovedPlansAwaitingImplementation(ctx.db);
  if (awaiting.length === 0) return [];
  const requested = new Set(already.map((request) => request.ticket.id));
  const pending = awaiting.filter((row) => !requested.has(row.issue_id));
  if (pending.length === 0) return [];
  const byTeam = new Map(mappings.map((mapping) => [mapping.teamKey, mapping]));
  const seen = new Map<string, TicketCandidate | Ticket>(found.map((ticket) => [ticket.id, ticket]));
  const unseen = Map.groupBy(
    pending.filter((row) => !seen.has(row.issue_id) && byTeam.has(row.team_key)),
    (row) => row.ticketing_provider as TicketingProviderName,
  );
  for (const [name, rows] of unseen) {
    const ids = rows.map((row) => row.issue_id);
    const provider = ctx.ticketing.get(name);
    if (!provider) continue;
    try {
      for (const [id, ticket] of await provider.getTickets(ids)) seen.set(id, ticket);
    } catch (error) {
      ctx.logger.warn(
        { provider: name, err: describeError(error) },
        'cannot read tickets of approved plans; retrying next tick',
      );
    }
  }
  const requests: RequestDraft[] = [];
  for (const row of pending) {
    const mapping = byTeam.get(row.team_key);
    const ticket = seen.get(row.issue_id);
    if (!mapping || !ticket || isTerminal(ticket.stateType)) continue;
    requests.push({ kind: 'plan-approval', phase: 'implementation', ticket, mapping, jobId: row.job_id });
  }
  return requests;
}
