import { createHmac, randomUUID } from 'node:crypto';
import type { GraphQLSchema } from 'graphql';
import type { Workspace, WorkspaceIssue } from '../../../src/ticketing/memory/workspace.ts';
import { postOnce } from '../../support/post-once.ts';
import type { FakeAgent, FakeAgentSession } from './fake-linear-agent.ts';
import type { FakeUser } from './fake-linear-data.ts';
import {
  issueLabelWebhookData,
  issueWebhookData,
  webhookShapeErrors,
} from './fake-linear-webhook-payloads.ts';

/**
 * The fake Linear's webhook: like a webhook an admin creates in Linear (Settings → API →
 * Webhooks) it POSTs `Issue` and `IssueLabel` data-change events to `url`, each signed with
 * `Linear-Signature` = hex HMAC-SHA256 of the raw body with the signing secret, identified by
 * `Linear-Delivery`, and carrying `webhookTimestamp` (ms) in the signed body. Changes made by
 * the test (addIssue, updateIssue, addLabel) and by GraphQL mutations both send events, as in
 * Linear. Linear delivers at least once and retries a failed delivery after 1 min, 1 h and 6 h:
 * `duplicate` sends every event twice, `redeliver` sends one again with a fresh timestamp (a
 * retry), `replay` sends the very same bytes (a captured delivery), `sendStale`/`sendForged` an
 * event with an old timestamp or a wrong signature.
 * https://linear.app/developers/webhooks
 */
export interface FakeLinearWebhooks {
  /** Where to send, with which signing secret; unset → nothing is sent. */
  configure(target: WebhookTarget | undefined): void;
  /** Send every event twice with the same `Linear-Delivery` (at-least-once delivery). */
  duplicate: boolean;
  /** Every delivery attempt so far, in order; `status` is set once answered (0: connection failed). */
  readonly deliveries: readonly SentDelivery[];
  /** Resolves when every delivery started so far has been answered. */
  settled(): Promise<void>;
  /** A retry of an earlier delivery: same id and event, fresh `webhookTimestamp`, signed again. */
  redeliver(deliveryId: string): Promise<SentDelivery>;
  /** The same request again, byte for byte (signature and timestamp included). */
  replay(deliveryId: string): Promise<SentDelivery>;
  /** An `Issue` update event for `issueId` whose signed `webhookTimestamp` is `ageMs` old. */
  sendStale(issueId: string, ageMs: number): Promise<SentDelivery>;
  /** An `Issue` update event for `issueId` signed with the wrong secret. */
  sendForged(issueId: string): Promise<SentDelivery>;
  /**
   * Delegates `issueId` to the agent app (needs `configureAgent`): opens an agent session and
   * sends `AgentSessionEvent` `created`, as Linear does. Returns the session id.
   */
  delegate(issueId: string): string;
  /** A follow-up in a session: `AgentSessionEvent` `prompted` with a prompt activity (or a signal such as `stop`). */
  prompt(sessionId: string, message: { body: string; signal?: 'stop' }): void;
}

export interface WebhookTarget {
  url: string;
  secret: string;
  /** Default all three (an OAuth app's webhook with data change and agent session events). */
  resourceTypes?: EventType[];
}

/** `Comment` only when the target asks for it (`resourceTypes`), as a Linear webhook subscribes to it. */
type EventType = 'Issue' | 'IssueLabel' | 'AgentSessionEvent' | 'Comment';

export interface SentDelivery {
  deliveryId: string;
  type: EventType;
  action: string;
  /** 1 for the first send, 2… for duplicates, retries and replays. */
  attempt: number;
  body: string;
  headers: Record<string, string>;
  /** `Date.now()` when sent. */
  sentAt: number;
  status?: number;
  response?: unknown;
}

/** What the sender keeps of an event: enough to send it again (same id, new timestamp). */
interface Event {
  deliveryId: string;
  type: EventType;
  action: string;
  envelope: Record<string, unknown>;
}

/** Issue and label state before a change, to tell what the change did. */
export interface WorkspaceSnapshot {
  issues: Map<string, WorkspaceIssue>;
  labelIds: Set<string>;
  commentIds: Set<string>;
}

export interface WebhookSender extends FakeLinearWebhooks {
  /** A copy of what events are computed from; take one before a change. */
  snapshot(): WorkspaceSnapshot;
  /** Sends the events for everything that changed since `before`. */
  emitChanges(before: WorkspaceSnapshot): void;
}

/** Fields whose old values go into `updatedFrom` when they change (Linear sends the changed ones). */
const TRACKED: (keyof WorkspaceIssue)[] = [
  'title',
  'description',
  'priority',
  'stateId',
  'labelIds',
  'teamId',
  'parentId',
];

