import { addComment, getComments, getCurrentUser } from 'jira.js/cloud';
import { adfToMarkdown } from './adf-to-markdown.ts';
import { IntegrationError } from '../../domain/errors.ts';
import type { Mapping } from '../../domain/mapping.ts';
import type { Ticket, TicketCandidate } from '../../domain/ticket.ts';
import type { TicketComment, TicketingProvider, TicketRef } from '../types.ts';
import {
  REPO_ROLE,
  STATUS_ROLE,
  type FieldRole,
  type JiraFieldRef,
  type JiraTicketingConfig,
} from './field-discovery.ts';
import { createJiraCandidateMirror, type JiraCandidateMirrorOptions } from './jira-candidate-mirror.ts';
import { fetchCandidatesByMapping, type MappingFailure } from './jira-candidates.ts';
import { sameIssue } from './issue-projection.ts';
import { createJiraConnection, type JiraConnection, type JiraConnectionOptions } from './jira-connection.ts';
import { bulkFetch, childrenByParent, searchByIds } from './jira-search.ts';
import { CANDIDATE_FIELDS, TICKET_FIELDS, mapCandidate, mapIssue, type JiraIssue } from './map-issue.ts';
import { markJiraIssueDone } from './mark-done.ts';
import { createMarkerUpdates } from './marker-updates.ts';
import { markdownToAdf } from './markdown-to-adf.ts';
import { RESYNC_POLLS, rollingSlice } from '../rolling-slice.ts';

export interface JiraProviderOptions extends JiraConnectionOptions {
  /**
   * The stored mappings with these team keys (absent when none), so marker updates and reads by
   * id use each ticket's mapping's `statusFieldOverride` even before the first poll (after a
   * restart, results arrive before candidates are fetched). Asked once per batch of issues.
   * Without it, the overrides of the mappings last polled are used, then discovery by name.
   */
  lookupMappings?: (teamKeys: string[]) => Mapping[] | Promise<Mapping[]>;
  /** Delta polling of the single-project mappings (jira-candidate-mirror.ts); tests set its clock. */
  candidateMirror?: Omit<JiraCandidateMirrorOptions, 'logger'>;
}

/** The Jira provider, plus what the admin API and start-up checks need. */
export interface JiraProvider extends TicketingProvider {
  readonly name: 'jira';
  /** For the admin helpers of jira-admin.ts (validate JQL, fields, options, mapping checks). */
  readonly connection: JiraConnection;
  /** The mappings skipped by the last `fetchCandidates` (others succeeded), for the admin UI. */
  lastFetchFailures(): MappingFailure[];
}

/** `getTicketStates`' last full read of an issue: its `updated` stamp, what else mapped it, its candidate. */
interface StateRead {
  issue: JiraIssue;
  updated: unknown;
  /** `inputsOf`: the mapping's key, status field override, the fields read. */
  inputs: string;
  ticket: TicketCandidate;
}

/** Remembered issue → mapping pairs; beyond this many the memory starts afresh. */
const REMEMBERED_ISSUES = 10_000;

/**
 * The `TicketingProvider` for Jira Cloud (src/ticketing/types.ts) over jira.js v6, REST v3:
 * candidates per mapping (jira-candidates.ts; the single-project mappings by delta polling through
 * a per-process mirror, jira-candidate-mirror.ts), tickets by id through bulk fetch, markers as the
 * AI-Implement Status select field (marker-updates.ts), comments as ADF, `markDone` as a
 * workflow transition to the Done category (mark-done.ts). Tickets found by
 * `fetchCandidates` carry the matching mapping's team key, as capacity is bucketed per Jira
 * mapping; `getTickets` gives the mapping's key for issues it has seen as candidates, the project
 * key otherwise. `setMarker`'s `moveToStarted` is ignored: only Linear moves the workflow state
 * (CONTRACTS.md §2), Jira workflows differ too much per project. Every method throws
 * `IntegrationError('jira', …)` (jira-errors.ts) after retrying rate limits and outages.
 * API: https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/
 */
