import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actionsRunRuleFor } from '../../src/domain/reaper-rules.ts';
import { listActiveWorkflowRuns } from '../../src/github/active-workflow-runs.ts';
import { createReaper } from '../../src/orchestrator/reaper/reaper.ts';
import { createGitHubActionsBackend } from '../../src/runners/github-actions/github-actions-backend.ts';
import { insertPendingDispatch, markFailedWithoutResult } from '../../src/store/dispatches.ts';
import { listRecentReaperActions } from '../../src/store/reaper-actions.ts';
import type { FakeWorkflowRun } from '../fakes/github/workflow-runs.ts';
import { startGitHubTestBed, type GitHubTestBed } from '../github/github-test-setup.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';
import { pendingDispatch } from '../support/dispatch-fixtures.ts';

let h: Harness;
let gh: GitHubTestBed;
const minutes = (n: number) => n * 60_000;

beforeEach(async () => {
  h = await createHarness();
  gh = await startGitHubTestBed();
  (h.ctx.backends as Map<string, unknown>).set('github-actions', createGitHubActionsBackend(gh.client));
  await h.addMapping({ teamKey: 'ENG', maxJobMinutes: 60 });
});
afterEach(async () => {
  expect(gh.fake.violations).toEqual([]);
  await gh.fake.close();
  await h.close();
});

const reaper = (dryRun = false) =>
  createReaper({
    ctx: h.ctx,
    machines: undefined,
    app: () => undefined,
    dryRun,
    alertThreshold: 10,
    tenant: undefined,
    listActiveRuns: (input) => listActiveWorkflowRuns(gh.client, input),
  });

/** A run on the fake GitHub, as a dispatch of claude-implement.yml titled with `title`. */
let nextRunId = 700_000;
function plantRun(title: string, ageMs: number, status: FakeWorkflowRun['status'] = 'in_progress') {
  const runs = gh.fake.workflowRuns as FakeWorkflowRun[];
  const template = gh.fake.repo('acme', 'api').workflows.find((w) => w.file === 'claude-implement.yml')!;
  const run: FakeWorkflowRun = {
    id: (nextRunId += 1),
    workflowId: template.id,
    repoKey: 'acme/api',
    file: template.file,
    displayTitle: title,
    headBranch: 'main',
    headSha: 'a'.repeat(40),
    runNumber: runs.length + 1,
    status,
    conclusion: null,
    createdAt: new Date(h.ctx.clock().getTime() - ageMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  runs.push(run);
  return run;
}

/** A ledger run of ENG that ended `endedAgoMs` ago. */
async function finishedRun(endedAgoMs: number): Promise<string> {
  const id = randomUUID();
  const at = new Date(h.ctx.clock().getTime() - endedAgoMs - minutes(5));
  await insertPendingDispatch(
    h.store.db,
    pendingDispatch({
      id,
      issue_id: `issue-${id}`,
      issue_identifier: 'ENG-9',
      issue_title: 'Done',
      issue_url: 'https://linear.app/acme/issue/ENG-9',
      created_at: at.toISOString(),
      deadline_at: new Date(at.getTime() + minutes(90)).toISOString(),
    }),
  );
  await markFailedWithoutResult(h.store.db, id, {
    error: 'stopped',
    finishedAt: new Date(h.ctx.clock().getTime() - endedAgoMs),
    reason: 'stopped',
  });
  return id;
}

describe('the reaper on GitHub Actions runs GitHub still runs', () => {
  it('cancels orphans past maxJobMinutes and runs whose ledger run ended long ago, once', async () => {
    const orphan = plantRun(`ENG-1 implementation ${randomUUID()}`, minutes(61));
    const youngOrphan = plantRun(`ENG-2 implementation ${randomUUID()}`, minutes(30));
    const byHand = plantRun('Manual run by alice', minutes(300));
    const stale = plantRun(`ENG-3 implementation ${await finishedRun(minutes(11))}`, minutes(20));
    const justEnded = plantRun(`ENG-4 implementation ${await finishedRun(minutes(5))}`, minutes(20));
    const queuedOrphan = plantRun(`ENG-5 planning ${randomUUID()}`, minutes(90), 'queued');

    const report = await reaper().sweep();
    expect(report.actions.map((a) => [a.rule, a.runId]).sort()).toEqual(
      [
        ['orphan', String(orphan.id)],
        ['orphan', String(queuedOrphan.id)],
        ['stale-terminal-job', String(stale.id)],
      ].sort(),
    );
    expect([orphan, queuedOrphan, stale].map((r) => r.conclusion)).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
    expect([youngOrphan, byHand, justEnded].map((r) => r.status)).toEqual([
      'in_progress',
      'in_progress',
      'in_progress',
    ]);
    const recorded = await listRecentReaperActions(h.store.db, 10);
    expect(recorded.map((r) => r.target)).toEqual(['actions-run', 'actions-run', 'actions-run']);
    const cancels = () =>
      gh.fake.requests.filter((r) => r.operationId === 'actions/cancel-workflow-run').length;
    expect(cancels()).toBe(3);

    // The next sweep: the cancelled runs are no longer unfinished; nothing is done twice.
    expect((await reaper().sweep()).actions).toEqual([]);
    expect(cancels()).toBe(3);
  });

  it('in dry-run records the runs once and cancels nothing', async () => {
    const orphan = plantRun(`ENG-1 implementation ${randomUUID()}`, minutes(61));
    expect((await reaper(true).sweep()).actions).toEqual([
      { rule: 'orphan', runId: String(orphan.id), dryRun: true },
    ]);
    expect(orphan.status).toBe('in_progress');
    expect((await reaper(true).sweep()).actions).toEqual([]);
  });

  it('has rules that are pure: orphan past maxJobMinutes, stale ten minutes after the ledger run ended', () => {
    const base = { nowMs: minutes(100), maxJobMinutes: 60 };
    expect(actionsRunRuleFor({ ...base, createdAtMs: minutes(41) })).toBeUndefined();
    expect(actionsRunRuleFor({ ...base, createdAtMs: minutes(39) })).toBe('orphan');
    expect(actionsRunRuleFor({ ...base, createdAtMs: 0, run: { finishedAtMs: undefined } })).toBeUndefined();
    expect(actionsRunRuleFor({ ...base, createdAtMs: 0, run: { finishedAtMs: minutes(89) } })).toBe(
      'stale-terminal-job',
    );
    expect(
      actionsRunRuleFor({ ...base, createdAtMs: 0, run: { finishedAtMs: minutes(91) } }),
    ).toBeUndefined();
  });
});
