import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestClosed, reviewSubmitted, type PullRequestFacts } from '../webhooks/webhook-payloads.ts';
import { startE2eWorld, type E2eWorld } from './e2e-world.ts';
import { deliverGitHubWebhook } from './github-delivery.ts';
import { eventually } from './orchestrator-process.ts';

const APP_ID = 4343;
const WEBHOOK_SECRET = 'e2e-webhook-secret-0123456789';

let w: E2eWorld;

/** A delivery as GitHub sends it, to this world's orchestrator. */
const deliver = (event: string, payload: Record<string, unknown>, deliveryId?: string) =>
  deliverGitHubWebhook(
    { baseUrl: w.orchestrator.url, secret: WEBHOOK_SECRET, appId: APP_ID },
    event,
    payload,
    deliveryId,
  );

beforeAll(async () => {
  w = await startE2eWorld({
    appId: APP_ID,
    repos: [{ repo: 'api' }],
    env: { GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET, GAP_FILL_TRIGGER_SECRET: 'e2e-loop-trigger-secret' },
  });
}, 60_000);

afterAll(() => w?.close());

describe('the pull-request loop end to end (npm start against fake Linear and GitHub)', () => {
  it('review → one review-fix run on the branch → gap analysis updated → replay ignored → merge → done', async () => {
    const admin = { authorization: `Bearer ${w.adminToken}` };
    const mapping = {
      teamKey: 'ENG',
      owner: 'acme',
      repo: 'api',
      defaultBranch: 'main',
      planningEnabled: false,
    };
    expect((await w.post('/api/mappings', mapping, admin)).status).toBe(201);
    const issue = w.linear.addIssue({
      team: 'ENG',
      title: 'Export users',
      labels: ['AI-Implement'],
      state: 'Todo',
    });

    // The implementation run opens PR #1 (the runner's side, played here) and reports it.
    await eventually('the implementation dispatch', async () =>
      w.github.dispatches.length >= 1 ? true : undefined,
    );
    const implementation = w.payloads()[0]!;
    expect(implementation.phase).toBe('implementation');
    const repo = w.github.repo('acme', 'api');
    const branch = 'ai-implement/eng-1-export-users';
    repo.refs.set(`refs/heads/${branch}`, repo.refs.get('refs/heads/main')!);
    const head = repo.writeFile(
      branch,
      'src/export.ts',
      'export function exportUsers() {}\n',
      'Export users',
    ).sha;
    const bot = { login: 'ai-implement[bot]', id: 41_004_343, type: 'Bot' as const };
    const now = new Date().toISOString();
    repo.pulls.push({
      id: 7001,
      number: 1,
      title: `${issue.identifier}: Export users`,
      body: `Fixes ${issue.identifier}`,
      state: 'open',
      draft: false,
      head: branch,
      base: 'main',
      user: bot,
      createdAt: now,
      updatedAt: now,
    });
    repo.comments.push({
      id: 8001,
      issueNumber: 1,
      body: '<!-- ai-implement:gap-analysis -->\n## Gap analysis\n- Implemented: export',
      user: bot,
      viaApp: true,
      createdAt: now,
      updatedAt: now,
    });
    const callback = { authorization: `Bearer ${implementation.callback!.resultToken}` };
    const prUrl = 'https://github.com/acme/api/pull/1';
    expect(
      (
        await w.post(
          '/runner/result',
          { status: 'success', prUrl, branch, summary: 'Export added' },
          callback,
        )
      ).status,
    ).toBe(200);
    // Once the loop has looked at the new head's checks (it has none).
    await eventually('Ready for Review', async () =>
      w.linear.getIssue(issue.id)?.labels?.join() === 'Ready for Review' ? true : undefined,
    );
    expect(w.linear.getIssue(issue.id)?.labels).toEqual(['Ready for Review']);

    // A person requests changes: exactly one review-fix run, on the same branch.
    const pr: PullRequestFacts = { owner: 'acme', repo: 'api', number: 1, headRef: branch, headSha: head };
    const review = reviewSubmitted(pr, {
      id: 5001,
      reviewer: { login: 'alice' },
      state: 'changes_requested',
      body: 'Handle an empty user list.',
    });
    expect(await deliver('pull_request_review', review, 'delivery-review-1')).toEqual({
      status: 202,
      body: { accepted: true, deliveryId: 'delivery-review-1' },
    });
    await eventually('the review-fix dispatch', async () =>
      w.github.dispatches.length >= 2 ? true : undefined,
    );
    const fix = w.payloads()[1]!;
    expect(fix).toMatchObject({
      phase: 'review-fix',
      issue: { id: issue.id },
      pullRequest: { number: 1, branch },
    });
    expect(w.github.dispatches[1]).toMatchObject({ workflow: 'claude-implement.yml', ref: 'main' });

    // The run pushes and reports what it addressed; the gap analysis says so.
    repo.writeFile(
      branch,
      'src/export.ts',
      'export function exportUsers(users = []) {}\n',
      'Handle empty list',
    );
    const fixCallback = { authorization: `Bearer ${fix.callback!.resultToken}` };
    expect(
      (
        await w.post(
          '/runner/result',
          { status: 'success', prUrl, branch, summary: 'Empty lists export a header only.' },
          fixCallback,
        )
      ).status,
    ).toBe(200);
    const gap = await eventually('the gap analysis update', async () => {
      const body = repo.comments.find((c) => c.id === 8001)!.body;
      return body.includes('Review feedback addressed') ? body : undefined;
    });
    expect(gap).toMatch(
      /## Gap analysis[\s\S]*review-fix pass 2\*\* .*Empty lists export a header only[\s\S]*review by @alice.*Handle an empty user list/,
    );

    // The same delivery again, and the same review redelivered under a new id: nothing changes.
    expect(await deliver('pull_request_review', review, 'delivery-review-1')).toEqual({
      status: 200,
      body: { duplicate: true, deliveryId: 'delivery-review-1' },
    });
    expect((await deliver('pull_request_review', review)).status).toBe(202);
    await w.orchestrator.afterTicks(2); // ticks, not time: nothing more happens
    expect(w.github.dispatches).toHaveLength(2);

    // Merged: the ticket is done and its markers cleared; the job is closed.
    repo.pulls[0]!.state = 'closed';
    repo.pulls[0]!.merged = true;
    expect(
      (
        await deliver(
          'pull_request',
          pullRequestClosed({ ...pr, headSha: repo.refs.get(`refs/heads/${branch}`)! }, true),
        )
      ).status,
    ).toBe(202);
    await eventually('the ticket done', async () =>
      w.linear.getIssue(issue.id)?.state.type === 'completed' ? true : undefined,
    );
    expect(w.linear.getIssue(issue.id)).toMatchObject({ labels: [], state: { name: 'Done' } });
    const pulls = await fetch(`${w.orchestrator.url}/api/pulls`, { headers: admin });
    expect(((await pulls.json()) as { pulls: unknown[] }).pulls).toMatchObject([
      { number: 1, state: 'merged', status: 'completed', followUpRuns: { used: 1, budget: 6 } },
    ]);
    w.github.assertNoViolations();
  }, 60_000);
});
