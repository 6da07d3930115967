import { createHmac, randomUUID } from 'node:crypto';
import { postOnce } from '../../support/post-once.ts';
import type { FakeIssue } from './fake-jira-data.ts';

/**
 * The fake Jira's admin webhook (System → WebHooks, events issue created / updated, with a
 * secret): changes a person makes in the test (`addIssue`, `setField`, `setStatus`) are POSTed
 * as `jira:issue_created` / `jira:issue_updated` with a `changelog`, signed with
 * `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body>` and identified by
 * `X-Atlassian-Webhook-Identifier`. https://developer.atlassian.com/cloud/jira/platform/webhooks/
 */
export interface FakeJiraWebhooks {
  configure(target: { url: string; secret: string } | undefined): void;
  /** Every delivery so far with its answer (status 0: connection failed). */
  readonly deliveries: readonly { event: string; issueKey: string; status?: number; response?: unknown }[];
  settled(): Promise<void>;
}

export interface ChangelogItem {
  field: string;
  fieldtype: 'jira' | 'custom';
  fieldId: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

export interface JiraWebhookSender extends FakeJiraWebhooks {
  send(event: 'jira:issue_created' | 'jira:issue_updated', issue: FakeIssue, items?: ChangelogItem[]): void;
  /** `comment_created` (a person's comment; the body as the webhook carries it, plain text). */
  sendComment(issue: FakeIssue, comment: { id: string; text: string; author: string; created: string }): void;
}

export function createJiraWebhookSender(siteUrl: string): JiraWebhookSender {
  let target: { url: string; secret: string } | undefined;
  let queue: Promise<void> = Promise.resolve();
  const deliveries: { event: string; issueKey: string; status?: number; response?: unknown }[] = [];
  return {
    deliveries,
    configure(next) {
      target = next;
    },
    settled: () => queue,
    send(event, issue, items = []) {
      post(event, issue, {
        issue_event_type_name: event === 'jira:issue_created' ? 'issue_created' : 'issue_generic',
        ...(items.length > 0 ? { changelog: { id: String(Date.now()), items } } : {}),
      });
    },
    sendComment(issue, comment) {
      post('comment_created', issue, {
        comment: {
          id: comment.id,
          self: `${siteUrl}/rest/api/2/issue/${issue.id}/comment/${comment.id}`,
          author: { accountId: '5b10ac8d82e05b22cc7d4ef6', displayName: comment.author },
          body: comment.text,
          created: comment.created,
          updated: comment.created,
        },
      });
    },
  };

  function post(event: string, issue: FakeIssue, extra: Record<string, unknown>) {
    if (!target) return;
    const { url, secret } = target;
    const body = JSON.stringify({
      timestamp: Date.now(),
      webhookEvent: event,
      user: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Alice' },
      issue: {
        id: issue.id,
        self: `${siteUrl}/rest/api/3/issue/${issue.id}`,
        key: issue.key,
        fields: { summary: issue.summary, project: { key: issue.projectKey } },
      },
      ...extra,
    });
    const delivery: (typeof deliveries)[number] = { event, issueKey: issue.key };
    deliveries.push(delivery);
    const headers = {
      'Content-Type': 'application/json; charset=utf-8',
      'X-Atlassian-Webhook-Identifier': randomUUID(),
      'X-Hub-Signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    };
    queue = queue.then(() =>
      postOnce(url, headers, body).then(
        (answer) => {
          delivery.status = answer.status;
          delivery.response = answer.text;
        },
        () => {
          delivery.status = 0;
        },
      ),
    );
  }
}
