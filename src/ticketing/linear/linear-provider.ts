import { z } from 'zod';
import { IntegrationError } from '../../domain/errors.ts';
import type { Mapping } from '../../domain/mapping.ts';
import { LINEAR_LABELS } from '../../domain/markers.ts';
import type { Ticket, TicketCandidate } from '../../domain/ticket.ts';
import type { TicketComment, TicketingProvider, TicketRef } from '../types.ts';
import { createLinearRequest, linearGraphQLClient, type LinearRequestOptions } from './linear-request.ts';
import { IssuesPageSchema, mapIssue, type IssuesPage } from './map-issue.ts';
import { createCandidateMirror } from './candidate-mirror.ts';
import { allRelations, fetchDetails, readStageOne } from './linear-stages.ts';
import { markLinearIssueDone } from './mark-done.ts';
import { createMarkerUpdates } from './marker-updates.ts';
import {
  CANDIDATE_PAGE_SIZE,
  DETAIL_PAGE_SIZE,
  ISSUES_QUERY,
  idFilter,
  lifecycleLabelVariables,
} from './queries.ts';
import {
  CREATE_COMMENT_MUTATION,
  ISSUE_COMMENTS_QUERY,
  TEAMS_PAGE_SIZE,
  TEAMS_QUERY,
  VIEWER_QUERY,
} from './update-queries.ts';

export interface LinearProviderOptions extends LinearRequestOptions {
  /** A personal API key (LINEAR_API_KEY), sent raw in `Authorization`. Never logged. */
  apiKey: string;
  /** GraphQL endpoint (LINEAR_API_URL); defaults to https://api.linear.app/graphql. */
  apiUrl?: string;
}

/** The markers a person sets to ask for work: a run (`AI-Implement`) or a plan approval (`Plan-Approved`). */
const REQUEST_LABELS = [LINEAR_LABELS.ready, LINEAR_LABELS.planApproved];

const CommentCreateSchema = z.object({ commentCreate: z.object({ success: z.boolean() }) });
const IssueCommentsSchema = z.object({
  issue: z.object({
    comments: z.object({
      nodes: z.array(
        z.object({
          id: z.string(),
          body: z.string(),
          createdAt: z.string(),
          user: z.object({ name: z.string() }).nullable().optional(),
        }),
      ),
    }),
  }),
});
/** Comments read per `listComments`: a reply to a question is among the newest. */
const COMMENT_PAGE = 100;
const ViewerSchema = z.object({ viewer: z.object({ id: z.string(), name: z.string() }) });
const TeamsPageSchema = z.object({
  teams: z.object({
    nodes: z.array(z.object({ key: z.string(), name: z.string() })),
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
  }),
});

/**
 * The `TicketingProvider` for Linear (src/ticketing/types.ts), over `@linear/sdk`'s raw GraphQL
 * client with the hand-written documents in queries.ts. Every method throws `IntegrationError`
 * ('linear', category): see linear-errors.ts; rate-limited and transient failures are retried
 * per `options.retry` (linear-request.ts) first. API: https://linear.app/developers/graphql.
 */
export function createLinearProvider(options: LinearProviderOptions): TicketingProvider {
  const { apiKey, apiUrl, ...requestOptions } = options;
  const request = createLinearRequest(linearGraphQLClient({ apiKey, apiUrl }), requestOptions);
  const markers = createMarkerUpdates(request);
  const mirror = createCandidateMirror(request, { requestLabels: REQUEST_LABELS });

  return {
    name: 'linear',

    /**
     * Stage one: open issues (not completed/canceled) of the Linear teams mapped in `mappings`
     * that carry `AI-Implement` or `Plan-Approved`, with only the cheap fields and exact
     * dependencies, from the candidate mirror (candidate-mirror.ts): a poll reads what changed
     * since the last one, the blocked candidates, and a rolling slice of the teams in full, in
     * pages of `CANDIDATE_PAGE_SIZE` (queries.ts has the arithmetic). Mappings of other providers
     * are ignored.
     */
    async fetchCandidates(mappings: Mapping[]): Promise<TicketCandidate[]> {
      const teamKeys = [
        ...new Set(
          mappings.filter((m) => m.ticketingProvider === 'linear').map((m) => m.teamKey.toUpperCase()),
        ),
      ];
      if (teamKeys.length === 0) return [];
      return mirror.poll(teamKeys);
    },

    /** The stage-one fields of `ids`, `CANDIDATE_PAGE_SIZE` ids per request. */
    async getTicketStates(ids: string[]): Promise<Map<string, TicketCandidate>> {
      const unique = [...new Set(ids)];
      const tickets = new Map<string, TicketCandidate>();
      for (let start = 0; start < unique.length; start += CANDIDATE_PAGE_SIZE) {
        const chunk = unique.slice(start, start + CANDIDATE_PAGE_SIZE);
        const { candidates } = await readStageOne(request, { filter: idFilter(chunk) });
        for (const ticket of candidates) tickets.set(ticket.id, ticket);
      }
      return tickets;
    },

    /**
     * Stage two: `ids` (Linear issue UUIDs) with their details, `DETAIL_PAGE_SIZE` ids per
     * request; an issue with more blocking relations than one page holds has the rest read too,
     * so no blocker is missed. Ids Linear does not know are absent from the map.
     */
    async getTickets(ids: string[]): Promise<Map<string, Ticket>> {
      const unique = [...new Set(ids)];
      const tickets = new Map<string, Ticket>();
      for (let start = 0; start < unique.length; start += DETAIL_PAGE_SIZE) {
        const chunk = unique.slice(start, start + DETAIL_PAGE_SIZE);
        const page: IssuesPage = await request(
          ISSUES_QUERY,
          { filter: idFilter(chunk), first: DETAIL_PAGE_SIZE, after: null, ...lifecycleLabelVariables() },
          IssuesPageSchema,
        );
        for (const issue of page.issues.nodes) {
          const relations = await allRelations(request, issue.id, issue.inverseRelations);
          tickets.set(issue.id, mapIssue(issue, relations));
        }
      }
      return tickets;
    },

    /** Stage two for stage-one candidates: `fetchDetails` (linear-stages.ts). */
    getTicketDetails: (candidates) => fetchDetails(request, candidates),

    setMarker: (ticket, marker, markerOptions) => markers.setMarker(ticket, marker, markerOptions),
    clearMarker: (ticket, marker) => markers.clearMarker(ticket, marker),
    markDone: (ticket) => markLinearIssueDone(request, ticket),

    /** The issue's comments (`Issue.comments(first: 100)`, as the runner reads them), oldest first. */
    async listComments(ticket: TicketRef): Promise<TicketComment[]> {
      const data = await request(
        ISSUE_COMMENTS_QUERY,
        { id: ticket.id, first: COMMENT_PAGE },
        IssueCommentsSchema,
      );
      return data.issue.comments.nodes
        .map((comment) => ({
          id: comment.id,
          body: comment.body,
          createdAt: comment.createdAt,
          author: comment.user?.name,
        }))
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },

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
    /** Every team the key can see, `TEAMS_PAGE_SIZE` a request, by key. */
    async listTeams(): Promise<{ key: string; name: string }[]> {
      const teams: { key: string; name: string }[] = [];
      let after: string | null = null;
      do {
        const page: z.output<typeof TeamsPageSchema> = await request(
          TEAMS_QUERY,
          { first: TEAMS_PAGE_SIZE, after },
          TeamsPageSchema,
        );
        teams.push(...page.teams.nodes);
        after = page.teams.pageInfo.hasNextPage ? page.teams.pageInfo.endCursor : null;
      } while (after);
      return teams.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },

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
