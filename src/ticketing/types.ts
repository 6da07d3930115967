import type { Mapping } from '../domain/mapping.ts';
import type { Marker } from '../domain/markers.ts';
import type { Ticket, TicketCandidate, TicketingProviderName } from '../domain/ticket.ts';

/**
 * A ticketing system the orchestrator polls and updates (Linear, Jira, or the in-memory fake).
 *
 * Every method throws `IntegrationError` (src/domain/errors.ts) on failure, with a category; a
 * transient failure means "unknown", never "not found".
 */
export interface TicketingProvider {
  readonly name: TicketingProviderName;

  /**
   * Stage one of the tick's two-stage fetch (docs/decisions/tick-at-scale.md): tickets that carry
   * an AI marker a person set — `ready` (asks for a run) or `planApproved` (approves a plan) — in
   * the scopes of the given mappings, as **one** batched query for all of them (Linear: one
   * GraphQL request per page of `CANDIDATE_PAGE_SIZE`, filtered by team keys and labels). Only
   * what the gate's cheap rules need is read: no description, relations, parent or siblings.
   * Tickets of other teams and closed tickets (completed, canceled) never come back. Each
   * ticket's `markers` lists every lifecycle marker it carries. For Jira, `teamKey` is the key of
   * the mapping that matched. A provider may return the same object again for an unchanged
   * ticket (the tick then reuses the rows it built for it, tick-rows.ts), but never an object
   * changed in place: a changed ticket is a new object (`dependencies` aside, re-read each poll).
   */
  fetchCandidates(mappings: Mapping[]): Promise<TicketCandidate[]>;

  /**
   * Stage two, and reconciling in-flight work: the current state of specific tickets with their
   * details (description, dependencies — complete, never cut at a page —, parent, siblings), as
   * one batched query by id (more requests only when the ids pass one page). Ids that the tracker
   * says do not exist are absent from the map; a tracker error throws instead.
   */
  getTickets(ids: string[]): Promise<Map<string, Ticket>>;

  /**
   * Stage two for candidates the tick read in stage one: only what stage one lacks (description,
   * parent, siblings, and dependencies where `dependencies` is undefined), in one request for the
   * usual tick. Optional: the tick uses `getTickets` for a provider without it. Tickets the
   * tracker no longer knows are absent from the map; a tracker error throws instead.
   */
  getTicketDetails?(candidates: TicketCandidate[]): Promise<Map<string, Ticket>>;

  /**
   * The cheap fields of specific tickets (state, markers, …: what `fetchCandidates` reads), by
   * id, at the candidate page size — for reconciling in-flight work, which needs no details.
   * Ids the tracker does not know are absent from the map; a tracker error throws instead.
   */
  getTicketStates(ids: string[]): Promise<Map<string, TicketCandidate>>;

  /**
   * Makes `marker` the ticket's lifecycle marker: Linear adds the label (creating it in the
   * ticket's team when missing) and removes the other lifecycle labels; Jira sets the select field.
   * With `moveToStarted`, also moves the ticket to its team's first *started* workflow state.
   */
  setMarker(ticket: TicketRef, marker: Marker, options?: { moveToStarted?: boolean }): Promise<void>;

  /** Removes `marker` if present (no-op otherwise); the others stay. */
  clearMarker(ticket: TicketRef, marker: Marker): Promise<void>;

  /**
   * Marks the ticket done because its pull request was merged: Linear moves it to its team's
   * first *completed* workflow state by position ("Done" by default); Jira transitions it to a
   * status of the Done category. A ticket already completed is left as it is. Throws `invalid`
   * when the team has no completed state. Optional only until the Jira provider implements it;
   * without it the orchestrator leaves the state change to a person and says so in a comment.
   */
  markDone?(ticket: TicketRef): Promise<void>;

  /** Posts a Markdown comment on the ticket. */
  postComment(ticket: TicketRef, body: string): Promise<void>;

  /**
   * The ticket's newest comments (at most 100) as Markdown, oldest first, with their author's
   * name when the tracker gives one: how a person's reply to an agent's question is read when no
   * webhook brought it (issue 21). Every provider here has it; one without it leaves a
   * comment question to its webhook alone.
   */
  listComments?(ticket: TicketRef): Promise<TicketComment[]>;

  /**
   * Mappings the last `fetchCandidates` skipped while the others succeeded (a Jira project the
   * token cannot read, a bad JQL), so the tick keeps their last known blockers and inbox rows.
   * Providers that fetch all or nothing need not implement it.
   */
  lastFetchFailures?(): { teamKey: string }[];

  /**
   * The teams the credentials can see (`key` as in ENG-42, `name`), for the project stepper's
   * picker and the check that refuses a team the tracker does not have. Only trackers whose
   * team key names a real team (Linear) implement it.
   */
  listTeams?(): Promise<{ key: string; name: string }[]>;

  /** A cheap authenticated call that proves the credentials work: `{ ok, detail }`. */
  checkConnection(): Promise<{ ok: boolean; detail: string }>;
}

/** Enough to address a ticket for an update. */
export interface TicketRef {
  id: string;
  identifier: string;
  /** Team key of the ticket; Linear needs it to find or create labels in the right team. */
  teamKey: string;
}

/** A ticket comment as `listComments` reads it. */
export interface TicketComment {
  id: string;
  /** Markdown (Jira's ADF converted). */
  body: string;
  /** ISO 8601. */
  createdAt: string;
  author: string | undefined;
}
