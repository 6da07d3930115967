import { addComment, getComments, getCommentsByIds } from 'jira.js/cloud';
import type { JiraConfig } from '../../config/types.ts';
import type { DispatchPayload } from '../../runners/types.ts';
import { adfToMarkdown } from '../../ticketing/jira/adf-to-markdown.ts';
import { createJiraProvider } from '../../ticketing/jira/jira-provider.ts';
import type { JiraRequestOptions } from '../../ticketing/jira/jira-request.ts';
import { markdownToAdf } from '../../ticketing/jira/markdown-to-adf.ts';
import type { TicketRef } from '../../ticketing/types.ts';
import type { RunLog } from '../run-log.ts';
import type { TicketClient } from './ticket-client.ts';

/** Test seams: `onSchemaMismatch: 'throw'` against the fake Jira, fast retries. */
export type JiraTicketOptions = Pick<JiraRequestOptions, 'onSchemaMismatch' | 'retry' | 'sleep'>;

/** The comment property that carries a comment's hidden marker. */
export const MARKER_PROPERTY = 'ai-implement';

/** A hidden first line as the runner writes it (planning-output.ts `planMarker`). */
const HIDDEN_LINE = /^<!-- (ai-implement:[\w:.-]+) -->[ \t]*(?:\r?\n|$)/;

/** Jira returns at most 100 comments per page by default; the planning comments are among the newest. */
const COMMENT_PAGE = 100;

/**
 * The ticket client of a Jira issue, over the orchestrator's Jira provider (jira.js, REST v3, the
 * same auth, retries and status-field discovery by name): comments are Markdown converted to ADF.
 * ADF has no hidden text, so a comment's first line `<!-- ai-implement:… -->` (the planning
 * sections' marker) does not go into the body, where Jira would show it: it is stored as the
 * comment property `ai-implement` (`{ "marker": "ai-implement:plan:…" }`, Add comment's
 * `properties`) and put back in front of the body when comments are read, with
 * Get comments by IDs' `expand=properties`.
 * API: https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-comments/
 */
export function jiraTicketClient(
  issue: DispatchPayload['issue'],
  config: JiraConfig,
  log: RunLog,
  options: JiraTicketOptions = {},
): TicketClient {
  const provider = createJiraProvider({
    config,
    ...options,
    logger: { warn: (fields, message) => log.warn(message, fields) },
  });
  const { request } = provider.connection;
  // Jira keys are `<project key>-<number>`; without a mapping the status field is found by name.
  const ref: TicketRef = {
    id: issue.id,
    identifier: issue.identifier,
    teamKey: issue.identifier.replace(/-\d+$/, ''),
  };

  return {
    async postComment(body) {
      const hidden = HIDDEN_LINE.exec(body);
      if (!hidden) return provider.postComment(ref, body);
      const marker = hidden[1] ?? '';
      await request('add comment', (client) =>
        addComment(client, {
          issueIdOrKey: issue.id,
          body: markdownToAdf(body.slice(hidden[0].length)),
          properties: [{ key: MARKER_PROPERTY, value: { marker } }],
        }),
      );
    },

    async listComments() {
      const page = await request('list comments', (client) =>
        getComments(client, { issueIdOrKey: issue.id, orderBy: '-created', maxResults: COMMENT_PAGE }),
      );
      const ids = (page.comments ?? []).flatMap((comment) => (comment.id ? [Number(comment.id)] : []));
      if (ids.length === 0) return [];
      const detailed = await request('read comment properties', (client) =>
        getCommentsByIds(client, { ids, expand: 'properties' }),
      );
      return (
        (detailed.values ?? [])
          .map((comment) => {
            const property = comment.properties?.find((p) => p.key === MARKER_PROPERTY);
            const marker = (property?.value as { marker?: unknown } | undefined)?.marker;
            const text = adfToMarkdown(comment.body);
            return {
              id: Number(comment.id),
              body: typeof marker === 'string' ? `<!-- ${marker} -->\n${text}` : text,
              createdAt: comment.created ? new Date(comment.created).toISOString() : '',
            };
          })
          // Ids grow with time: they order comments posted within the same millisecond.
          .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id)
          .map(({ body, createdAt }) => ({ body, createdAt }))
      );
    },

    setMarker: (marker) => provider.setMarker(ref, marker),
  };
}
