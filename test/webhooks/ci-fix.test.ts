import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MappingInput } from '../../src/domain/mapping.ts';
import { pullsPanel } from '../../src/http/admin/panels/pulls-panel.ts';
import { loadPulls } from '../../src/http/api/work-loaders.ts';
import { findPullRequest } from '../../src/store/pull-requests.ts';
import { INSTALLATION_ID } from '../github/github-test-setup.ts';
import { checkRunCompleted, checkSuiteCompleted, workflowRunCompleted } from './check-payloads.ts';
import { reviewSubmitted } from './webhook-payloads.ts';
import { startLoopTestBed, type LoopTestBed, type OpenedPullRequest } from './loop-test-bed.ts';

let bed: LoopTestBed;
let opened: OpenedPullRequest;

async function open(mapping: Partial<MappingInput> = {}) {
  opened = await bed.openPullRequest({ mapping });
  // The implementation's result looks at the new PR's checks (none yet): let that finish first.
  await bed.loop.queue.idle();
}

beforeEach(async () => {
  bed = await startLoopTestBed();
});
afterEach(() => bed.close());

const LOG = [
  '2026-12-06T00:00:01Z Run npm test',
  ...Array.from({ length: 400 }, (_, i) => `2026-12-06T00:00:02Z ok ${i} - some passing test`),
  '2026-12-06T00:00:03Z not ok 401 - exportUsers handles an empty list',
  "2026-12-06T00:00:03Z   TypeError: Cannot read properties of undefined (reading 'map')",
  '2026-12-06T00:00:03Z       at exportUsers (src/export.ts:3:17)',
  '##[error]Process completed with exit code 1.',
].join('\n');

/** A failing `test` job of GitHub Actions (annotated, with a log) and a passing `lint`, on `sha`. */
function failingTest(sha: string, workflowRunId = 9100) {
  bed.github.fake.addCheckRun({ owner: 'acme', repo: 'api', sha, name: 'lint', workflowRunId });
  return bed.github.fake.addCheckRun({
    owner: 'acme',
    repo: 'api',
    sha,
    name: 'test',
    conclusion: 'failure',
    workflowRunId,
    annotations: [
      {
        path: 'src/export.ts',
        line: 3,
        level: 'failure',
        message: "TypeError: Cannot read properties of undefined (reading 'map')",
      },
    ],
    log: LOG,
  });
}

const suiteDone = (sha: string, conclusion = 'failure', deliveryId?: string) =>
  bed.deliver(
    'check_suite',
    checkSuiteCompleted(opened.pr, { sha, conclusion }),
    deliveryId ? { deliveryId } : {},
  );
const labels = () => bed.h.linear.getIssue(opened.issue.id)?.labels;
const prComments = () =>
  bed.repo.comments.filter((c) => c.issueNumber === opened.pr.number).map((c) => c.body);
const pr = () => findPullRequest(bed.h.store.db, 'acme/api', opened.pr.number);

