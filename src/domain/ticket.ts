import type { Marker } from './markers.ts';

export type TicketingProviderName = 'linear' | 'jira' | 'github';

/** Linear's workflow state types; Jira status categories are mapped onto the same set. */
export type TicketStateType = 'triage' | 'backlog' | 'unstarted' | 'started' | 'completed' | 'canceled';

/** A ticket seen in passing: enough to link to it and name it in a payload or a log line. */
export interface TicketSummary {
  id: string;
  /** Human key, e.g. `ENG-123` (Linear) or `PROJ-456` (Jira). */
  identifier: string;
  title: string;
  url: string;
  stateType: TicketStateType;
}

/** An issue this one depends on (`blocks` relation in Linear, "is blocked by" link in Jira). */
export interface TicketDependency extends TicketSummary {
  /** The blocker is completed or canceled, so it no longer holds this ticket back. */
  resolved: boolean;
}

/**
 * What the tick's cheap candidate query reads (stage one of the two-stage fetch): enough for the
 * admission gate's cheap rules (paused, breaker, in flight, dedup, capacity), the dispatch order,
 * blockers and the inbox. The details a run needs come with `Ticket` (stage two).
 */
export interface TicketCandidate extends TicketSummary {
  provider: TicketingProviderName;
  /** Linear: the team identifier (`ENG`). Jira: the key of the mapping that matched (capacity is per mapping). */
  teamKey: string;
  stateName: string;
  /** 1 = urgent … 4 = low; 0 = no priority (sorted last), as Linear's `priority` field. */
  priority: number;
  createdAt: string;
  /** Lifecycle markers currently on the ticket. */
  markers: Marker[];
  /**
   * The issues that block it, when the provider reads them with the candidates (Linear: the
   * blocked candidates' relations come with the candidate pages), so the gate's dependency rule
   * is exact before details are read; undefined when stage one did not read them.
   */
  dependencies?: TicketDependency[];
}

/** A ticket as the orchestrator reasons about it, whatever tracker it came from: candidate plus details. */
export interface Ticket extends TicketCandidate {
  description: string;
  /** Complete: every page of relations is read. */
  dependencies: TicketDependency[];
  parent: TicketSummary | undefined;
  siblings: TicketSummary[];
}

/** Terminal tickets (done or cancelled) are never dispatched and end in-flight work's claim. */
export function isTerminal(stateType: TicketStateType): boolean {
  return stateType === 'completed' || stateType === 'canceled';
}

/** Dispatch order: priority (urgent first, "no priority" last), then oldest first. */
export function compareForDispatch(a: TicketCandidate, b: TicketCandidate): number {
  // ISO timestamps order as plain strings; localeCompare would ask ICU, ~10× slower over the
  // thousands of candidates a tick sorts.
  return (
    priorityRank(a.priority) - priorityRank(b.priority) ||
    (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0)
  );
}

/** Linear's 0 ("no priority") sorts after 4 ("low"). */
function priorityRank(priority: number): number {
  return priority === 0 ? 5 : priority;
}

/**
 * Whether two reads of a candidate say the same, dependencies aside (they are read each poll).
 * A mirror keeps the object it has when a full re-read finds it unchanged, so the tick can tell
 * an unchanged ticket by identity and reuse what it built for it last time.
 */
export function sameCandidate(a: TicketCandidate, b: TicketCandidate): boolean {
  return (
    a.id === b.id &&
    a.identifier === b.identifier &&
    a.title === b.title &&
    a.url === b.url &&
    a.stateType === b.stateType &&
    a.provider === b.provider &&
    a.teamKey === b.teamKey &&
    a.stateName === b.stateName &&
    a.priority === b.priority &&
    a.createdAt === b.createdAt &&
    a.markers.length === b.markers.length &&
    a.markers.every((marker, i) => b.markers[i] === marker)
  );
}
