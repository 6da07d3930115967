import type { Refusal, RefusalReason } from '../domain/admission.ts';
import { capacityBucket, type Mapping } from '../domain/mapping.ts';
import type { TicketCandidate } from '../domain/ticket.ts';
import type { NewBlockerRow } from '../store/blockers.ts';
import type { TrackedIssueRow } from '../store/tracked-issues.ts';
import type { RequestDraft } from './admit-candidates.ts';

/**
 * What a tick builds for each waiting ticket: its pickup draft, its inbox row (`tracked_issues`)
 * and, when the gate refused it, its blocker row. Each is kept with the ticket object it was built from: the
 * candidate mirrors hand back the same object while a ticket is unchanged, so a steady tick
 * reuses last tick's row instead of building ten thousand new ones, and the diff
 * (team-rows-diff.ts) tells the row is unchanged by identity. A reused row keeps the timestamp
 * it was built with — the diff keeps that column's stored value while the row is unchanged
 * anyway (docs/decisions/tick-at-scale.md, "Re-judging by identity").
 */
const built = new WeakMap<object, Built>();

interface Built {
  tracked?: TrackedIssueRow;
  blocker?: NewBlockerRow;
  /** The request `blocker` was built for. */
  blockerOf?: RequestDraft;
  pickup?: RequestDraft;
  refused?: { identifier: string; reason: RefusalReason };
}

function memo(ticket: object): Built {
  let rows = built.get(ticket);
  if (!rows) built.set(ticket, (rows = {}));
  return rows;
}

/** The inbox row of a marked ticket of `mapping`, seen at `seenAt` (ISO 8601). */
export function trackedRow(ticket: TicketCandidate, mapping: Mapping, seenAt: string): TrackedIssueRow {
  const stage = ticket.markers.includes('planApproved')
    ? 'plan_approved'
    : mapping.planningEnabled
      ? 'planning_pending'
      : 'ready';
  const rows = memo(ticket);
  if (rows.tracked?.team_key === mapping.teamKey && rows.tracked.stage === stage) return rows.tracked;
  return (rows.tracked = {
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
    seen_at: seenAt,
  });
}

/** The blocker row of a refused request, recorded at `at` (ISO 8601). */
export function blockerRow(at: string, request: RequestDraft, refusal: Refusal): NewBlockerRow {
  const rows = memo(request.ticket);
  const last = rows.blocker;
  // The same draft object has the same mapping and ticket, so the same team and bucket.
  const bucket =
    rows.blockerOf === request && last
      ? last.bucket
      : capacityBucket(request.mapping, request.ticket.teamKey);
  rows.blockerOf = request;
  const blocking = refusal.blocking ? JSON.stringify(refusal.blocking) : '[]';
  if (
    last?.reason === refusal.reason &&
    last.detail === refusal.detail &&
    last.team_key === request.mapping.teamKey &&
    last.bucket === bucket &&
    last.blocking_json === blocking
  )
    return last;
  return (rows.blocker = {
    issue_id: request.ticket.id,
    issue_identifier: request.ticket.identifier,
    issue_title: request.ticket.title,
    issue_url: request.ticket.url,
    team_key: request.mapping.teamKey,
    bucket,
    reason: refusal.reason,
    detail: refusal.detail,
    recorded_at: at,
    blocking_json: blocking,
  });
}

/**
 * A `ready` ticket with no open PR: a pickup of its mapping's first phase. The same draft object
 * while the ticket and the mapping objects are the same (`listMappings` hands back an unchanged
 * mapping's object), so the gate can reuse what it asked for it (admit-candidates.ts).
 */
export function pickupFor(ticket: TicketCandidate, mapping: Mapping): RequestDraft | undefined {
  if (!ticket.markers.includes('ready')) return undefined;
  const rows = memo(ticket);
  if (rows.pickup?.mapping === mapping) return rows.pickup;
  return (rows.pickup = {
    kind: 'pickup',
    phase: mapping.planningEnabled ? 'planning' : 'implementation',
    ticket,
    mapping,
  });
}

/** The tick report's entry for a ticket refused for `reason`: the same object while both stay. */
export function refusedEntry(
  ticket: TicketCandidate,
  reason: RefusalReason,
): { identifier: string; reason: RefusalReason } {
  const rows = memo(ticket);
  if (rows.refused?.reason === reason && rows.refused.identifier === ticket.identifier) return rows.refused;
  return (rows.refused = { identifier: ticket.identifier, reason });
}
