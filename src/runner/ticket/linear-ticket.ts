import { z } from 'zod';
import type { DispatchPayload } from '../../runners/types.ts';
import { createLinearProvider } from '../../ticketing/linear/linear-provider.ts';
import { createLinearRequest, linearGraphQLClient } from '../../ticketing/linear/linear-request.ts';
import type { TicketRef } from '../../ticketing/types.ts';
import type { RunnerSettings } from '../settings.ts';
import type { TicketClient } from './ticket-client.ts';

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
 * The ticket client of a Linear issue, through the orchestrator's own Linear provider (labels are
 * found or created the same way) and one GraphQL query for the comments.
 * API: https://developers.linear.app/docs/graphql/working-with-the-graphql-api
 */
export function linearTicketClient(
  issue: DispatchPayload['issue'],
  linear: NonNullable<RunnerSettings['linear']>,
): TicketClient {
  const { apiKey, apiUrl } = linear;
  const provider = createLinearProvider(apiUrl ? { apiKey, apiUrl } : { apiKey });
  const request = createLinearRequest(linearGraphQLClient({ apiKey, apiUrl }));
  // Linear identifiers are `<team key>-<number>`; the provider finds labels by team key.
  const ref: TicketRef = {
    id: issue.id,
    identifier: issue.identifier,
    teamKey: issue.identifier.replace(/-\d+$/, ''),
  };
  return {
    postComment: (body) => provider.postComment(ref, body),
    async listComments() {
      const data = await request(COMMENTS_QUERY, { id: issue.id, first: COMMENT_PAGE }, CommentsSchema);
      return [...data.issue.comments.nodes].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },
    setMarker: (marker) => provider.setMarker(ref, marker),
  };
}