describe('CI results on a PR the orchestrator opened', () => {
  it('queues one ci-fix run carrying the failing checks and log tail; redeliveries start nothing', async () => {
    await open();
    failingTest(opened.pr.headSha);
    const response = await suiteDone(opened.pr.headSha, 'failure', 'delivery-ci-1');
    expect(response.status).toBe(202);

    expect(bed.dispatches('ci-fix')).toHaveLength(1);
    const payload = bed.dispatches('ci-fix')[0]!.payload;
    expect(payload).toMatchObject({
      phase: 'ci-fix',
      issue: { id: opened.issue.id },
      pullRequest: { number: opened.pr.number, branch: opened.pr.headRef },
      ciFailure: {
        headSha: opened.pr.headSha,
        checks: [
          {
            name: 'test',
            conclusion: 'failure',
            annotations: ["src/export.ts:3: TypeError: Cannot read properties of undefined (reading 'map')"],
          },
        ],
      },
    });
    expect(payload.ciFailure!.checks[0]!.logTail).toContain('not ok 401 - exportUsers handles an empty list');
    expect(payload.ciFailure!.checks[0]!.logTail!.endsWith('Process completed with exit code 1.')).toBe(true);
    expect(labels()).toEqual(['CI Fixing']);
    expect(prComments().at(-1)).toMatch(
      /started a \*\*ci-fix\*\* pass[\s\S]*CI fix attempt 1 of 2[\s\S]*\*\*test\*\* \(failure\)/,
    );

    // The same delivery, and the same event under a new delivery id (a redelivery): nothing more.
    expect(await (await suiteDone(opened.pr.headSha, 'failure', 'delivery-ci-1')).json()).toMatchObject({
      duplicate: true,
    });
    await suiteDone(opened.pr.headSha);
    await bed.deliver(
      'check_run',
      checkRunCompleted(opened.pr, { sha: opened.pr.headSha, conclusion: 'failure' }),
    );
    expect(bed.dispatches('ci-fix')).toHaveLength(1);
  });

  it('goes to Ready for Review once the fix is pushed and the new head passes; the old head starts nothing', async () => {
    await open();
    const failedHead = opened.pr.headSha;
    failingTest(failedHead);
    await suiteDone(failedHead);
    const [fix] = bed.dispatches('ci-fix');

    // The run pushes its fix to the same branch and reports; the new head's checks are running.
    const fixedHead = bed.push(opened.pr);
    bed.github.fake.addCheckRun({
      owner: 'acme',
      repo: 'api',
      sha: fixedHead,
      name: 'test',
      status: 'in_progress',
    });
    await bed.finishRun(fix!.payload.dispatchId, {
      status: 'success',
      prUrl: `https://github.com/acme/api/pull/${opened.pr.number}`,
      branch: opened.pr.headRef,
      summary: 'exportUsers accepts an empty list.',
    });
    expect(labels()).toEqual(['CI Fixing']);
    expect((await pr())?.checks_state).toBe('pending');

    // A late result for the old head changes nothing.
    await bed.deliver(
      'workflow_run',
      workflowRunCompleted(opened.pr, { sha: failedHead, conclusion: 'failure' }),
    );
    expect(bed.dispatches('ci-fix')).toHaveLength(1);

    const running = bed.github.fake.checks('acme', 'api').runs.find((r) => r.sha === fixedHead)!;
    Object.assign(running, { status: 'completed', conclusion: 'success' });
    await suiteDone(fixedHead, 'success');
    expect(labels()).toEqual(['Ready for Review']);
    expect(await pr()).toMatchObject({ checks_state: 'passed', checks_head_sha: fixedHead });
    expect(bed.dispatches('ci-fix')).toHaveLength(1);
    const gap = bed.repo.comments.find((c) => c.body.includes('ai-implement:gap-analysis'))!.body;
    expect(gap).toMatch(
      /ci-fix pass \d+\*\* .*exportUsers accepts an empty list[\s\S]*failing checks it fixed: test/,
    );
  });

  it('re-runs an infrastructural failure once without an agent run, then treats a second failure as real', async () => {
    await open();
    const head = opened.pr.headSha;
    bed.github.fake.addCheckRun({
      owner: 'acme',
      repo: 'api',
      sha: head,
      name: 'test',
      conclusion: 'failure',
      workflowRunId: 9200,
      annotations: [
        {
          path: '.github',
          line: 1,
          level: 'failure',
          message:
            'The runner has received a shutdown signal. This can happen when the runner service is stopped.',
        },
      ],
      log: 'shutdown',
    });
    const first = await bed.deliver(
      'workflow_run',
      workflowRunCompleted(opened.pr, { sha: head, conclusion: 'failure', runId: 9200 }),
    );
    expect(first.status).toBe(202);
    expect(bed.github.fake.checks('acme', 'api').reruns).toEqual([9200]);
    expect(bed.dispatches('ci-fix')).toHaveLength(0);
    expect(labels()).toEqual(['CI Fixing']);

    // The re-run is queued: a redelivery of the first failure neither re-runs again nor fixes.
    await bed.deliver(
      'workflow_run',
      workflowRunCompleted(opened.pr, { sha: head, conclusion: 'failure', runId: 9200 }),
    );
    expect(bed.github.fake.checks('acme', 'api').reruns).toEqual([9200]);
    expect(bed.dispatches('ci-fix')).toHaveLength(0);

    // The re-run fails the same way: now a ci-fix run.
    const rerun = bed.github.fake.checks('acme', 'api').runs.at(-1)!;
    Object.assign(rerun, { status: 'completed', conclusion: 'cancelled' });
    await bed.deliver(
      'check_run',
      checkRunCompleted(opened.pr, { sha: head, conclusion: 'cancelled', checkRunId: rerun.id }),
    );
    expect(bed.github.fake.checks('acme', 'api').reruns).toEqual([9200]);
    expect(bed.dispatches('ci-fix')).toHaveLength(1);
  });

  it('stops after maxCiFixAttempts with the needs-a-person label and comments on the PR and the ticket', async () => {
    await open({ maxCiFixAttempts: 1 });
    failingTest(opened.pr.headSha);
    await suiteDone(opened.pr.headSha);
    const [fix] = bed.dispatches('ci-fix');
    const second = bed.push(opened.pr);
    failingTest(second, 9300);
    await bed.finishRun(fix!.payload.dispatchId, {
      status: 'success',
      prUrl: `https://github.com/acme/api/pull/${opened.pr.number}`,
      branch: opened.pr.headRef,
      summary: 'Tried.',
    });

    expect(bed.dispatches('ci-fix')).toHaveLength(1);
    expect(bed.repo.labels.get(opened.pr.number)).toContain('AI-Implement: needs a person');
    expect(prComments().at(-1)).toMatch(
      /stops fixing CI[\s\S]*after 1 ci-fix run[\s\S]*\*\*test\*\* \(failure\)/,
    );
    expect(bed.h.linear.getIssue(opened.issue.id)?.comments.at(-1)).toMatch(/stops fixing CI[\s\S]*pull\/1/);
    expect(labels()).toEqual(['AI-Failed']);
    expect(await pr()).toMatchObject({ checks_state: 'exhausted' });
    // The Pull requests panel (and GET /api/pulls) shows the head's checks and the attempts.
    expect((await loadPulls(bed.h.ctx)).pulls).toMatchObject([
      {
        checks: { state: 'exhausted', headSha: second, summary: 'test failed' },
        ciFixRuns: { used: 1, max: 1 },
      },
    ]);
    const panel = String((await pullsPanel(bed.h.ctx, new URLSearchParams())).body);
    expect(panel).toContain('CI fixes 1 of 1');
    expect(panel).toMatch(/badge-bad">exhausted/);

    // Told once: the same failure again adds no comment.
    const count = prComments().length;
    await suiteDone(second);
    expect(prComments()).toHaveLength(count);
  });

  it('counts every check except the mapping’s ignoredChecks when branch protection cannot be read', async () => {
    await open({ ignoredChecks: ['coverage'] });
    const head = opened.pr.headSha;
    bed.github.fake.addCheckRun({ owner: 'acme', repo: 'api', sha: head, name: 'build' });
    bed.github.fake.addCheckRun({
      owner: 'acme',
      repo: 'api',
      sha: head,
      name: 'coverage',
      conclusion: 'failure',
    });
    // Protected, but the App lacks Administration read (the default): the protection is not used.
    bed.github.fake.setRequiredChecks('acme', 'api', 'main', ['build']);
    await suiteDone(head, 'failure');
    expect(bed.dispatches('ci-fix')).toHaveLength(0);
    expect(await pr()).toMatchObject({ checks_state: 'passed' });

    bed.github.fake.addStatus({
      owner: 'acme',
      repo: 'api',
      sha: head,
      context: 'ci/legacy',
      state: 'failure',
    });
    await suiteDone(head, 'failure');
    expect(bed.dispatches('ci-fix')).toHaveLength(1);
  });

  it('counts only the required checks when the App may read branch protection', async () => {
    bed.github.fake.addInstallation({
      id: INSTALLATION_ID,
      account: 'acme',
      repos: ['acme/api'],
      permissions: {
        actions: 'write',
        checks: 'read',
        statuses: 'read',
        contents: 'write',
        pull_requests: 'write',
        issues: 'write',
        metadata: 'read',
        administration: 'read',
      },
    });
    // Set before the PR opens: an unreadable or missing protection is not asked again for minutes.
    bed.github.fake.setRequiredChecks('acme', 'api', 'main', ['build']);
    await open();
    const head = opened.pr.headSha;
    bed.github.fake.addCheckRun({ owner: 'acme', repo: 'api', sha: head, name: 'build' });
    bed.github.fake.addStatus({
      owner: 'acme',
      repo: 'api',
      sha: head,
      context: 'ci/legacy',
      state: 'failure',
    });
    await suiteDone(head, 'failure');
    expect(bed.dispatches('ci-fix')).toHaveLength(0);
    expect(await pr()).toMatchObject({ checks_state: 'passed', checks_summary: '1 check passed' });

    bed.github.fake.setRequiredChecks('acme', 'api', 'main', ['build', 'ci/legacy']);
    await suiteDone(head, 'failure');
    expect(bed.dispatches('ci-fix')).toHaveLength(1);
  });

  it('waits while a check still runs, and ignores checks of branches it did not open', async () => {
    await open();
    const head = opened.pr.headSha;
    failingTest(head);
    bed.github.fake.addCheckRun({
      owner: 'acme',
      repo: 'api',
      sha: head,
      name: 'e2e',
      status: 'in_progress',
    });
    await suiteDone(head);
    expect(bed.dispatches('ci-fix')).toHaveLength(0);
    expect(await pr()).toMatchObject({ checks_state: 'pending' });

    const other = { ...opened.pr, number: 99, headRef: 'someone-else' };
    const response = await bed.deliver(
      'check_suite',
      checkSuiteCompleted(other, { sha: head, conclusion: 'failure' }),
    );
    expect(response.status).toBe(202);
    expect(bed.dispatches('ci-fix')).toHaveLength(0);
  });

  it('finds a failure whose webhook was lost on the next sweep', async () => {
    await open();
    const head = opened.pr.headSha;
    const test = bed.github.fake.addCheckRun({
      owner: 'acme',
      repo: 'api',
      sha: head,
      name: 'test',
      status: 'in_progress',
    });
    await suiteDone(head, 'success');
    expect(await pr()).toMatchObject({ checks_state: 'pending' });

    // The check fails; GitHub's delivery never arrives.
    Object.assign(test, { status: 'completed', conclusion: 'failure' });
    expect(await bed.loop.sweep()).toContainEqual(
      expect.stringMatching(/acme\/api#1 checks: ci-fix dispatched/),
    );
    expect(bed.dispatches('ci-fix')).toHaveLength(1);
  });

  it('waits for a review-fix pass in flight on the PR, then starts the ci-fix run when it ends', async () => {
    await open();
    const head = opened.pr.headSha;
    await bed.deliver(
      'pull_request_review',
      reviewSubmitted(opened.pr, {
        id: 77,
        reviewer: { login: 'alice' },
        state: 'changes_requested',
        body: 'Rename it.',
      }),
    );
    expect(bed.dispatches('review-fix')).toHaveLength(1);
    failingTest(head);
    await suiteDone(head);
    // One writer per PR: the gate refuses while the review-fix runs.
    expect(bed.dispatches('ci-fix')).toHaveLength(0);
    expect((await pr())?.ci_fix_head_sha).toBeNull();

    // The review-fix ends without a push: the same failing head now gets its ci-fix run.
    await bed.finishRun(bed.dispatches('review-fix')[0]!.payload.dispatchId, {
      status: 'success',
      summary: 'Renamed.',
    });
    expect(bed.dispatches('ci-fix')).toHaveLength(1);
    expect(bed.dispatches('ci-fix')[0]!.payload.ciFailure?.headSha).toBe(head);
  });

  it('answers 400 naming the field when a used CI event lacks it, and ignores other actions', async () => {
    await open();
    const payload = checkSuiteCompleted(opened.pr, { sha: opened.pr.headSha, conclusion: 'failure' });
    const broken = structuredClone(payload) as { check_suite: Record<string, unknown> };
    delete broken.check_suite.head_sha;
    const response = await bed.deliver('check_suite', payload, { rawBody: JSON.stringify(broken) });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('check_suite.head_sha');

    const requested = await bed.deliver('check_suite', { ...payload, action: 'requested' });
    expect(await requested.json()).toMatchObject({ ignored: 'check_suite.requested is not used' });
    expect(bed.dispatches('ci-fix')).toHaveLength(0);
  });
});
