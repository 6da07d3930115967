import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { agentProgressReporter } from '../../src/orchestrator/linear-agent/agent-notifier.ts';
import type { DispatchRow } from '../../src/store/dispatches.ts';
import { saveAgentSession } from '../../src/store/linear-agent.ts';
import type { AgentActivityContent, AgentClient } from '../../src/ticketing/linear/agent/agent-client.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';

let h: Harness;
const said: { sessionId: string; content: AgentActivityContent }[] = [];

/** Records what the agent says instead of calling Linear (the e2e test uses the fake Linear). */
const client: AgentClient = {
  whoAmI: async () => ({ appUserId: 'app', organizationId: 'org' }),
  createActivity: async (sessionId, content) => void said.push({ sessionId, content }),
  addExternalUrl: async () => undefined,
  withToken: () => client,
};

beforeEach(async () => {
  said.length = 0;
  h = await createHarness();
  await saveAgentSession(h.ctx.db, {
    session_id: 'session-1',
    issue_id: 'issue-1',
    issue_identifier: 'ENG-1',
    status: 'active',
    created_at: h.ctx.clock().toISOString(),
  });
});
afterEach(() => h.close());

const row = { issue_identifier: 'ENG-1', phase: 'planning', repo: 'acme/api' } as DispatchRow;

async function settle(count: number) {
  for (let i = 0; i < 100 && said.length < count; i += 1) await new Promise((r) => setTimeout(r, 5));
}

describe('runner progress in the Linear agent session', () => {
  it('posts the planning pass plan, work units named, as a response after the plan action', async () => {
    const report = agentProgressReporter({ db: h.ctx.db, client, logger: pino({ level: 'silent' }) });
    report(row, {
      step: 'plan',
      status: 'succeeded',
      elapsedMs: 3000,
      output: {
        sections: [
          { title: 'Architecture Analysis', body: 'Two modules change.' },
          { title: 'Work Units', body: '- id: export-api\n  files: [src/export.ts]' },
        ],
        workUnits: ['export-api', 'export-ui'],
      },
    });
    await settle(2);
    expect(said.map((s) => s.content)).toEqual([
      {
        type: 'action',
        action: 'plan',
        parameter: 'planning on acme/api',
        result: 'succeeded in 3 s',
      },
      {
        type: 'response',
        body:
          'The plan, in 2 work units (export-api, export-ui):\n\n## Architecture Analysis\n\nTwo modules change.' +
          '\n\n## Work Units\n\n- id: export-api\n  files: [src/export.ts]',
      },
    ]);
  });

  it('posts no plan for a started plan step, another step, or a plan without sections', async () => {
    const report = agentProgressReporter({ db: h.ctx.db, client, logger: pino({ level: 'silent' }) });
    report(row, { step: 'plan', status: 'started', output: { sections: [{ title: 'A', body: 'b' }] } });
    report(row, {
      step: 'implement',
      status: 'succeeded',
      output: { sections: [{ title: 'A', body: 'b' }] },
    });
    report(row, { step: 'plan', status: 'succeeded', output: { sections: [] } });
    await settle(3);
    await new Promise((r) => setTimeout(r, 50));
    expect(said.map((s) => s.content.type)).toEqual(['action', 'action', 'action']);
  });
});
