import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunTokenSigner } from '../../src/orchestrator/run-tokens.ts';
import { startE2eWorld, type E2eWorld } from './e2e-world.ts';
import { eventually, startOrchestrator } from './orchestrator-process.ts';
import { freshDatabase, startPostgres, type PostgresServer } from '../support/postgres-server.ts';

/**
 * The core flow on both ledgers (issue 15): the SQLite file, and PostgreSQL through DATABASE_URL
 * on a throw-away server (test/support/postgres-server.ts; fails, never skips, without it).
 */
describe.each(['sqlite', 'postgres'] as const)(
  'orchestrator end to end on %s (npm start against fake Linear and GitHub)',
  (database) => {
    let w: E2eWorld;
    let server: PostgresServer | undefined;

    function runner(route: '/runner/result' | '/runner/progress', token: string, body: unknown) {
      return w.post(route, body, { authorization: `Bearer ${token}` });
    }

    beforeAll(async () => {
      server = database === 'postgres' ? await startPostgres() : undefined;
      const databaseUrl = server ? await freshDatabase(server, 'e2e') : undefined;
      w = await startE2eWorld({
        appId: 4242,
        repos: [{ repo: 'api' }],
        databaseUrl: databaseUrl ?? 'sqlite',
      });
    }, 60_000);

    afterAll(async () => {
      await w?.close();
      await server?.stop();
    });

    it('walks a team from labelled tickets to results, and survives a restart without dispatching twice', async () => {
      expect(
        (
          await w.api('POST', '/api/mappings', {
            teamKey: 'ENG',
            owner: 'acme',
            repo: 'api',
            defaultBranch: 'main',
          })
        ).status,
      ).toBe(201);

      const prerequisite = w.linear.addIssue({ team: 'ENG', title: 'Prerequisite', state: 'In Progress' });
      const label = (title: string, priority: number, blockedBy?: string[]) =>
        w.linear.addIssue({
          team: 'ENG',
          title,
          priority,
          state: 'Todo',
          labels: ['AI-Implement'],
          blockedBy,
        });
      const a = label('Export users', 1);
      const b = label('Import users', 2);
      const c = label('Audit log', 3);
      const d = label('Dark mode', 4);
      const blocked = label('Needs prerequisite', 1, [prerequisite.id]);

      // Exactly three planning dispatches (the cap), in priority order; the rest are blockers.
      await eventually('three dispatches', async () => (w.github.dispatches.length >= 3 ? true : undefined));
      await w.orchestrator.afterTicks(2); // ticks, not time: nothing more happens
      expect(w.github.dispatches.map((x) => [x.workflow, x.ref])).toEqual([
        ['claude-plan.yml', 'main'],
        ['claude-plan.yml', 'main'],
        ['claude-plan.yml', 'main'],
      ]);
      expect(w.payloads().map((p) => p.issue.identifier)).toEqual([a.identifier, b.identifier, c.identifier]);
      expect(w.github.dispatches[0]!.inputs).toMatchObject({
        issue_id: a.id,
        issue_identifier: a.identifier,
      });
      const blockers = await w.api<{ total: number; blockers: { identifier: string; reason: string }[] }>(
        'GET',
        '/api/blockers',
      );
      expect(blockers.body.blockers.map((x) => [x.identifier, x.reason]).sort()).toEqual(
        [
          [blocked.identifier, 'dependency'],
          [d.identifier, 'capacity'],
        ].sort(),
      );
      for (const issue of [a, b, c]) {
        expect(w.linear.getIssue(issue.id)).toMatchObject({
          labels: ['AI-Planning'],
          state: { name: 'In Progress' },
        });
      }
      expect(w.linear.getIssue(d.id)?.labels).toEqual(['AI-Implement']);

      // Planning succeeds → Plan-Complete, and the auto-approved implementation run is dispatched.
      const planning = w.payloads()[0]!;
      expect(planning.callback?.url).toBe(`http://127.0.0.1:${w.port}`);
      expect(
        (
          await runner('/runner/result', planning.callback!.resultToken, {
            status: 'success',
            summary: 'plan',
          })
        ).status,
      ).toBe(200);
      await eventually('implementation dispatch', async () =>
        w.github.dispatches.length >= 4 ? true : undefined,
      );
      const implementation = w.payloads()[3]!;
      expect([w.github.dispatches[3]!.workflow, implementation.phase, implementation.issue.id]).toEqual([
        'claude-implement.yml',
        'implementation',
        a.id,
      ]);
      expect(w.linear.getIssue(a.id)?.labels).toEqual(['AI-Working']);

      // Progress and the result: the PR is recorded, the ticket is Ready for Review, the slot frees.
      const progressToken = implementation.callback!.progressToken;
      expect(
        (await runner('/runner/progress', progressToken, { step: 'implement', status: 'started' })).status,
      ).toBe(200);
      expect(
        (
          await runner('/runner/progress', progressToken, {
            step: 'implement',
            status: 'succeeded',
            elapsedMs: 4200,
          })
        ).status,
      ).toBe(200);
      const result = {
        status: 'success',
        prUrl: 'https://github.com/acme/api/pull/12',
        branch: 'ai-implement/eng-1',
        summary: 'Added export',
        usage: { costUsd: 0.42, inputTokens: 1000, outputTokens: 200, turns: 12 },
      };
      expect((await runner('/runner/result', implementation.callback!.resultToken, result)).status).toBe(200);
      // Once the loop has looked at the new head's checks (it has none).
      await eventually('the first issue Ready for Review', async () =>
        w.linear.getIssue(a.id)?.labels.join() === 'Ready for Review' ? true : undefined,
      );
      await eventually('the fourth issue dispatched', async () =>
        w.github.dispatches.length >= 5 ? true : undefined,
      );
      expect(w.payloads()[4]!.issue.identifier).toBe(d.identifier);

      // Replays, conflicts and forgeries.
      expect(
        (await runner('/runner/result', implementation.callback!.resultToken, result)).body,
      ).toMatchObject({ duplicate: true });
      expect(
        (
          await runner('/runner/result', implementation.callback!.resultToken, {
            ...result,
            summary: 'other',
          })
        ).status,
      ).toBe(409);
      const forged = await createRunTokenSigner('someone-else-secret-0123456789abcdef').mint(
        implementation.dispatchId,
        new Date(Date.now() + 60_000),
      );
      expect((await runner('/runner/result', forged.resultToken, result)).status).toBe(401);
      expect((await runner('/runner/result', progressToken, result)).status).toBe(401);

      // The views agree.
      const log = await w.api<{
        jobs: { issue: { identifier: string }; dispatches: { phase: string; dispatchNumber: number }[] }[];
      }>('GET', '/api/log');
      const jobOfA = log.body.jobs.find((job) => job.issue.identifier === a.identifier)!;
      expect(jobOfA.dispatches.map((x) => [x.phase, x.dispatchNumber])).toEqual([
        ['planning', 1],
        ['implementation', 2],
      ]);
      const jobId = (
        await w.api<{ jobs: { jobId: string; issue: { identifier: string } }[] }>('GET', '/api/log')
      ).body.jobs.find((job) => job.issue.identifier === a.identifier)!.jobId;
      const steps = await w.api<{ steps: { step: string; status: string; elapsedMs: number | null }[] }>(
        'GET',
        `/api/jobs/${jobId}/steps`,
      );
      expect(steps.body.steps.map((s) => [s.step, s.status, s.elapsedMs])).toEqual([
        ['implement', 'started', null],
        ['implement', 'succeeded', 4200],
      ]);
      const pulls = await w.api<{
        pulls: { number: number; status: string; costUsd: number; issue: { identifier: string } }[];
      }>('GET', '/api/pulls');
      expect(pulls.body.pulls).toMatchObject([
        { number: 12, status: 'completed', costUsd: 0.42, issue: { identifier: a.identifier } },
      ]);
      const issues = await w.api<{ issues: { identifier: string; stage: string }[] }>('GET', '/api/issues');
      expect(Object.fromEntries(issues.body.issues.map((i) => [i.identifier, i.stage]))).toMatchObject({
        [a.identifier]: 'pr_open',
        [b.identifier]: 'planning',
        [d.identifier]: 'planning',
        [blocked.identifier]: 'planning_pending',
      });

      // The one replica leads, on either ledger.
      expect(await (await fetch(`${w.orchestrator.url}/healthz`)).json()).toMatchObject({
        ok: true,
        leader: true,
      });

      // Restart on the same database: nothing is dispatched twice.
      const first = w.orchestrator;
      await w.restart();
      expect(first.output()).toContain('shutting down');
      expect(first.output().includes('ledger in PostgreSQL')).toBe(database === 'postgres');
      // Start-up logs the configuration with its secrets as set/unset only. (No variable is inert
      // any more — src/config/not-in-this-build.ts — so there is no "has no effect" line to expect.)
      expect(first.output()).toMatch(/"secrets":\{[^}]*"LINEAR_API_KEY":"set"/);
      expect(first.output()).not.toContain(w.env.LINEAR_API_KEY);
      expect(first.output()).not.toContain(w.env.RUNNER_TOKEN_SECRET);
      await w.orchestrator.afterTicks(2); // ticks, not time: nothing more happens
      expect(w.github.dispatches).toHaveLength(5);
      expect((await w.api<{ total: number }>('GET', '/api/blockers')).body.total).toBeGreaterThanOrEqual(1);

      const status = await w.api<{ checks: { name: string; ok: boolean; detail: string }[] }>(
        'GET',
        '/api/admin/config-status',
      );
      expect(Object.fromEntries(status.body.checks.map((check) => [check.name, check.ok]))).toEqual({
        'ticketing:linear': true,
        'github-app': true,
        'github-ci': true,
        'runner-callback': true,
        'github-webhook': false,
        'gap-fill-trigger': false,
        'linear-webhook': false,
        polling: true,
      });

      w.github.assertNoViolations();
      w.linear.assertNoRejections();
      for (const secret of [
        w.linear.apiKey,
        w.accessCode,
        w.env.RUNNER_TOKEN_SECRET!,
        w.adminToken,
        implementation.callback!.resultToken,
      ]) {
        expect(w.orchestrator.output()).not.toContain(secret);
        expect(JSON.stringify(status.body)).not.toContain(secret);
      }
    }, 90_000);
  },
);

describe('start-up without configuration', () => {
  it('stops and names each missing variable and where to get it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-implement-e2e-empty-'));
    const started = startOrchestrator({ DEDUP_DB_PATH: path.join(dir, 'x.sqlite') });
    const error = await started.then(
      () => undefined,
      (failure: unknown) => String(failure),
    );
    expect(error).toMatch(/exited with 1/);
    expect(error).toMatch(/GITHUB_APP_ID is required: .*App ID/);
    expect(error).toMatch(/GITHUB_APP_PRIVATE_KEY/);
  }, 30_000);
});
