import { markerForLinearLabel, type Marker } from '../../domain/markers.ts';
import { isTerminal, sameCandidate, type TicketCandidate } from '../../domain/ticket.ts';
import type { LinearRequest } from './linear-request.ts';
import { attachDependencies, readStageOne, type StageOnePages } from './linear-stages.ts';
import { blockedFilter, candidateFilter, changedFilter } from './queries.ts';
import { RESYNC_POLLS, rollingSlice } from '../rolling-slice.ts';

/** Options of `createCandidateMirror`. */
export interface CandidateMirrorOptions {
  /** Labels that make an open issue a candidate (`AI-Implement`, `Plan-Approved`), any case. */
  requestLabels: string[];
  /** Every mapped team is read in full once in this many polls (default `RESYNC_POLLS`, 20). */
  resyncPolls?: number;
  /**
   * How far before the latest `updatedAt` already seen the next poll asks for changes, in ms
   * (default 60,000): a write Linear stamped before that time but committed after the last read
   * is still seen.
   */
  overlapMs?: number;
}

/**
 * The candidates of the mapped Linear teams, kept by delta polling (docs/decisions/tick-at-scale.md,
 * "Delta polling").
 */
export interface CandidateMirror {
  /**
   * This poll's candidates of `teamKeys` (upper-case keys), every one with exact `dependencies`.
   * Throws `IntegrationError` when Linear fails; the mirror is then left as it was.
   */
  poll(teamKeys: string[]): Promise<TicketCandidate[]>;
}

/**
 * A mirror of the mapped teams' candidates, so a poll asks Linear for what changed rather than
 * for every waiting ticket again. Each poll reads, in the requests of one stage-one read:
 * - in full, the teams not read yet (a new mapping) and a rolling slice of the others
 *   (`resyncPolls`: every team once in that many polls, which also drops what no change shows,
 *   such as an issue deleted for good or a label renamed);
 * - the issues of the workspace updated since the latest `updatedAt` seen (minus `overlapMs`),
 *   archived ones included: a label added or removed, a state or team change, an archive;
 * - the blocked candidates with their relations, every poll: a blocker's state changes without
 *   touching the ticket it blocks, so dependencies are never taken from the mirror.
 * Linear stamps `updatedAt` on every change of an issue (https://linear.app/developers/filtering,
 * https://linear.app/developers/pagination); the watermark is Linear's own clock, never ours.
 */
export function createCandidateMirror(
  request: LinearRequest,
  options: CandidateMirrorOptions,
): CandidateMirror {
  const resyncPolls = options.resyncPolls ?? RESYNC_POLLS;
  const overlapMs = options.overlapMs ?? 60_000;
  const requestMarkers = new Set(options.requestLabels.map(markerForLinearLabel).filter(isMarker));
  const candidates = new Map<string, TicketCandidate>();
  const readTeams = new Set<string>();
  let watermark: number | undefined;
  let nextSlice = 0;

  const isCandidate = (candidate: TicketCandidate, teams: ReadonlySet<string>, archived: boolean) =>
    !archived &&
    teams.has(candidate.teamKey.toUpperCase()) &&
    !isTerminal(candidate.stateType) &&
    candidate.markers.some((marker) => requestMarkers.has(marker));

  return {
    async poll(teamKeys) {
      const teams = new Set(teamKeys.map((key) => key.toUpperCase()));
      const known = [...readTeams].filter((key) => teams.has(key)).sort();
      const fresh = watermark === undefined ? [...teams] : [...teams].filter((key) => !readTeams.has(key));
      const slice = watermark === undefined ? [] : rollingSlice(known, resyncPolls, nextSlice);
      const full = [...fresh, ...slice];
      const read = await readStageOne(request, {
        ...(full.length > 0 ? { filter: candidateFilter(full, options.requestLabels) } : {}),
        ...(watermark !== undefined && known.length > 0
          ? { changedFilter: changedFilter(new Date(watermark - overlapMs).toISOString()) }
          : {}),
        ...(teams.size > 0
          ? { blockedFilter: blockedFilter(candidateFilter([...teams], options.requestLabels)) }
          : {}),
      });
      // Applied only once every page was read: a failed poll leaves the mirror as it was.
      apply(read, new Set(full), teams);
      for (const key of full) readTeams.add(key);
      for (const key of readTeams) if (!teams.has(key)) readTeams.delete(key);
      if (read.latestUpdate !== undefined) watermark = Math.max(watermark ?? 0, read.latestUpdate);
      nextSlice += slice.length;
      const polled: TicketCandidate[] = [];
      for (const candidate of candidates.values()) {
        if (teams.has(candidate.teamKey.toUpperCase())) polled.push(candidate);
      }
      await attachDependencies(request, polled, read.blocked);
      return polled;
    },
  };

  function apply(read: StageOnePages, fullyRead: ReadonlySet<string>, teams: ReadonlySet<string>): void {
    // What a full read of its team (or the team's unmapping) no longer shows goes; the rest keep
    // their place, so each poll lists the tickets in the same order and the tick's row diffs
    // (team-rows-diff.ts) see last poll's rows in last poll's order.
    const returned = new Set(read.candidates.map((candidate) => candidate.id));
    const dropped = new Map<string, TicketCandidate>();
    candidates.forEach((candidate, id) => {
      const team = candidate.teamKey.toUpperCase();
      if ((fullyRead.has(team) || !teams.has(team)) && !returned.has(id)) {
        dropped.set(id, candidate);
        candidates.delete(id);
      }
    });
    // An unchanged ticket keeps its object (the tick reuses what it built for it by identity).
    const keep = (candidate: TicketCandidate) => {
      const old = candidates.get(candidate.id) ?? dropped.get(candidate.id);
      candidates.set(candidate.id, old && sameCandidate(old, candidate) ? old : candidate);
    };
    for (const candidate of read.candidates) keep(candidate);
    for (const { candidate, archived } of read.changed) {
      if (isCandidate(candidate, teams, archived)) keep(candidate);
      else candidates.delete(candidate.id);
    }
  }
}

function isMarker(marker: Marker | undefined): marker is Marker {
  return marker !== undefined;
}
