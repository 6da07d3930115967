import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createAgentSessions,
  type AgentSessions,
} from '../../src/orchestrator/linear-agent/agent-sessions.ts';
import { saveAgentSession } from '../../src/store/linear-agent.ts';
import type { AgentActivityContent, AgentClient } from '../../src/ticketing/linear/agent/agent-client.ts';
import { startLoopTestBed, type LoopTestBed } from './loop-test-bed.ts';

let bed: LoopTestBed;
let sessions: AgentSessions;
const said: AgentActivityContent[] = [];

/** Records what the agent says instead of calling Linear (the e2e test uses the fake Linear). */
const client: AgentClient = {
  whoAmI: async () => ({ appUserId: 'app', organizationId: 'org' }),
  createActivity: async (_id, content) => void said.push(content),
  addExternalUrl: async () => undefined,
  withToken: () => client,
};

beforeEach(async () => {
  said.length = 0;
  bed = await startLoopTestBed();
  sessions = createAgentSessions({ ctx: bed.h.ctx, client, tickNow: () => undefined, loop: bed.loop });
});
afterEach(() => bed.close());

function prompt(sessionId: string, body: string) {
  return sessions.handle({
    action: 'prompted',
    sessionId,
    issue: undefined,
    signal: undefined,
    prompt: body,
    activityId: `activity-${body.length}`,
    author: 'Alice',
  });
}

describe('a follow-up prompt in a Linear agent session', () => {
  it('on a ticket with an open PR, is review feedback that starts one review-fix pass', async () => {
    const { issue } = await bed.openPullRequest();
    await saveAgentSession(bed.h.ctx.db, {
      session_id: 'session-1',
      issue_id: issue.id,
      issue_identifier: issue.identifier,
      status: 'active',
      created_at: bed.h.ctx.clock().toISOString(),
    });
    await prompt('session-1', 'Please name the column email, not mail');
    await bed.loop.queue.idle();
    const fixes = bed.dispatches('review-fix');
    expect(fixes).toHaveLength(1);
    const feedback = await bed.h.ctx.db
      .selectFrom('pull_request_feedback')
      .select(['author', 'body', 'github_id'])
      .execute();
    expect(feedback).toEqual([
      {
        author: 'linear:Alice',
        body: 'Please name the column email, not mail',
        github_id: `linear-agent-activity:activity-38`,
      },
    ]);
    expect(said.at(-1)).toEqual({
      type: 'response',
      body: expect.stringContaining('review feedback on https://github.com/acme/api/pull/'),
    });
  });

  it('without an open PR, says so and starts nothing', async () => {
    await prompt('unknown-session', 'Also add a README');
    expect(bed.dispatches('review-fix')).toHaveLength(0);
    expect(said).toEqual([{ type: 'response', body: expect.stringContaining('no open pull request') }]);
  });
});
