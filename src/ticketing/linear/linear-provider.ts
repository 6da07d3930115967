import { LinearClient } from '@linear/sdk';
import { z } from 'zod';
import { IntegrationError } from '../../domain/errors.ts';
import type { Mapping } from '../../domain/mapping.ts';
import { LINEAR_LABELS } from '../../domain/markers.ts';
import type { Ticket } from '../../domain/ticket.ts';
import type { TicketingProvider, TicketRef } from '../types.ts';
import { createLinearRequest, type LinearRequest, type LinearRequestOptions } from './linear-request.ts';
import { IssuesPageSchema, mapIssue, type IssuesPage } from './map-issue.ts';
import { markLinearIssueDone } from './mark-done.ts';
import { createMarkerUpdates } from './marker-updates.ts';
import {
  CREATE_COMMENT_MUTATION,
  ISSUE_PAGE_SIZE,
  ISSUES_QUERY,
  VIEWER_QUERY,
  candidateFilter,
  idFilter,
} from './queries.ts';

export interface LinearProviderOptions extends LinearRequestOptions {
  /** A personal API key (LINEAR_API_KEY), sent raw in `Authorization`. Never logged. */
  apiKey: string;
  /** GraphQL endpoint (LINEAR_API_URL); defaults to https://api.linear.app/graphql. */
  apiUrl?: string;
}

/** The markers a person sets to ask for work: a run (`AI-Implement`) or a plan approval (`Plan-Approved`). */
const REQUEST_LABELS = [LINEAR_LABELS.ready, LINEAR_LABELS.planApproved];

const CommentCreateSchema = z.object({ commentCreate: z.object({ success: z.boolean() }) });
const ViewerSchema = z.object({ viewer: z.object({ id: z.string(), name: z.string() }) });

/**
 * The `TicketingProvider` for Linear (src/ticketing/types.ts), over `@linear/sdk`'s raw GraphQL
 * client with the hand-written documents in queries.ts. Every method throws `IntegrationError`
 * ('linear', category): see linear-errors.ts; rate-limited and transient failures are retried
 * per `options.retry` (linear-request.ts) first. API: https://linear.app/developers/graphql.
 */
export function createLinearProvider(options: LinearProviderOptions): TicketingProvider {
  const { apiKey, apiUrl, ...requestOptions } = options;
  const client = new LinearClient(apiUrl ? { apiKey, apiUrl } : { apiKey });
  const request = createLinearRequest(client, requestOptions);
  const markers = createMarkerUpdates(request);

  return {
    name: 'linear',

    /**
     * Open issues (not completed/canceled) of the Linear teams mapped in `mappings` that carry
     * `AI-Implement` or `Plan-Approved`, as one `issues` query for all teams (more requests only
     * when the result runs past a page of 25). Mappings of other providers are ignored.
     */
    async fetchCandidates(mappings: Mapping[]): Promise<Ticket[]> {
      const teamKeys = [
        ...new Set(
          mappings.filter((m) => m.ticketingProvider === 'linear').map((m) => m.teamKey.toUpperCase()),
        ),
      ];
      if (teamKeys.length === 0) return [];
      return fetchIssues(request, candidateFilter(teamKeys, REQUEST_LABELS));
    },

    /** The current state of `ids` (Linear issue UUIDs); ids Linear does not know are absent from the map. */
    async getTickets(ids: string[]): Promise<Map<string, Ticket>> {
      const unique = [...new Set(ids)];
      const tickets = new Map<string, Ticket>();
      if (unique.length === 0) return tickets;
      for (const ticket of await fetchIssues(request, idFilter(unique))) tickets.set(ticket.id, ticket);
      return tickets;
    },

    setMarker: (ticket, marker, markerOptions) => markers.setMarker(ticket, marker, markerOptions),
    clearMarker: (ticket, marker) => markers.clearMarker(ticket, marker),
    markDone: (ticket) => markLinearIssueDone(request, ticket),

    /** Posts `body` (Markdown) as a comment by the API key's user (`commentCreate`). */
    async postComment(ticket: TicketRef, body: string): Promise<void> {
      const { commentCreate } = await request(
        CREATE_COMMENT_MUTATION,
        { input: { issueId: ticket.id, body } },
        CommentCreateSchema,
      );
      if (!commentCreate.success) {
        throw new IntegrationError(
          'linear',
          'transient',
          `Linear did not create the comment on ${ticket.identifier}`,
        );
      }
    },

    /** `viewer { id name }`: `{ ok: true }` naming the key's user, or `{ ok: false }` with what went wrong. */
    async checkConnection(): Promise<{ ok: boolean; detail: string }> {
      try {
        const { viewer } = await request(VIEWER_QUERY, {}, ViewerSchema);
        return { ok: true, detail: `Connected to Linear as ${viewer.name}` };
      } catch (error) {
        if (!(error instanceof IntegrationError)) throw error;
        return { ok: false, detail: error.message };
      }
    },
  };
}

/** Every page of `issues(filter:)`, following `pageInfo.endCursor`. */
async function fetchIssues(request: LinearRequest, filter: Record<string, unknown>): Promise<Ticket[]> {
  const tickets: Ticket[] = [];
  let after: string | null = null;
  do {
    const page: IssuesPage = await request(
      ISSUES_QUERY,
      { filter, first: ISSUE_PAGE_SIZE, after },
      IssuesPageSchema,
    );
    const { issues } = page;
    tickets.push(...issues.nodes.map(mapIssue));
    after = issues.pageInfo.hasNextPage ? issues.pageInfo.endCursor : null;
  } while (after !== null);
  return tickets;
}
