import type { RefusalReason } from '../domain/admission.ts';
import { describeError } from '../domain/errors.ts';
import type { Mapping } from '../domain/mapping.ts';
import { compareForDispatch, isTerminal, type Ticket, type TicketingProviderName } from '../domain/ticket.ts';
import { replaceBlockers, type BlockerRow } from '../store/blockers.ts';
import { latestDispatchForIssue, listApprovedPlansAwaitingImplementation } from '../store/dispatches.ts';
import { listMappings } from '../store/mappings.ts';
import { approvePlan } from '../store/plan-approvals.ts';
import { replaceTrackedIssues, type TrackedIssueRow } from '../store/tracked-issues.ts';
import { capacityBucket } from '../domain/mapping.ts';
import type { OrchestratorContext } from './context.ts';
import { reconcileInFlight } from './reconcile.ts';
import { requestRun, type RunRequest } from './request-run.ts';

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
 * batched query per provider, admit each through the one gate, and dispatch in priority then age
 * order. A provider whose fetch fails skips its dispatching; the others go on.
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
  Object.assign(report, await reconcileInFlight(ctx));

  const active = (await listMappings(ctx.db)).filter((mapping) => !mapping.paused);
  const requests: RunRequest[] = [];
  const fetched = new Map<string, Ticket>();
  const polledTeams: string[] = [];
  const tracked: TrackedIssueRow[] = [];

  for (const [name, mappings] of groupByProvider(active)) {
    const provider = ctx.ticketing.get(name);
    if (!provider) {
      report.fetchErrors.push({ provider: name, error: `${name} is not configured` });
      ctx.logger.error(
        `mappings ${mappings.map((m) => m.teamKey).join(', ')} use ${name}, but ${name} credentials are not set`,
      );
      continue;
    }
    let tickets: Ticket[];
    try {
      tickets = await provider.fetchCandidates(mappings);
    } catch (error) {
      report.fetchErrors.push({ provider: name, error: describeError(error) });
      ctx.logger.error(
        { provider: name, err: describeError(error) },
        'fetch failed; skipping its dispatching this tick',
      );
      continue;
    }
    const skipped = new Set(provider.lastFetchFailures?.().map((failure) => failure.teamKey));
    polledTeams.push(
      ...mappings.map((mapping) => mapping.teamKey).filter((teamKey) => !skipped.has(teamKey)),
    );
    for (const ticket of tickets) {
      const mapping = mappingFor(mappings, ticket);
      if (!mapping || isTerminal(ticket.stateType)) continue;
      fetched.set(ticket.id, ticket);
      tracked.push(trackedRow(ticket, mapping, ctx.clock()));
      const request = await requestFor(ctx, ticket, mapping);
      if (request) requests.push(request);
    }
  }
  requests.push(...(await approvedPlanRequests(ctx, active, fetched, requests)));
  report.candidates = requests.length;

  const blockers: BlockerRow[] = [];
  requests.sort((a, b) => compareForDispatch(a.ticket, b.ticket));
  for (const request of requests) {
    const outcome = await requestRun(ctx, request);
    if (outcome.status === 'dispatched') report.dispatched.push(request.ticket.identifier);
    else if (outcome.status === 'failed') report.failed.push(request.ticket.identifier);
    else {
      report.refused.push({ identifier: request.ticket.identifier, reason: outcome.refusal.reason });
      blockers.push({
        issue_id: request.ticket.id,
        issue_identifier: request.ticket.identifier,
        issue_title: request.ticket.title,
        issue_url: request.ticket.url,
        team_key: request.mapping.teamKey,
        bucket: capacityBucket(request.mapping, request.ticket.teamKey),
        reason: outcome.refusal.reason,
        detail: outcome.refusal.detail,
        recorded_at: ctx.clock().toISOString(),
      });
    }
  }
  await replaceBlockers(ctx.db, polledTeams, blockers);
  await replaceTrackedIssues(ctx.db, polledTeams, tracked);
  return report;
}

/** A marked ticket becomes a pickup (`ready`) or approves its job's plan (`planApproved`). */
async function requestFor(
  ctx: OrchestratorContext,
  ticket: Ticket,
  mapping: Mapping,
): Promise<RunRequest | undefined> {
  if (ticket.markers.includes('planApproved')) {
    const latest = await latestDispatchForIssue(ctx.db, ticket.id);
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
  // An open PR is never implemented afresh: asking again means another pass on that PR.
  const open = await ctx.followUps?.openPullRequestFor(ticket, mapping);
  if (open) return { kind: 'gap-fill', phase: 'gap-fill', ticket, mapping, ...open };
  return { kind: 'pickup', phase: mapping.planningEnabled ? 'planning' : 'implementation', ticket, mapping };
}

/** Approved plans with no implementation run yet; their tickets are read when the poll did not. */
async function approvedPlanRequests(
  ctx: OrchestratorContext,
  active: Mapping[],
  fetched: Map<string, Ticket>,
  already: RunRequest[],
): Promise<RunRequest[]> {
  const pending = (await listApprovedPlansAwaitingImplementation(ctx.db)).filter(
    (row) => !already.some((request) => request.ticket.id === row.issue_id),
  );
  const requests: RunRequest[] = [];
  for (const row of pending) {
    const mapping = active.find((candidate) => candidate.teamKey === row.team_key);
    const provider = ctx.ticketing.get(row.ticketing_provider as TicketingProviderName);
    if (!mapping || !provider) continue;
    let ticket = fetched.get(row.issue_id);
    if (!ticket) {
      try {
        ticket = (await provider.getTickets([row.issue_id])).get(row.issue_id);
      } catch (error) {
        ctx.logger.warn(
          { issue: row.issue_identifier, err: describeError(error) },
          'cannot read ticket; retrying next tick',
        );
      }
    }
    if (!ticket || isTerminal(ticket.stateType)) continue;
    requests.push({ kind: 'plan-approval', phase: 'implementation', ticket, mapping, jobId: row.job_id });
  }
  return requests;
}

function groupByProvider(mappings: Mapping[]): Map<TicketingProviderName, Mapping[]> {
  const groups = new Map<TicketingProviderName, Mapping[]>();
  for (const mapping of mappings) {
    groups.set(mapping.ticketingProvider, [...(groups.get(mapping.ticketingProvider) ?? []), mapping]);
  }
  return groups;
}

/** Linear tickets belong to the mapping of their team key; Jira providers report the mapping's key. */
function mappingFor(mappings: Mapping[], ticket: Ticket): Mapping | undefined {
  return mappings.find((mapping) => mapping.teamKey.toUpperCase() === ticket.teamKey.toUpperCase());
}

function trackedRow(ticket: Ticket, mapping: Mapping, now: Date): TrackedIssueRow {
  const stage = ticket.markers.includes('planApproved')
    ? 'plan_approved'
    : mapping.planningEnabled
      ? 'planning_pending'
      : 'ready';
  return {
    issue_id: ticket.id,
    issue_identifier: ticket.identifier,
    issue_title: ticket.title,
    issue_url: ticket.url,
    team_key: mapping.teamKey,
    ticketing_provider: ticket.provider,
    state_name: ticket.stateName,
    state_type: ticket.stateType,
    stage,
    priority: ticket.priority,
    seen_at: now.toISOString(),
  };
}
