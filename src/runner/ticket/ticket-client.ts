import { LinearClient } from '@linear/sdk';
import { z } from 'zod';
import type { Marker } from '../../domain/markers.ts';
import type { DispatchPayload } from '../../runners/types.ts';
import { createLinearProvider } from '../../ticketing/linear/linear-provider.ts';
import { createLinearRequest } from '../../ticketing/linear/linear-request.ts';
import type { TicketRef } from '../../ticketing/types.ts';
import type { RunnerSettings } from '../settings.ts';

/**
 * The run's ticket, as far as the runner touches it: planning comments and the PR link are
 * posted, planning context is read back, and the lifecycle marker is set before the result is
 * reported (the orchestrator sets the same marker again when it takes the result, so the
 * ticket is right even when one of the two cannot reach the tracker). Uses the orchestrator's own
 * Linear provider, so labels are found or created the same way.
 */
export interface TicketClient {
  postComment(body: string): Promise<void>;
  /** The ticket's comments, oldest first (at most the newest 100). */
  listComments(): Promise<{ body: string; createdAt: string }[]>;
  setMarker(marker: Marker): Promise<void>;
}

/** Why there is no ticket client for this run, for the step's output. */
export type TicketAccess = { client: TicketClient } | { client: undefined; reason: string };

const COMMENTS_QUERY = /* GraphQL */ `
  query AiImplementRunnerIssueComments($id: String!, $first: Int!) {
    issue(id: $id) {
      comments(first: $first) {
        nodes {
          body
          createdAt
        }
      }
    }
  }
`;

const CommentsSchema = z.object({
  issue: z.object({
    comments: z.object({ nodes: z.array(z.object({ body: z.string(), createdAt: z.string() })) }),
  }),
});

/** Linear returns at most 250 per page; the planning comments are among the newest few. */
const COMMENT_PAGE = 100;

/**
 * The client for the payload's ticket: Linear with LINEAR_API_KEY; otherwise none, with the
 * reason (no key in the runner's environment, or a tracker the runner does not update yet).
 */
export function ticketAccess(issue: DispatchPayload['issue'], settings: RunnerSettings): TicketAccess {
  if (issue.provider !== 'linear') {
    return {
      client: undefined,
      reason: `the runner does not update ${issue.provider} tickets; the orchestrator sets the marker`,
    };
  }
  if (!settings.linear) {
    return {
      client: undefined,
      reason: 'LINEAR_API_KEY is not set for the runner; the orchestrator sets the marker',
    };
  }
  const { apiKey, apiUrl } = settings.linear;
  const provider = createLinearProvider(apiUrl ? { apiKey, apiUrl } : { apiKey });
  const request = createLinearRequest(new LinearClient(apiUrl ? { apiKey, apiUrl } : { apiKey }));
  // Linear identifiers are `<team key>-<number>`; the provider finds labels by team key.
  const ref: TicketRef = {
    id: issue.id,
    identifier: issue.identifier,
    teamKey: issue.identifier.replace(/-\d+$/, ''),
  };
  return {
    client: {
      postComment: (body) => provider.postComment(ref, body),
      async listComments() {
        const data = await request(COMMENTS_QUERY, { id: issue.id, first: COMMENT_PAGE }, CommentsSchema);
        return [...data.issue.comments.nodes].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      },
      setMarker: (marker) => provider.setMarker(ref, marker),
    },
  };
}
