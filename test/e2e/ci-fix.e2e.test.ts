import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DispatchPayload } from '../../src/runners/types.ts';
import { checkRunCompleted, checkSuiteCompleted, workflowRunCompleted } from '../webhooks/check-payloads.ts';
import type { PullRequestFacts } from '../webhooks/webhook-payloads.ts';
import { startE2eWorld, type E2eWorld } from './e2e-world.ts';
import { deliverGitHubWebhook } from './github-delivery.ts';
import { eventually } from './orchestrator-process.ts';

const APP_ID = 4717;
const WEBHOOK_SECRET = 'e2e-ci-fix-webhook-secret-0123';
const NEEDS_A_PERSON = 'AI-Implement: needs a person';

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
    env: { GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET },
  });
  const admin = { authorization: `Bearer ${w.adminToken}` };
  const mapping = {
    teamKey: 'ENG',
    owner: 'acme',
    repo: 'api',
    defaultBranch: 'main',
    planningEnabled: false,
  };
  expect((await w.post('/api/mappings', mapping, admin)).status).toBe(201);
}, 60_000);

afterAll(() => w?.close());

const repo = () => w.github.repo('acme', 'api');
const labelsOf = (id: string) => w.linear.getIssue(id)?.labels;
const dispatchCount = () => w.github.dispatches.length;
const phases = () => w.payloads().map((p) => p.phase);

/** The runner's side of a run, played here: a commit on the PR branch, then the result. */
async function runnerPushes(payload: DispatchPayload, pr: PullRequestFacts, file: string, summary: string) {
  pr.headSha = repo().writeFile(pr.headRef, file, `// ${summary}\n`, summary).sha;
  const result = {
    status: 'success',
    prUrl: `https://github.com/acme/api/pull/${pr.number}`,
    branch: pr.headRef,
    summary,
  };
  const callback = { authorization: `Bearer ${payload.callback!.resultToken}` };
  expect((await w.post('/runner/result', result, callback)).status).toBe(200);
}

/** A ticket labelled, its implementation dispatched, and the PR that run opens (played here). */
async function openPullRequest(title: string, number: number) {
  const before = dispatchCount();
  const issue = w.linear.addIssue({ team: 'ENG', title, labels: ['AI-Implement'], state: 'Todo' });
  await eventually(`the implementation of ${title}`, async () =>
    dispatchCount() > before ? true : undefined,
  );
  const implementation = w.payloads().at(-1)!;
  const branch = `ai-implement/${issue.identifier.toLowerCase()}`;
  repo().refs.set(`refs/heads/${branch}`, repo().refs.get('refs/heads/main')!);
  const bot = { login: 'ai-implement[bot]', id: 41_004_717, type: 'Bot' as const };
  const now = new Date().toISOString();
  repo().pulls.push({
    id: 7000 + number,
    number,
    title: `${issue.identifier}: ${title}`,
    body: `Fixes ${issue.identifier}`,
    state: 'open',
    draft: false,
    head: branch,
    base: 'main',
    user: bot,
    createdAt: now,
    updatedAt: now,
  });
  repo().comments.push({
    id: 8000 + number,
    issueNumber: number,
    body: '<!-- ai-implement:gap-analysis -->\n## Gap analysis\n- Implemented: all',
    user: bot,
    viaApp: true,
    createdAt: now,
    updatedAt: now,
  });
  const pr: PullRequestFacts = { owner: 'acme', repo: 'api', number, headRef: branch, headSha: '' };
  await runnerPushes(implementation, pr, `src/${number}.ts`, title);
  await eventually('Ready for Review', async () =>
    labelsOf(issue.id)?.includes('Ready for Review') ? true : undefined,
  );
  return { issue, pr };
}

const LOG = [
  'Run npm test',
  ...Array.from({ length: 3000 }, (_, i) => `ok ${i} - passing test number ${i}`),
  'not ok 3001 - exportUsers handles an empty list',
  "  TypeError: Cannot read properties of undefined (reading 'map')",
  '##[error]Process completed with exit code 1.',
].join('\n');

