import { describeError } from '../../domain/errors.ts';
import { getMapping } from '../../store/mappings.ts';
import { getAgentSession, saveAgentSession, setAgentSessionStatus } from '../../store/linear-agent.ts';
import { stopRunsOf } from '../stop-run.ts';
import type { AgentClient } from '../../ticketing/linear/agent/agent-client.ts';
import type { OrchestratorContext } from '../context.ts';

/** An `AgentSessionEvent` as the webhook route hands it over (linear-webhook-events.ts). */
export interface AgentSessionEvent {
  action: string;
  sessionId: string;
  issue: { id: string; identifier: string; teamKey: string } | undefined;
  signal: string | undefined;
  prompt: string | undefined;
}

export interface AgentSessions {
  /** Never throws: failures are logged (the delivery was already answered). */
  handle(event: AgentSessionEvent): Promise<void>;
}

/**
 * AI-Implement as a Linear agent (https://linear.app/developers/agents). Delegating an issue to
 * the app, or mentioning it, opens a session (`created`): the session is recorded, acknowledged
 * at once with a `thought` (Linear wants a first activity within 10 s), and the ticket gets the
 * `AI-Implement` label — so everything after is exactly the label's path: the same mapping,
 * admission gate, dedup window and caps, and a tick asked for now. Run events then reach the
 * session through the agent notifier (agent-notifier.ts). `stop` stops and cancels the ticket's
 * runs (stop-run.ts); a follow-up prompt is answered honestly: this build does not act on it
 * yet (docs/decisions/tracker-webhooks.md).
 */
export function createAgentSessions(deps: {
  ctx: OrchestratorContext;
  client: AgentClient;
  tickNow: () => void;
}): AgentSessions {
  const { ctx, client } = deps;
  const log = ctx.logger.child({ service: 'linear-agent' });
  const say = (sessionId: string, content: Parameters<AgentClient['createActivity']>[1]) =>
    client.createActivity(sessionId, content);

  async function created(event: AgentSessionEvent): Promise<void> {
    const { issue, sessionId } = event;
    if (!issue) {
      await say(sessionId, {
        type: 'response',
        body: 'AI-Implement works on issues: delegate an issue to it.',
      });
      return;
    }
    await saveAgentSession(ctx.db, {
      session_id: sessionId,
      issue_id: issue.id,
      issue_identifier: issue.identifier,
      status: 'active',
      created_at: ctx.clock().toISOString(),
    });
    const mapping = await getMapping(ctx.db, issue.teamKey);
    if (!mapping || (mapping.ticketingProvider ?? 'linear') !== 'linear') {
      await say(sessionId, {
        type: 'error',
        body: `Team ${issue.teamKey} has no AI-Implement mapping; an admin adds one under Projects, then delegate again.`,
      });
      return;
    }
    await say(sessionId, {
      type: 'thought',
      body: mapping.paused
        ? `Queued: ${issue.identifier} waits while ${issue.teamKey} is paused in AI-Implement.`
        : `Picked up ${issue.identifier}: it goes through ${issue.teamKey}'s queue now (same checks as the AI-Implement label).`,
    });
    const linear = ctx.ticketing.get('linear');
    if (!linear) throw new Error('Linear is not configured (LINEAR_API_KEY)');
    await linear.setMarker({ id: issue.id, identifier: issue.identifier, teamKey: issue.teamKey }, 'ready');
    deps.tickNow();
  }

  async function prompted(event: AgentSessionEvent): Promise<void> {
    if (event.signal === 'stop') return stop(event);
    await say(event.sessionId, {
      type: 'response',
      body: 'Follow-up prompts are not acted on yet: comment on the pull request instead — review feedback there starts a fix pass.',
    });
  }

  /** `stop`: the ticket's in-flight runs are stopped and cancelled, and the session says so. */
  async function stop(event: AgentSessionEvent): Promise<void> {
    const session = await getAgentSession(ctx.db, event.sessionId);
    if (!session) {
      await say(event.sessionId, { type: 'response', body: 'Stopped: nothing of this session was running.' });
      return;
    }
    await setAgentSessionStatus(ctx.db, session.session_id, 'stopped', ctx.clock());
    const stopped = await stopRunsOf(ctx, session.issue_id, 'stopped from Linear by a person');
    const body =
      stopped.length === 0
        ? `Stopped: no run of ${session.issue_identifier} was in flight.`
        : `Stopped: the ${stopped.map((r) => `${r.phase} run on ${r.repo}`).join(' and ')} of ${session.issue_identifier} ` +
          'was cancelled and the ticket marked AI-Failed; delegate it again, or add AI-Implement, to start over.';
    await say(event.sessionId, { type: 'response', body });
  }

  return {
    async handle(event) {
      try {
        if (event.action === 'created') await created(event);
        else if (event.action === 'prompted') await prompted(event);
      } catch (error) {
        log.error({ sessionId: event.sessionId, err: describeError(error) }, 'agent session event failed');
      }
    },
  };
}