export function createWebhookSender(
  workspace: Workspace,
  schema: GraphQLSchema,
  actor: FakeUser,
  organizationId: string,
  agent: FakeAgent,
): WebhookSender {
  let target: WebhookTarget | undefined;
  const deliveries: SentDelivery[] = [];
  const events = new Map<string, Event>();
  let queue: Promise<void> = Promise.resolve();
  const webhookId = randomUUID();

  function envelopeFor(
    type: Event['type'],
    action: Event['action'],
    data: Record<string, unknown>,
    updatedFrom?: Record<string, unknown>,
  ): Record<string, unknown> {
    const envelope = {
      action,
      actor: {
        id: actor.id,
        name: actor.name,
        email: actor.email,
        type: 'user',
        url: `https://linear.app/${workspace.urlKey}/profiles/bot`,
      },
      createdAt: new Date().toISOString(),
      data,
      organizationId,
      type,
      ...(updatedFrom ? { updatedFrom } : {}),
      ...(typeof data.url === 'string' ? { url: data.url } : {}),
      webhookId,
      webhookTimestamp: Date.now(),
    };
    const dataType = `${type}WebhookPayload`;
    const errors = [
      ...webhookShapeErrors(schema, 'EntityWebhookPayload', { ...envelope, actor: undefined }),
      ...webhookShapeErrors(schema, 'UserActorWebhookPayload', envelope.actor),
      ...webhookShapeErrors(schema, dataType, data),
    ];
    // A bug in the fake, not in the product: fail loudly.
    if (errors.length > 0)
      throw new Error(`fake Linear built a webhook Linear would not send: ${errors.join('; ')}`);
    return envelope;
  }

  function post(
    body: string,
    headers: Record<string, string>,
    event: Event,
    attempt: number,
  ): Promise<SentDelivery> {
    const url = target?.url;
    const sent: SentDelivery = {
      deliveryId: event.deliveryId,
      type: event.type,
      action: event.action,
      attempt,
      body,
      headers,
      sentAt: Date.now(),
    };
    deliveries.push(sent);
    const done = queue.then(async () => {
      if (!url) return;
      try {
        const response = await postOnce(url, headers, body);
        sent.status = response.status;
        const text = response.text;
        try {
          sent.response = JSON.parse(text);
        } catch {
          sent.response = text;
        }
      } catch (error) {
        sent.status = 0;
        sent.response = String((error as Error).cause ?? error);
      }
    });
    queue = done;
    return done.then(() => sent);
  }

  function send(event: Event, attempt: number, options: { secret?: string; ageMs?: number } = {}) {
    const envelope = { ...event.envelope, webhookTimestamp: Date.now() - (options.ageMs ?? 0) };
    const body = JSON.stringify(envelope);
    const secret = options.secret ?? target?.secret ?? '';
    const headers = {
      'Content-Type': 'application/json; charset=utf-8',
      'User-Agent': 'Linear-Webhook',
      'Linear-Delivery': event.deliveryId,
      'Linear-Event': event.type,
      'Linear-Signature': createHmac('sha256', secret).update(body).digest('hex'),
    };
    return post(body, headers, event, attempt);
  }

  function emit(
    type: 'Issue' | 'IssueLabel' | 'Comment',
    action: string,
    data: Record<string, unknown>,
    updatedFrom?: Record<string, unknown>,
  ) {
    if (!wanted(type)) return;
    send_(type, action, envelopeFor(type, action, data, updatedFrom));
  }

  function wanted(type: EventType): boolean {
    return (
      target !== undefined &&
      (target.resourceTypes ?? ['Issue', 'IssueLabel', 'AgentSessionEvent']).includes(type)
    );
  }

  /** Sends a new event (twice when `duplicate`), keeping it for redeliveries. */
  function send_(type: EventType, action: string, envelope: Record<string, unknown>) {
    const event = { deliveryId: randomUUID(), type, action, envelope };
    events.set(event.deliveryId, event);
    void send(event, 1);
    if (sender.duplicate) void send(event, 2);
  }

  /** `AgentSessionEventWebhookPayload`, checked against Linear's schema like the others. */
  function agentEnvelope(action: string, session: FakeAgentSession, activity?: Record<string, unknown>) {
    const issue = workspace.issues.find((i) => i.id === session.issueId)!;
    const team = workspace.teams.find((t) => t.id === issue.teamId)!;
    const now = new Date().toISOString();
    const agentSession = {
      id: session.id,
      appUserId: agent.app.appUserId,
      organizationId,
      createdAt: session.createdAt,
      updatedAt: now,
      status: action === 'created' ? 'pending' : 'active',
      type: 'issue',
      issueId: issue.id,
      issue: {
        id: issue.id,
        identifier: issue.identifier,
        title: issue.title,
        teamId: team.id,
        team: { id: team.id, key: team.key, name: team.name },
        url: issueWebhookData(workspace, issue).url,
      },
    };
    const envelope = {
      type: 'AgentSessionEvent',
      action,
      agentSession,
      ...(activity ? { agentActivity: activity } : {}),
      appUserId: agent.app.appUserId,
      oauthClientId: agent.app.clientId,
      organizationId,
      createdAt: now,
      webhookId,
      webhookTimestamp: Date.now(),
    };
    const errors = webhookShapeErrors(schema, 'AgentSessionEventWebhookPayload', envelope);
    if (errors.length > 0)
      throw new Error(`fake Linear built a webhook Linear would not send: ${errors.join('; ')}`);
    return envelope;
  }

  function attempts(deliveryId: string): number {
    return deliveries.filter((d) => d.deliveryId === deliveryId).length;
  }

  function issueEvent(issueId: string): Event {
    const issue = workspace.issues.find((i) => i.id === issueId || i.identifier === issueId);
    if (!issue) throw new Error(`fake Linear: no issue ${issueId}`);
    const data = issueWebhookData(workspace, issue);
    return {
      deliveryId: randomUUID(),
      type: 'Issue',
      action: 'update',
      envelope: envelopeFor('Issue', 'update', data, { updatedAt: issue.updatedAt, labelIds: [] }),
    };
  }

  const sender: WebhookSender = {
    duplicate: false,
    deliveries,
    configure(next) {
      target = next;
    },
    async settled() {
      await queue;
    },
    redeliver(deliveryId) {
      const event = events.get(deliveryId);
      if (!event) throw new Error(`fake Linear: no delivery ${deliveryId}`);
      return send(event, attempts(deliveryId) + 1);
    },
    replay(deliveryId) {
      const first = deliveries.find((d) => d.deliveryId === deliveryId);
      const event = events.get(deliveryId);
      if (!first || !event) throw new Error(`fake Linear: no delivery ${deliveryId}`);
      return post(first.body, first.headers, event, attempts(deliveryId) + 1);
    },
    sendStale(issueId, ageMs) {
      const event = issueEvent(issueId);
      events.set(event.deliveryId, event);
      return send(event, 1, { ageMs });
    },
    delegate(issueId) {
      const session = agent.openSession(issueId);
      if (wanted('AgentSessionEvent'))
        send_('AgentSessionEvent', 'created', agentEnvelope('created', session));
      return session.id;
    },
    prompt(sessionId, message) {
      const session = agent.sessions.find((s) => s.id === sessionId);
      if (!session) throw new Error(`fake Linear: no agent session ${sessionId}`);
      const now = new Date().toISOString();
      const activity = {
        id: randomUUID(),
        agentSessionId: session.id,
        content: { type: 'prompt', body: message.body },
        createdAt: now,
        updatedAt: now,
        ...(message.signal ? { signal: message.signal } : {}),
        user: {
          id: actor.id,
          name: actor.name,
          email: actor.email,
          url: `https://linear.app/${workspace.urlKey}/profiles/bot`,
        },
        userId: actor.id,
      };
      if (wanted('AgentSessionEvent'))
        send_('AgentSessionEvent', 'prompted', agentEnvelope('prompted', session, activity));
    },
    sendForged(issueId) {
      const event = issueEvent(issueId);
      events.set(event.deliveryId, event);
      return send(event, 1, { secret: `not-${target?.secret ?? ''}` });
    },
    snapshot() {
      return {
        issues: new Map(
          workspace.issues.map((issue) => [issue.id, { ...issue, labelIds: [...issue.labelIds] }]),
        ),
        labelIds: new Set(workspace.labels.map((label) => label.id)),
        commentIds: new Set(workspace.comments.map((comment) => comment.id)),
      };
    },
    emitChanges(before) {
      if (!target) return;
      for (const label of workspace.labels) {
        if (!before.labelIds.has(label.id)) emit('IssueLabel', 'create', issueLabelWebhookData(label));
      }
      for (const issue of workspace.issues) {
        const old = before.issues.get(issue.id);
        if (!old) {
          emit('Issue', 'create', issueWebhookData(workspace, issue));
          continue;
        }
        const updatedFrom: Record<string, unknown> = {};
        for (const field of TRACKED) {
          if (JSON.stringify(old[field]) !== JSON.stringify(issue[field])) updatedFrom[field] = old[field];
        }
        if (Object.keys(updatedFrom).length === 0) continue;
        emit('Issue', 'update', issueWebhookData(workspace, issue), {
          ...updatedFrom,
          updatedAt: old.updatedAt,
        });
      }
      for (const comment of workspace.comments) {
        if (before.commentIds.has(comment.id)) continue;
        const author = comment.author ? { ...actor, ...comment.author } : actor;
        emit('Comment', 'create', {
          id: comment.id,
          body: comment.body,
          createdAt: comment.createdAt,
          updatedAt: comment.createdAt,
          issueId: comment.issueId,
          reactionData: {},
          userId: author.id,
          user: {
            id: author.id,
            name: author.name,
            email: author.email,
            url: `https://linear.app/${workspace.urlKey}/profiles/${author.id}`,
          },
        });
      }
    },
  };
  return sender;
}