describe('a PR whose CI fails gets a bounded ci-fix loop (npm start against fake Linear and GitHub)', () => {
  it('failing test → one ci-fix run with the log excerpt → fix pushed → checks pass → Ready for Review', async () => {
    const { issue, pr } = await openPullRequest('Export users', 1);
    const failedHead = pr.headSha;
    w.github.addCheckRun({ owner: 'acme', repo: 'api', sha: failedHead, name: 'lint', workflowRunId: 501 });
    w.github.addCheckRun({
      owner: 'acme',
      repo: 'api',
      sha: failedHead,
      name: 'test',
      conclusion: 'failure',
      workflowRunId: 501,
      annotations: [
        { path: 'src/export.ts', line: 3, level: 'failure', message: 'Process completed with exit code 1.' },
      ],
      log: LOG,
    });
    const before = dispatchCount();
    const suite = checkSuiteCompleted(pr, { sha: failedHead, conclusion: 'failure' });
    expect(await deliver('check_suite', suite, 'ci-delivery-1')).toEqual({
      status: 202,
      body: { accepted: true, deliveryId: 'ci-delivery-1' },
    });
    await eventually('the ci-fix dispatch', async () => (dispatchCount() > before ? true : undefined));
    const fix = w.payloads().at(-1)!;
    expect(fix).toMatchObject({
      phase: 'ci-fix',
      issue: { id: issue.id },
      pullRequest: { number: 1, branch: pr.headRef },
      ciFailure: { headSha: failedHead, checks: [{ name: 'test', conclusion: 'failure' }] },
    });
    const logTail = fix.ciFailure!.checks[0]!.logTail!;
    expect(logTail).toMatch(/^\[… \d+ earlier characters of the log cut by AI-Implement\]/);
    expect(logTail).toContain("TypeError: Cannot read properties of undefined (reading 'map')");
    expect(JSON.stringify(fix).length).toBeLessThanOrEqual(60_000);
    await eventually('CI Fixing', async () => (labelsOf(issue.id)?.includes('CI Fixing') ? true : undefined));

    // The same delivery again, and the same event redelivered under a new id: nothing more.
    expect(await deliver('check_suite', suite, 'ci-delivery-1')).toMatchObject({ body: { duplicate: true } });
    expect((await deliver('check_suite', suite)).status).toBe(202);
    await w.orchestrator.afterTicks(2);
    expect(dispatchCount()).toBe(before + 1);

    // The run pushes its fix to the same branch; the new head's test check runs.
    await runnerPushes(fix, pr, 'src/export.ts', 'exportUsers accepts an empty list');
    const rerun = w.github.addCheckRun({
      owner: 'acme',
      repo: 'api',
      sha: pr.headSha,
      name: 'test',
      status: 'in_progress',
    });
    // A result for the superseded head arrives late: it starts nothing.
    expect(
      (await deliver('check_run', checkRunCompleted(pr, { sha: failedHead, conclusion: 'failure' }))).status,
    ).toBe(202);
    await w.orchestrator.afterTicks(2);
    expect(dispatchCount()).toBe(before + 1);
    expect(labelsOf(issue.id)).toEqual(['CI Fixing']);

    Object.assign(rerun, { status: 'completed', conclusion: 'success' });
    await deliver('check_suite', checkSuiteCompleted(pr, { sha: pr.headSha, conclusion: 'success' }));
    await eventually('Ready for Review after the checks pass', async () =>
      labelsOf(issue.id)?.includes('Ready for Review') ? true : undefined,
    );
    expect(labelsOf(issue.id)).toEqual(['Ready for Review']);
    expect(repo().labels.get(1) ?? []).not.toContain(NEEDS_A_PERSON);
    const gap = repo().comments.find((c) => c.id === 8001)!.body;
    expect(gap).toMatch(
      /ci-fix pass \d+\*\* .*exportUsers accepts an empty list[\s\S]*failing checks it fixed: test/,
    );
    w.github.assertNoViolations();
  }, 60_000);

  it('re-runs an infrastructural failure once without an agent run; the attempt budget then stops the loop', async () => {
    const { issue, pr } = await openPullRequest('Import users', 2);
    const before = dispatchCount();
    w.github.addCheckRun({
      owner: 'acme',
      repo: 'api',
      sha: pr.headSha,
      name: 'test',
      conclusion: 'cancelled',
      workflowRunId: 601,
      annotations: [{ path: '.github', line: 1, level: 'failure', message: 'The operation was canceled.' }],
      log: 'The operation was canceled.',
    });
    await deliver(
      'workflow_run',
      workflowRunCompleted(pr, { sha: pr.headSha, conclusion: 'cancelled', runId: 601 }),
    );
    await eventually('the re-run', async () =>
      w.github.checks('acme', 'api').reruns.includes(601) ? true : undefined,
    );
    await w.orchestrator.afterTicks(2);
    expect(dispatchCount()).toBe(before);

    // The re-run fails for real, and so does every fix: two ci-fix runs, then a person.
    const failReal = (sha: string) => {
      const queued = w.github
        .checks('acme', 'api')
        .runs.filter((r) => r.sha === sha && r.status !== 'completed');
      for (const run of queued) Object.assign(run, { status: 'completed', conclusion: 'failure' });
      if (queued.length === 0) {
        w.github.addCheckRun({
          owner: 'acme',
          repo: 'api',
          sha,
          name: 'test',
          conclusion: 'failure',
          log: 'not ok 1 - import',
        });
      }
      return deliver('check_suite', checkSuiteCompleted(pr, { sha, conclusion: 'failure' }));
    };
    for (const attempt of [1, 2]) {
      await failReal(pr.headSha);
      await eventually(`ci-fix run ${attempt}`, async () =>
        dispatchCount() === before + attempt ? true : undefined,
      );
      const fix = w.payloads().at(-1)!;
      expect(fix.phase).toBe('ci-fix');
      await runnerPushes(fix, pr, `src/import-${attempt}.ts`, `attempt ${attempt}`);
    }
    await failReal(pr.headSha);
    await eventually('the hand-over label', async () =>
      (repo().labels.get(2) ?? []).includes(NEEDS_A_PERSON) ? true : undefined,
    );
    await eventually('the failure marker', async () =>
      labelsOf(issue.id)?.includes('AI-Failed') ? true : undefined,
    );
    // Label, PR comment, ticket comment: one after the other, so each is waited for.
    const prComment = await eventually('the PR comment', async () =>
      repo()
        .comments.filter((c) => c.issueNumber === 2)
        .map((c) => c.body)
        .find((body) => body.includes('stops fixing CI')),
    );
    expect(prComment).toMatch(/stops fixing CI[\s\S]*after 2 ci-fix runs[\s\S]*\*\*test\*\* \(failure\)/);
    const ticketComment = await eventually('the ticket comment', async () =>
      w.linear.getIssue(issue.id)!.comments.find((body) => body.includes('stops fixing CI')),
    );
    expect(ticketComment).toMatch(/stops fixing CI[\s\S]*pull\/2/);
    await w.orchestrator.afterTicks(2);
    expect(dispatchCount()).toBe(before + 2);
    expect(phases().filter((p) => p === 'ci-fix')).toHaveLength(3);
    w.github.assertNoViolations();
  }, 90_000);
});
