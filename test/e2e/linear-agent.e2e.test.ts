import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eWorld, type E2eWorld } from './e2e-world.ts';
import { eventually } from './orchestrator-process.ts';

const SECRET = 'lin_wh_agent_e2e_secret_0123456789';
let w: E2eWorld;

beforeAll(async () => {
  w = await startE2eWorld({ appId: 4444, repos: [{ repo: 'api' }] });
  // The OAuth app exists in the fake before the orchestrator knows its credentials: restart with them.
  Object.assign(w.env, {
    LINEAR_WEBHOOK_SECRET: SECRET,
    LINEAR_OAUTH_CLIENT_ID: w.linear.agent.app.clientId,
    LINEAR_OAUTH_CLIENT_SECRET: w.linear.agent.app.clientSecret,
    POLL_INTERVAL_MS: '600000',
  });
  await w.restart();
  w.adminToken = String((await w.post('/api/auth', { code: w.accessCode })).body.token);
  w.linear.webhooks.configure({ url: `${w.orchestrator.url}/api/linear/webhook`, secret: SECRET });
}, 90_000);

afterAll(() => w?.close());

async function get(route: string) {
  return fetch(w.orchestrator.url + route, {
    headers: { authorization: `Bearer ${w.adminToken}` },
    redirect: 'manual',
  });
}

describe('AI-Implement as a Linear agent (npm start, fake Linear OAuth app and agent sessions)', () => {
  it('installs with actor=app, then a delegation is acknowledged, labelled, dispatched, its PR reported, and a stop cancels a run', async () => {
    const install = await get('/api/linear/oauth/install');
    expect(install.status).toBe(302);
    const consent = new URL(install.headers.get('location')!);
    expect(Object.fromEntries(consent.searchParams)).toMatchObject({
      client_id: w.linear.agent.app.clientId,
      actor: 'app',
      scope: 'read,write,app:assignable,app:mentionable',
      response_type: 'code',
    });
    const redirectUri = consent.searchParams.get('redirect_uri')!;
    expect(redirectUri).toBe(`http://127.0.0.1:${w.port}/api/linear/oauth/callback`);
    const code = w.linear.agent.authorize(redirectUri);
    const state = consent.searchParams.get('state')!;
    expect((await get(`/api/linear/oauth/callback?code=${code}&state=${state}x`)).status).toBe(400);
    const callback = await get(`/api/linear/oauth/callback?code=${code}&state=${encodeURIComponent(state)}`);
    expect([callback.status, await callback.json()]).toEqual([
      200,
      { installed: true, organizationId: expect.any(String), appUserId: expect.any(String) },
    ]);

    const mapping = {
      teamKey: 'ENG',
      owner: 'acme',
      repo: 'api',
      defaultBranch: 'main',
      planningEnabled: false,
    };
    expect((await w.api('POST', '/api/mappings', mapping)).status).toBe(201);
    const issue = w.linear.addIssue({ team: 'ENG', title: 'Export as CSV', state: 'Todo' });
    const sessionId = w.linear.webhooks.delegate(issue.id);
    const session = () => w.linear.agent.sessions.find((s) => s.id === sessionId)!;

    await eventually('the dispatch', async () => (w.github.dispatches.length === 1 ? true : undefined));
    expect(w.payloads()[0]!.issue.identifier).toBe(issue.identifier);
    expect(session().activities[0]).toEqual({
      type: 'thought',
      body: expect.stringContaining(`Picked up ${issue.identifier}`),
    });
    await eventually('the start activity', async () =>
      session().activities.some((a) => String(a.body).startsWith('implementation started'))
        ? true
        : undefined,
    );

    const payload = w.payloads()[0]!;
    // The runner's progress steps show in the session as actions.
    for (const step of [
      { step: 'implement', status: 'started' },
      { step: 'implement', status: 'succeeded', elapsedMs: 42_000 },
    ]) {
      const progress = await w.post('/runner/progress', step, {
        authorization: `Bearer ${payload.callback!.progressToken}`,
      });
      expect(progress.status).toBe(200);
    }
    await eventually('the progress actions', async () =>
      session().activities.filter((a) => a.type === 'action').length === 2 ? true : undefined,
    );
    expect(session().activities.filter((a) => a.type === 'action')).toEqual([
      { type: 'action', action: 'implement', parameter: 'implementation on acme/api' },
      {
        type: 'action',
        action: 'implement',
        parameter: 'implementation on acme/api',
        result: 'succeeded in 42 s',
      },
    ]);
    const result = {
      status: 'success',
      prUrl: 'https://github.com/acme/api/pull/7',
      branch: 'eng-1',
      summary: 'Done',
    };
    const answered = await w.post('/runner/result', result, {
      authorization: `Bearer ${payload.callback!.resultToken}`,
    });
    expect(answered.status).toBe(200);
    await eventually('the PR on the session', async () =>
      session().externalUrls.length > 0 ? true : undefined,
    );
    expect(session().externalUrls).toEqual([
      { label: 'Pull request', url: 'https://github.com/acme/api/pull/7' },
    ]);
    await eventually('the response', async () =>
      session().activities.some((a) => a.type === 'response') ? true : undefined,
    );

    // A stop in the session of a running ticket cancels its run and frees the slot.
    const second = w.linear.addIssue({ team: 'ENG', title: 'Import CSV', state: 'Todo' });
    const secondSession = w.linear.webhooks.delegate(second.id);
    await eventually('the second dispatch', async () =>
      w.github.dispatches.length === 2 ? true : undefined,
    );
    w.linear.webhooks.prompt(secondSession, { body: 'stop', signal: 'stop' });
    const stopped = () => w.linear.agent.sessions.find((s) => s.id === secondSession)!;
    await eventually('the stop answer', async () =>
      stopped().activities.some((a) => String(a.body).startsWith('Stopped:')) ? true : undefined,
    );
    expect(stopped().activities.at(-1)).toEqual({
      type: 'response',
      body: expect.stringContaining(`implementation run on acme/api of ${second.identifier} was cancelled`),
    });
    expect(w.github.workflowRuns.at(-1)).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
    await eventually('the failure marker', async () =>
      w.linear.getIssue(second.id)?.labels.includes('AI-Failed') ? true : undefined,
    );
    w.linear.assertNoRejections();
    expect(w.orchestrator.output()).not.toContain(w.linear.agent.app.clientSecret);
  }, 60_000);
});
