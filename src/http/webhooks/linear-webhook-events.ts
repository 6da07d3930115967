import { z } from 'zod';
import { LINEAR_LABELS } from '../../domain/markers.ts';

/**
 * Which verified Linear deliveries start a tick now. Only the fields read here are validated;
 * the full shapes are `EntityWebhookPayload` / `IssueWebhookPayload` in Linear's schema
 * (test/fixtures/linear/linear.graphql). https://linear.app/developers/webhooks
 */

/** The labels a person adds to ask for work; the tick reads the same two (linear-provider.ts). */
const REQUEST_LABELS = [LINEAR_LABELS.ready, LINEAR_LABELS.planApproved].map((name) => name.toLowerCase());

/** Workflow state types that end a ticket: its in-flight claim ends, dependants may unblock. */
const TERMINAL_STATE_TYPES = ['completed', 'canceled'];

const Envelope = z.object({ type: z.string(), action: z.string() });

const IssueEvent = z.object({
  action: z.string(),
  data: z.object({
    identifier: z.string(),
    labels: z.array(z.object({ id: z.string(), name: z.string() })).default([]),
    state: z.object({ name: z.string(), type: z.string() }).optional(),
    team: z.object({ key: z.string() }).nullish(),
  }),
  updatedFrom: z.record(z.string(), z.unknown()).nullish(),
});

const AgentSessionEvent = z.object({
  action: z.string(),
  agentSession: z.object({
    id: z.string(),
    issue: z
      .object({ id: z.string(), identifier: z.string(), team: z.object({ key: z.string() }) })
      .nullish(),
  }),
  agentActivity: z
    .object({
      id: z.string(),
      signal: z.string().nullish(),
      content: z.record(z.string(), z.unknown()),
      user: z.object({ name: z.string() }).nullish(),
    })
    .nullish(),
});

const CommentEvent = z.object({
  data: z.object({
    issueId: z.string().nullish(),
    body: z.string(),
    user: z.object({ name: z.string() }).nullish(),
  }),
});

/** A comment on an issue: maybe a person's answer to an agent's question (issue 21). */
export interface LinearComment {
  issueId: string;
  body: string;
  author: string | null;
}

/** An `AgentSessionEvent` (delegation, mention, follow-up prompt, stop) for the agent handler. */
export interface LinearAgentEvent {
  /** `created` (delegated or mentioned) or `prompted` (a follow-up message or a signal). */
  action: string;
  sessionId: string;
  issue: { id: string; identifier: string; teamKey: string } | undefined;
  /** `stop`, … (`AgentActivitySignal`) on a `prompted` event. */
  signal: string | undefined;
  /** The person's message on a `prompted` event. */
  prompt: string | undefined;
  /** The prompt activity's id and author, on a `prompted` event. */
  activityId: string | undefined;
  author: string | undefined;
}

/** What to do with a delivery: tick (with why, for the log and the stored outcome) or not (why not). */
export type LinearDecision =
  | { tick: boolean; event: string; reason: string; agent?: LinearAgentEvent; comment?: LinearComment }
  | { invalid: string };

/**
 * `Issue` create with a request label, `Issue` update that adds one (`updatedFrom.labelIds`
 * lacks it) or moves the issue to a completed/canceled state (`updatedFrom.stateId`) → tick.
 * Linear sends no event for issue relations: a blocker finishing arrives as its own state
 * change (handled here); a relation deleted by hand is found by the next poll. `IssueLabel`
 * events change label definitions, not tickets, and are acknowledged without a tick; so are
 * the orchestrator's own marker writes (`AI-Working`, …), which Linear also delivers.
 */
export function decideLinearEvent(payload: unknown): LinearDecision {
  const envelope = Envelope.safeParse(payload);
  if (!envelope.success) return { invalid: 'the body lacks type or action' };
  const event = `${envelope.data.type}.${envelope.data.action}`;
  if (envelope.data.type === 'AgentSessionEvent') return decideAgentEvent(payload, event);
  if (event === 'Comment.create') return decideComment(payload, event);
  if (envelope.data.type !== 'Issue')
    return { tick: false, event, reason: `${event} does not change a ticket` };
  const parsed = IssueEvent.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { invalid: `${issue?.path.join('.') ?? '(body)'}: ${issue?.message ?? 'is invalid'}` };
  }
  const { action, data, updatedFrom } = parsed.data;
  const where = `${data.identifier}${data.team ? ` (team ${data.team.key})` : ''}`;
  const requested = data.labels.filter((label) => REQUEST_LABELS.includes(label.name.toLowerCase()));
  if (action === 'create') {
    return requested.length > 0
      ? { tick: true, event, reason: `${where} created with ${requested[0]!.name}` }
      : { tick: false, event, reason: `${where} created without a request label` };
  }
  if (action !== 'update') return { tick: false, event, reason: `${event} is not used` };
  const before = updatedFrom?.labelIds;
  if (Array.isArray(before)) {
    const added = requested.find((label) => !before.includes(label.id));
    if (added) return { tick: true, event, reason: `${added.name} added to ${where}` };
  }
  if (
    updatedFrom?.stateId !== undefined &&
    data.state !== undefined &&
    TERMINAL_STATE_TYPES.includes(data.state.type)
  ) {
    return { tick: true, event, reason: `${where} moved to ${data.state.name}` };
  }
  return { tick: false, event, reason: `${where} changed without a request label or an end state` };
}

/** An agent session event is handed to the agent handler, which labels the ticket and asks for the tick. */
function decideAgentEvent(payload: unknown, event: string): LinearDecision {
  const parsed = AgentSessionEvent.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { invalid: `${issue?.path.join('.') ?? '(body)'}: ${issue?.message ?? 'is invalid'}` };
  }
  const { action, agentSession, agentActivity } = parsed.data;
  const ticket = agentSession.issue;
  const body = agentActivity?.content.body;
  return {
    tick: false,
    event,
    reason: `agent session ${agentSession.id} ${action}${ticket ? ` on ${ticket.identifier}` : ''}`,
    agent: {
      action,
      sessionId: agentSession.id,
      issue: ticket ? { id: ticket.id, identifier: ticket.identifier, teamKey: ticket.team.key } : undefined,
      signal: agentActivity?.signal ?? undefined,
      prompt: typeof body === 'string' ? body : undefined,
      activityId: agentActivity?.id,
      author: agentActivity?.user?.name,
    },
  };
}

/**
 * A new comment starts no tick; on an issue, it is handed on as a possible answer to a waiting
 * agent question (src/orchestrator/questions/run-questions.ts decides).
 */
function decideComment(payload: unknown, event: string): LinearDecision {
  const parsed = CommentEvent.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { invalid: `${issue?.path.join('.') ?? '(body)'}: ${issue?.message ?? 'is invalid'}` };
  }
  const { issueId, body, user } = parsed.data.data;
  if (!issueId) return { tick: false, event, reason: 'a comment on something other than an issue' };
  return {
    tick: false,
    event,
    reason: `a comment on issue ${issueId}`,
    comment: { issueId, body, author: user?.name ?? null },
  };
}
