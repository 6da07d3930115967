import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eWorld, type E2eWorld } from './e2e-world.ts';
import { installLinearAgent } from './linear-agent-install.ts';
import { eventually } from './orchestrator-process.ts';

const SECRET = 'lin_wh_interactive_e2e_secret_0123456789';
let w: E2eWorld;

beforeAll(async () => {
  w = await startE2eWorld({ appId: 4646, repos: [{ repo: 'api' }] });
  Object.assign(w.env, {
    LINEAR_WEBHOOK_SECRET: SECRET,
    LINEAR_OAUTH_CLIENT_ID: w.linear.agent.app.clientId,
    LINEAR_OAUTH_CLIENT_SECRET: w.linear.agent.app.clientSecret,
    POLL_INTERVAL_MS: '600000',
  });
  await w.restart();
  w.adminToken = String((await w.post('/api/auth', { code: w.accessCode })).body.token);
  w.linear.webhooks.configure({ url: `${w.orchestrator.url}/api/linear/webhook`, secret: SECRET });
  await installLinearAgent(w);
}, 90_000);

afterAll(() => w?.close());

describe('sessionMode interactive end to end (npm start, the fake Linear agent session; the test is the runner)', () => {
  it('an interactive run asks, waits and resumes with the answer', async () => {
    const mapping = {
      teamKey: 'ENG',
      owner: 'acme',
      repo: 'api',
      defaultBranch: 'main',
      planningEnabled: false,
      sessionMode: 'interactive',
    };
    expect((await w.api('POST', '/api/mappings', mapping)).status).toBe(201);
    const issue = w.linear.addIssue({ team: 'ENG', title: 'Export as CSV', state: 'Todo' });
    const sessionId = w.linear.webhooks.delegate(issue.id);
    const session = () => w.linear.agent.sessions.find((s) => s.id === sessionId)!;
    await eventually('the dispatch', async () => (w.github.dispatches.length === 1 ? true : undefined));
    const payload = w.payloads()[0]!;
    expect(payload.sessionMode).toBe('interactive');
    const auth = { authorization: `Bearer ${payload.callback!.progressToken}` };

    // The runner's agent asked: the question goes to the session as an elicitation.
    const question = {
      key: 'implement-1',
      pass: 'implement',
      question: 'CSV with a header row, or without?',
    };
    const asked = await w.post('/runner/question', question, auth);
    expect(asked.status).toBe(200);
    const questionId = String(asked.body.questionId);
    expect((await w.post('/runner/question', question, auth)).body.questionId).toBe(questionId);
    await eventually('the elicitation', async () =>
      session().activities.some((a) => a.type === 'elicitation') ? true : undefined,
    );
    expect(session().activities.filter((a) => a.type === 'elicitation')).toEqual([
      { type: 'elicitation', body: expect.stringContaining('CSV with a header row, or without?') },
    ]);
    expect(w.linear.getIssue(issue.id)?.comments.join('\n') ?? '').not.toContain('AI-Implement question');
    expect((await w.post('/runner/answer', { questionId }, auth)).body).toEqual({ ok: true, answer: null });
    // The Overview shows the run waiting for input, with the question.
    const waiting = await w.api<{ runningJobs: { waitingForInput: string | null }[] }>(
      'GET',
      '/api/overview',
    );
    expect(waiting.body.runningJobs.map((job) => job.waitingForInput)).toEqual([question.question]);
    expect((await w.post('/runner/answer', { questionId: 'nope' }, auth)).status).toBe(404);
    expect((await w.post('/runner/answer', { questionId }, {})).status).toBe(401);

    // The person answers in the session; the waiting runner's next poll gets it.
    w.linear.webhooks.prompt(sessionId, { body: 'With a header row.' });
    const answer = await eventually('the answer', async () => {
      const polled = await w.post('/runner/answer', { questionId }, auth);
      return polled.body.answer ? polled.body : undefined;
    });
    expect(answer).toEqual({ ok: true, answer: 'With a header row.', by: expect.any(String) });
    await eventually('the thanks', async () =>
      session().activities.some((a) => String(a.body).startsWith('Thanks — the implement pass continues'))
        ? true
        : undefined,
    );
    const answered = await w.api<{ runningJobs: { waitingForInput: string | null }[] }>(
      'GET',
      '/api/overview',
    );
    expect(answered.body.runningJobs.map((job) => job.waitingForInput)).toEqual([null]);
    // The prompt was the answer, not review feedback: no review-fix run.
    expect(w.github.dispatches).toHaveLength(1);

    const result = {
      status: 'success',
      prUrl: 'https://github.com/acme/api/pull/3',
      branch: 'eng-1',
      summary: 'Done',
    };
    expect(
      (await w.post('/runner/result', result, { authorization: `Bearer ${payload.callback!.resultToken}` }))
        .status,
    ).toBe(200);
    // Once the run finished, it cannot ask any more.
    const late = await w.post('/runner/question', { ...question, key: 'implement-2' }, auth);
    expect(late.status).toBe(409);
    w.linear.assertNoRejections();
  }, 60_000);
});
