import { checkAdmission, type AdmissionRequest, type Refusal } from '../domain/admission.ts';
import { describeError } from '../domain/errors.ts';
import { capacityBucket } from '../domain/mapping.ts';
import {
  compareForDispatch,
  isTerminal,
  type Ticket,
  type TicketCandidate,
  type TicketingProviderName,
} from '../domain/ticket.ts';
import type { TickAdmissionState } from './admission-state.ts';
import type { OrchestratorContext } from './context.ts';
import { admissionRequestFor, type RunRequest } from './request-run.ts';

/** A run request whose ticket may so far be only the stage-one candidate. */
export type RequestDraft = Omit<RunRequest, 'ticket'> & { ticket: TicketCandidate | Ticket };

/** What the tick's gate decided before dispatching. */
export interface Admission {
  /** With their details read, in dispatch order; `requestRun` asks the gate once more for each. */
  admitted: RunRequest[];
  refused: { request: RequestDraft; refusal: Refusal }[];
  /** Providers whose detail read failed: their drafts were neither admitted nor refused. */
  detailFailures: { provider: TicketingProviderName; error: string }[];
}

/**
 * The second half of the two-stage fetch (docs/decisions/tick-at-scale.md). Every draft meets
 * the one gate (`checkAdmission`) in dispatch order against the tick's admission state, first
 * with the dependencies stage one read (Linear reads the blocked candidates' relations with the
 * pages; others none): paused, breaker, in flight, open PR, dedup, dependency and capacity
 * refuse there, and the refused ticket's details are never read.
 * A draft that passes holds a slot of its bucket; the details of every held draft are then read
 * in one batched `getTickets` per provider, and the gate is asked again with the dependencies.
 * A ticket with an unresolved blocker (or closed, or unmarked since stage one) gives its slot
 * back, and the drafts refused for capacity get another round; so the dependency check stays
 * exact, and the usual tick needs one detail request (a second round only when details found a
 * blocker stage one could not know of).
 */
export async function admitCandidates(
  ctx: OrchestratorContext,
  drafts: RequestDraft[],
  state: TickAdmissionState,
): Promise<Admission> {
  const admission: Admission = { admitted: [], refused: [], detailFailures: [] };
  let waiting = [...drafts].sort((a, b) => compareForDispatch(a.ticket, b.ticket));
  while (waiting.length > 0) {
    const held: RequestDraft[] = [];
    const full: { request: RequestDraft; refusal: Refusal }[] = [];
    for (const draft of waiting) {
      const refusal = checkAdmission(firstAsk(draft), state);
      if (!refusal) {
        hold(state, draft, 1);
        held.push(draft);
      } else if (refusal.reason === 'capacity') full.push(refusedAs(draft, refusal));
      else admission.refused.push(refusedAs(draft, refusal));
    }
    if (held.length === 0) {
      admission.refused.push(...full);
      break;
    }
    const details = await readDetails(ctx, held, admission);
    const unread = new Set(admission.detailFailures.map((failure) => failure.provider));
    let freed = false;
    for (const draft of held) {
      hold(state, draft, -1);
      if (unread.has(draft.ticket.provider)) continue;
      const ticket = details.get(draft.ticket.id);
      if (!ticket || !stillWanted(draft, ticket)) {
        freed = true;
        continue;
      }
      const request: RunRequest = { ...draft, ticket };
      const refusal = checkAdmission(
        admissionRequestFor(request, request.kind === 'pickup' ? ticket.dependencies : []),
        state,
      );
      if (refusal) {
        admission.refused.push({ request, refusal });
        freed = true;
        continue;
      }
      hold(state, request, 1);
      admission.admitted.push(request);
    }
    if (!freed) {
      admission.refused.push(...full);
      break;
    }
    waiting = full.map((entry) => entry.request).filter((draft) => !unread.has(draft.ticket.provider));
  }
  admission.admitted.sort((a, b) => compareForDispatch(a.ticket, b.ticket));
  return admission;
}