export function createJiraProvider(options: JiraProviderOptions): JiraProvider {
  const { lookupMappings, candidateMirror, ...connectionOptions } = options;
  const connection = createJiraConnection(connectionOptions);
  const { request, fields, issueUrl, logger } = connection;
  const polledConfigs = new Map<string, JiraTicketingConfig>();
  const issueTeamKeys = new Map<string, string>();
  const mirror = createJiraCandidateMirror(request, { ...candidateMirror, logger });
  /** `getTicketStates`' last read of each issue and its candidate (shared with callers: not to be changed). */
  const statesRead = new Map<string, StateRead>();
  let nextStatesSlice = 0;
  let failures: MappingFailure[] = [];
  /** `getTicketStates`' read of an issue, when it is still at `updated` (every field it asked for). */
  const readById = (id: string, updated: unknown) => {
    const state = statesRead.get(id);
    return state !== undefined && state.updated === updated ? state.issue : undefined;
  };

  /** The Jira configuration of each of `teamKeys` (stored, else last polled), by team key as given. */
  async function configsFor(teamKeys: string[]): Promise<Map<string, JiraTicketingConfig>> {
    const unique = [...new Set(teamKeys)];
    const stored = new Map<string, JiraTicketingConfig>();
    for (const mapping of (await lookupMappings?.(unique)) ?? [])
      if (mapping.ticketingConfig.kind === 'jira') stored.set(mapping.teamKey, mapping.ticketingConfig);
    const configs = new Map<string, JiraTicketingConfig>();
    for (const teamKey of unique) {
      const config = stored.get(teamKey) ?? polledConfigs.get(teamKey.toUpperCase());
      if (config) configs.set(teamKey, config);
    }
    return configs;
  }

  async function statusField(ticket: TicketRef): Promise<JiraFieldRef> {
    const seenUnder = issueTeamKeys.get(ticket.id);
    const configs = await configsFor(
      seenUnder === undefined ? [ticket.teamKey] : [ticket.teamKey, seenUnder],
    );
    const config =
      configs.get(ticket.teamKey) ?? (seenUnder === undefined ? undefined : configs.get(seenUnder));
    return fields.field(STATUS_ROLE, config?.statusFieldOverride);
  }

  const markers = createMarkerUpdates(request, statusField);

  /** The field ids that may hold `role`'s field: by name, and the overrides of the mappings polled. */
  async function roleFieldIds(role: FieldRole) {
    const byName = await fields.lookup(role, undefined);
    const ids = new Set<string>('field' in byName ? [byName.field.id] : []);
    for (const config of polledConfigs.values()) {
      const override = config[role.override];
      if (override) ids.add(override);
    }
    return { byName, ids };
  }

  /**
   * How each of `ids` read by id is mapped: its mapping's key (when seen as a candidate) and
   * status field; `statusIds`, the AI-Implement Status fields to read (by name, and the
   * overrides). One lookup of the mappings for the batch. `inputsOf`: what the mapping of an
   * issue depends on besides the issue, as one string.
   */
  async function mapContexts(ids: string[]) {
    const { byName, ids: statusIds } = await roleFieldIds(STATUS_ROLE);
    const configs = await configsFor(ids.flatMap((id) => issueTeamKeys.get(id) ?? []));
    const overrideOf = (id: string) => {
      const teamKey = issueTeamKeys.get(id);
      return {
        teamKey,
        override: teamKey === undefined ? undefined : configs.get(teamKey)?.statusFieldOverride,
      };
    };
    const byNameId = 'field' in byName ? byName.field.id : undefined;
    return {
      statusIds: [...statusIds],
      contextOf(issue: JiraIssue) {
        const { teamKey, override } = overrideOf(issue.id);
        const statusFieldId = override ?? byNameId ?? [...statusIds].find((id) => issue.fields[id] != null);
        return { statusFieldId, teamKey, issueUrl };
      },
      inputsOf(id: string) {
        const { teamKey, override } = overrideOf(id);
        return [teamKey, override, byNameId].join('\u0000');
      },
    };
  }

  return {
    name: 'jira',
    connection,
    lastFetchFailures: () => [...failures],

    /** `Ready` issues of every Jira mapping; see `fetchCandidatesByMapping` for partial failures. */
    async fetchCandidates(mappings: Mapping[]): Promise<TicketCandidate[]> {
      const jiraMappings = mappings.filter((mapping) => mapping.ticketingProvider === 'jira');
      for (const mapping of jiraMappings) {
        if (mapping.ticketingConfig.kind === 'jira')
          polledConfigs.set(mapping.teamKey.toUpperCase(), mapping.ticketingConfig);
      }
      if (jiraMappings.length === 0) return [];
      try {
        const result = await fetchCandidatesByMapping(
          { request, fields, issueUrl, logger, mirror, readById },
          jiraMappings,
        );
        failures = result.failures;
        if (issueTeamKeys.size > REMEMBERED_ISSUES) issueTeamKeys.clear();
        for (const ticket of result.tickets) issueTeamKeys.set(ticket.id, ticket.teamKey);
        return result.tickets;
      } catch (error) {
        failures = [];
        throw error;
      }
    },

    /**
     * Stage two: issues by id with their details (bulk fetch, 100 a request, plus one children
     * search for siblings); ids Jira does not know are absent from the map.
     */
    async getTickets(ids: string[]): Promise<Map<string, Ticket>> {
      const unique = [...new Set(ids)];
      const tickets = new Map<string, Ticket>();
      if (unique.length === 0) return tickets;
      const { statusIds, contextOf } = await mapContexts(unique);
      const issues = await bulkFetch(request, unique, [...TICKET_FIELDS, ...statusIds]);
      const parents = [...new Set(issues.flatMap((issue) => parentKey(issue.fields.parent)))];
      const siblings =
        parents.length > 0 ? await childrenByParent(request, parents, issueUrl, logger) : new Map();
      for (const issue of issues) {
        const ticket = mapIssue(issue, {
          ...contextOf(issue),
          siblings: siblings.get(parentKey(issue.fields.parent)[0] ?? '') ?? [],
        });
        tickets.set(ticket.id, ticket);
      }
      return tickets;
    },

    /**
     * The cheap fields of issues by id, for reconcile's in-flight issues every tick: first their
     * stamps (`updated` only, `id in (…)` through `searchByIds`, 1,000 ids a search), then
     * `CANDIDATE_FIELDS` of those changed since the last read, never read, or in this call's
     * rolling slice (each known issue re-read once in about `RESYNC_POLLS` calls: a status or
     * priority renamed stamps no issue). An unchanged issue keeps its candidate object. Ids Jira
     * does not know are absent from the map.
     */
    async getTicketStates(ids: string[]): Promise<Map<string, TicketCandidate>> {
      const unique = [...new Set(ids)];
      const tickets = new Map<string, TicketCandidate>();
      if (unique.length === 0) return tickets;
      if (statesRead.size > REMEMBERED_ISSUES) statesRead.clear();
      const stamps = await searchByIds(request, unique, ['updated']);
      const context = await mapContexts(stamps.map((stamp) => stamp.id));
      // The repo fields too: the candidate mirror takes an issue read here (`readById`) instead of
      // reading it again when its delta shows it at the same stamp.
      const fieldIds = [
        ...CANDIDATE_FIELDS,
        'updated',
        ...context.statusIds,
        ...(await roleFieldIds(REPO_ROLE)).ids,
      ];
      const fieldsAsked = fieldIds.join(',');
      const inputsOf = (id: string) => `${context.inputsOf(id)}\u0000${fieldsAsked}`;
      const known = stamps.filter((stamp) => statesRead.has(stamp.id)).map((stamp) => stamp.id);
      const slice = new Set(rollingSlice(known.sort(), RESYNC_POLLS, nextStatesSlice));
      nextStatesSlice += slice.size;
      const stale = stamps.filter((stamp) => {
        const before = statesRead.get(stamp.id);
        return (
          before === undefined ||
          slice.has(stamp.id) ||
          before.updated !== stamp.fields.updated ||
          before.inputs !== inputsOf(stamp.id)
        );
      });
      const fresh =
        stale.length === 0
          ? []
          : await searchByIds(
              request,
              stale.map((stamp) => stamp.id),
              fieldIds,
            );
      for (const issue of fresh) {
        const before = statesRead.get(issue.id);
        const inputs = inputsOf(issue.id);
        const ticket =
          before !== undefined && before.inputs === inputs && sameIssue(before.issue, issue)
            ? before.ticket
            : mapCandidate(issue, context.contextOf(issue));
        statesRead.set(issue.id, { issue, updated: issue.fields.updated, inputs, ticket });
      }
      const read = new Set(fresh.map((issue) => issue.id));
      const staleIds = new Set(stale.map((stamp) => stamp.id));
      for (const stamp of stamps) {
        // Stale but not read again: deleted (or hidden) since its stamp.
        if (staleIds.has(stamp.id) && !read.has(stamp.id)) continue;
        const state = statesRead.get(stamp.id);
        if (state) tickets.set(stamp.id, state.ticket);
      }
      return tickets;
    },

    setMarker: (ticket, marker) => markers.setMarker(ticket, marker),
    clearMarker: (ticket, marker) => markers.clearMarker(ticket, marker),
    markDone: (ticket) => markJiraIssueDone(request, ticket),

    /** Posts `body` (Markdown) as an ADF comment by the token's account (Add comment, REST v3). */
    /** `GET /rest/api/3/issue/{id}/comment` (newest 100), oldest first, bodies as Markdown. */
    async listComments(ticket: TicketRef): Promise<TicketComment[]> {
      const page = await request('list comments', (client) =>
        getComments(client, { issueIdOrKey: ticket.id, orderBy: '-created', maxResults: 100 }),
      );
      return (page.comments ?? [])
        .map((comment) => ({
          id: String(comment.id ?? ''),
          body: adfToMarkdown(comment.body),
          createdAt: comment.created ? new Date(comment.created).toISOString() : '',
          author: comment.author?.displayName,
        }))
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || Number(a.id) - Number(b.id));
    },

    async postComment(ticket: TicketRef, body: string): Promise<void> {
      await request('add comment', (client) =>
        addComment(client, { issueIdOrKey: ticket.id, body: markdownToAdf(body) }),
      );
    },

    /** `GET /rest/api/3/myself`: `{ ok: true }` naming the account, or `{ ok: false }` with what to fix. */
    async checkConnection(): Promise<{ ok: boolean; detail: string }> {
      try {
        const user = await request('check connection', (client) => getCurrentUser(client));
        return {
          ok: true,
          detail: `Connected to Jira as ${user.displayName ?? user.accountId ?? 'an unnamed account'}`,
        };
      } catch (error) {
        if (!(error instanceof IntegrationError)) throw error;
        return { ok: false, detail: error.message };
      }
    },
  };
}

function parentKey(parent: unknown): string[] {
  const key = (parent as { key?: unknown } | null | undefined)?.key;
  return typeof key === 'string' ? [key] : [];
}
