import { z } from 'zod';
import { JIRA_STATUS_VALUES } from '../../domain/markers.ts';
import { adfToMarkdown } from '../../ticketing/jira/adf-to-markdown.ts';

/**
 * Which verified Jira deliveries start a tick now. Only the fields read here are validated; the
 * full shape is Jira's issue webhook payload (`webhookEvent`, `issue`, `changelog.items[]` with
 * `field`, `fieldtype`, `from`/`fromString`, `to`/`toString`).
 * https://developer.atlassian.com/cloud/jira/platform/webhooks/
 */

/** The marker values a person sets to ask for work (`AI-Implement Status` = Ready / Plan Approved). */
const REQUEST_VALUES = [JIRA_STATUS_VALUES.ready, JIRA_STATUS_VALUES.planApproved].map((v) =>
  v.toLowerCase(),
);

const Payload = z.object({
  webhookEvent: z.string(),
  issue: z.object({ id: z.string().optional(), key: z.string() }).optional(),
  /** `comment_created`: the body is plain text in webhooks (REST v2 shape); ADF is read too. */
  comment: z
    .object({
      body: z.union([z.string(), z.looseObject({ type: z.literal('doc') })]),
      author: z.object({ displayName: z.string().optional() }).optional(),
    })
    .optional(),
  changelog: z
    .object({
      items: z.array(
        z.object({
          field: z.string(),
          fieldtype: z.string().optional(),
          toString: z.string().nullish(),
        }),
      ),
    })
    .nullish(),
});

export type JiraDecision =
  | {
      tick: boolean;
      event: string;
      reason: string;
      /** A new comment: maybe a person's answer to an agent's question (issue 21). */
      comment?: { issueId: string; body: string; author: string | null };
    }
  | { invalid: string };

/**
 * `jira:issue_created` → tick (the marker field may be set at creation). `jira:issue_updated`
 * → tick when the changelog sets a custom field to a request value (the marker field's id is
 * per mapping, so any custom field set to `Ready` / `Plan Approved` counts), changes `status`
 * (a ticket may have ended, or its blocker), or changes an issue `Link` (a blocker removed).
 * Anything else is acknowledged without a tick, including the orchestrator's own writes.
 */
export function decideJiraEvent(payload: unknown): JiraDecision {
  const parsed = Payload.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { invalid: `${issue?.path.join('.') || '(body)'}: ${issue?.message ?? 'is invalid'}` };
  }
  const { webhookEvent: event, issue, changelog } = parsed.data;
  const key = issue?.key ?? '(no issue)';
  if (event === 'jira:issue_created') return { tick: true, event, reason: `${key} created` };
  if (event === 'comment_created' && parsed.data.comment && issue?.id) {
    const { body, author } = parsed.data.comment;
    return {
      tick: false,
      event,
      reason: `a comment on ${key}`,
      comment: {
        issueId: issue.id,
        body: typeof body === 'string' ? body : adfToMarkdown(body),
        author: author?.displayName ?? null,
      },
    };
  }
  if (event !== 'jira:issue_updated') return { tick: false, event, reason: `${event} is not used` };
  for (const item of changelog?.items ?? []) {
    const to = item.toString?.toLowerCase();
    if (item.fieldtype === 'custom' && to && REQUEST_VALUES.includes(to)) {
      return { tick: true, event, reason: `${item.field} set to ${item.toString} on ${key}` };
    }
    if (item.field === 'status') return { tick: true, event, reason: `${key} moved to ${item.toString}` };
    if (item.field === 'Link') return { tick: true, event, reason: `an issue link of ${key} changed` };
  }
  return { tick: false, event, reason: `${key} changed without a request value, status or link change` };
}
