import { describeError } from '../../domain/errors.ts';
import { getMapping } from '../../store/mappings.ts';
import { getAgentSession, saveAgentSession, setAgentSessionStatus } from '../../store/linear-agent.ts';
import { answerFromPerson } from '../questions/run-questions.ts';
import { stopRunsOf } from '../stop-run.ts';
import { listOpenPullRequestsOfIssue } from '../../store/pull-requests.ts';
import type { PullRequestLoop } from '../follow-ups/pull-request-loop.ts';
import type { AgentClient } from '../../ticketing/linear/agent/agent-client.ts';
import type { OrchestratorContext } from '../context.ts';

/** An `AgentSessionEvent` as the webhook route hands it over (linear-webhook-events.ts). */
export interface AgentSessionEvent {
  action: string;
  sessionId: string;
  issue: { id: string; identifier: string; teamKey: string } | undefined;
  signal: string | undefined;
  prompt: string | undefined;
  activityId: string | undefined;
  author: string | undefined;
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
 * runs (stop-run.ts); a follow-up prompt on a ticket with an open PR is review feedback on it,
 * which starts a review-fix pass under the loop's rules (docs/decisions/tracker-webhooks.md).
 */
export function createAgentSessions(deps: {
  ctx: OrchestratorContext;
  client: AgentClient;
  tickNow: () => void;
  /** The pull-request loop: a prompt on a ticket with an open PR becomes review feedback. */
  loop?: PullRequestLoop;
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
    const session = await getAgentSession(ctx.db, event.sessionId);
    // A run waiting on a question takes the prompt as the answer (sessionMode interactive/hybrid).
    const answered =
      session && event.prompt?.trim()
        ? await answerFromPerson(ctx, session.issue_id, { text: event.prompt, by: event.author ?? null })
        : undefined;
    if (answered) {
      await say(event.sessionId, {
        type: 'thought',
        body: `Thanks — the ${answered.pass} pass continues with your answer.`,
      });
      return;
    }
    const prs = session ? await listOpenPullRequestsOfIssue(ctx.db, session.issue_id) : [];
    const pr = prs[0];
    if (!pr || !deps.loop || !event.prompt?.trim()) {
      await say(event.sessionId, {
        type: 'response',
        body: 'There is no open pull request of this issue to work on: delegate the issue again to start a run.',
      });
      return;
    }
    // The prompt is review feedback on the PR, asking for changes: one review-fix pass, through
    // the loop's own rules (one run per PR at a time, the follow-up budget). A person who can
    // talk to the agent in Linear is trusted as a reviewer with a role in the repository.
    const outcome = await deps.loop.handleActivity({
      type: 'feedback',
      repo: pr.repo,
      number: pr.number,
      item: {
        kind: 'review',
        githubId: `linear-agent-activity:${event.activityId ?? event.sessionId}`,
        author: { login: `linear:${event.author ?? 'someone'}`, isBot: false, association: 'MEMBER' },
        reviewState: 'changes_requested',
        body: event.prompt,
        url: pr.url,
        createdAt: ctx.clock().toISOString(),
      },
    });
    await say(event.sessionId, {
      type: 'response',
      body: `Your message is review feedback on ${pr.url}: ${outcome}.`,
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