/** Never mutated: shared by every draft whose dependencies are not known yet. */
const NO_DEPENDENCIES: Ticket['dependencies'] = [];

/** Per draft object: what the gate was first asked for it, and with which dependencies. */
const asked = new WeakMap<
  RequestDraft,
  { dependencies: Ticket['dependencies']; request: AdmissionRequest }
>();

/**
 * The gate's first question for a draft, with the dependencies it can check before details: a
 * pickup's, when stage one read them (Linear); none otherwise — they are checked once the details
 * are read. A steady tick meets the same draft objects again (tick-rows.ts) and asks the same.
 */
function firstAsk(draft: RequestDraft): AdmissionRequest {
  const dependencies =
    draft.kind === 'pickup' ? (draft.ticket.dependencies ?? NO_DEPENDENCIES) : NO_DEPENDENCIES;
  const last = asked.get(draft);
  if (last?.dependencies === dependencies) return last.request;
  const request = admissionRequestFor(draft, dependencies);
  asked.set(draft, { dependencies, request });
  return request;
}

/** Per draft object: its last refusal, as `Admission.refused` lists it. */
const refusals = new WeakMap<RequestDraft, { request: RequestDraft; refusal: Refusal }>();

/**
 * The refused entry of `draft`: last tick's object when the gate gave the same refusal object
 * (refusals are kept while their figures stay: admission.ts), so a steady tick over thousands of
 * waiting tickets builds none.
 */
function refusedAs(draft: RequestDraft, refusal: Refusal): { request: RequestDraft; refusal: Refusal } {
  const last = refusals.get(draft);
  if (last?.refusal === refusal) return last;
  const entry = { request: draft, refusal };
  refusals.set(draft, entry);
  return entry;
}

/** Takes (`1`) or gives back (`-1`) a slot of the draft's bucket in the tick's state. */
function hold(state: TickAdmissionState, draft: RequestDraft, delta: 1 | -1): void {
  const bucket = capacityBucket(draft.mapping, draft.ticket.teamKey);
  state.inFlightByBucket.set(bucket, (state.inFlightByBucket.get(bucket) ?? 0) + delta);
}

/** Between the two stages the ticket may have closed or lost the marker that asked for the run. */
function stillWanted(draft: RequestDraft, ticket: Ticket): boolean {
  if (isTerminal(ticket.stateType)) return false;
  return draft.kind === 'plan-approval' || ticket.markers.includes('ready');
}

/**
 * The full tickets of the held drafts: drafts that already carry one pass as they are; the
 * others are read with one `getTicketDetails` (or `getTickets`) per provider. A provider whose read fails is recorded in
 * `admission.detailFailures`, and its drafts are left out.
 */
async function readDetails(
  ctx: OrchestratorContext,
  held: RequestDraft[],
  admission: Admission,
): Promise<Map<string, Ticket>> {
  const tickets = new Map<string, Ticket>();
  const candidates: TicketCandidate[] = [];
  for (const { ticket } of held) {
    if (hasDetails(ticket)) tickets.set(ticket.id, ticket);
    else candidates.push(ticket);
  }
  for (const [name, batch] of Map.groupBy(candidates, (candidate) => candidate.provider)) {
    const provider = ctx.ticketing.get(name);
    try {
      if (!provider) throw new Error(`${name} is not configured`);
      const read = provider.getTicketDetails
        ? await provider.getTicketDetails(batch)
        : await provider.getTickets(batch.map((candidate) => candidate.id));
      for (const [id, ticket] of read) tickets.set(id, ticket);
    } catch (error) {
      admission.detailFailures.push({ provider: name, error: describeError(error) });
      ctx.logger.error(
        { provider: name, err: describeError(error) },
        'reading ticket details failed; skipping its dispatching this tick',
      );
    }
  }
  return tickets;
}

function hasDetails(ticket: TicketCandidate | Ticket): ticket is Ticket {
  return 'description' in ticket;
}
