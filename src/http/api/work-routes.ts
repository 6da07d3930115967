import { Hono } from 'hono';
import { listBlockers } from '../../store/blockers.ts';
import { deleteFromDedupWindow, listDedupWindow } from '../../store/dedup-window.ts';
import {
  getDispatch,
  latestDispatchForIssue,
  listDispatchesOfJob,
  listInFlight,
  listRecentDispatches,
} from '../../store/dispatches.ts';
import { clearBreaker } from '../../store/failure-breakers.ts';
import { listMappings } from '../../store/mappings.ts';
import { approvePlan, isPlanApproved, listApprovedJobIds } from '../../store/plan-approvals.ts';
import { listPullRequests } from '../../store/pull-requests.ts';
import { listStepsOfJob } from '../../store/run-steps.ts';
import { listTrackedIssues } from '../../store/tracked-issues.ts';
import type { OrchestratorContext } from '../../orchestrator/context.ts';
import { dispatchImplementation } from '../../orchestrator/run-results.ts';
import { blockersView, groupIntoJobs, issuesView } from './work-views.ts';

/** How many recent dispatches the Issues inbox reads to find each issue's newest one. */
const INBOX_DISPATCH_WINDOW = 5000;

/**
 * The Work panels' JSON API (seed 002): dispatch log, issues inbox, blockers, pull requests,
 * dedup window, job steps; plus the operator actions on an issue (approve a plan, clear the
 * failure breaker, remove it from the dedup window).
 */
export function workRoutes(ctx: OrchestratorContext): Hono {
  const app = new Hono();

  app.get('/api/log', async (c) => {
    const rows = await listRecentDispatches(ctx.db, ctx.policy.logLimit);
    return c.json({ jobs: groupIntoJobs(rows), dispatches: rows.length });
  });

  app.get('/api/issues', async (c) => {
    const [recent, tracked, mappings, inFlight] = await Promise.all([
      listRecentDispatches(ctx.db, INBOX_DISPATCH_WINDOW),
      listTrackedIssues(ctx.db),
      listMappings(ctx.db),
      listInFlight(ctx.db),
    ]);
    const latest = new Map<string, (typeof recent)[number]>();
    for (const row of recent) if (!latest.has(row.issue_id)) latest.set(row.issue_id, row);
    const approved = await listApprovedJobIds(
      ctx.db,
      [...latest.values()].map((row) => row.job_id),
    );
    const latestByIssue = new Map(
      [...latest].map(([id, row]) => [id, { row, awaitingApproval: !approved.has(row.job_id) }]),
    );
    return c.json(issuesView(tracked, latestByIssue, mappings, inFlight));
  });

  app.get('/api/blockers', async (c) => c.json(blockersView(await listBlockers(ctx.db))));

  app.get('/api/pulls', async (c) => {
    const now = ctx.clock().getTime();
    const rows = await listPullRequests(ctx.db);
    const pulls = await Promise.all(
      rows.map(async (row) => {
        const dispatches = await listDispatchesOfJob(ctx.db, row.job_id);
        const newest = dispatches.at(-1);
        const running = dispatches.some((d) => d.status === 'pending' || d.status === 'running');
        return {
          repo: row.repo,
          number: row.number,
          url: row.url,
          branch: row.branch,
          issue: { id: row.issue_id, identifier: row.issue_identifier, url: row.issue_url },
          teamKey: row.team_key,
          jobId: row.job_id,
          status: running ? 'running' : row.status,
          iteration: newest?.dispatch_number ?? 1,
          costUsd: row.cost_usd,
          lastDispatchAt: row.last_dispatch_at,
          secondsSinceLastDispatch: Math.max(0, Math.round((now - Date.parse(row.last_dispatch_at)) / 1000)),
        };
      }),
    );
    return c.json({ pulls });
  });

  app.get('/api/dedup', async (c) => {
    const windowStart = new Date(ctx.clock().getTime() - ctx.policy.dedupWindowMs);
    const rows = await listDedupWindow(ctx.db, windowStart);
    return c.json({
      windowHours: ctx.policy.dedupWindowMs / 3_600_000,
      entries: rows.map((row) => ({
        issueId: row.issue_id,
        identifier: row.issue_identifier,
        title: row.issue_title,
        teamKey: row.team_key,
        dispatchedAt: row.dispatched_at,
        expiresAt: new Date(Date.parse(row.dispatched_at) + ctx.policy.dedupWindowMs).toISOString(),
      })),
    });
  });

  app.delete('/api/dedup/:issueId', async (c) => {
    const issueId = c.req.param('issueId');
    if (!(await deleteFromDedupWindow(ctx.db, issueId))) {
      return c.json({ error: 'not_found', message: `issue ${issueId} is not in the dedup window` }, 404);
    }
    return c.json({ removed: issueId });
  });

  app.get('/api/jobs/:jobId/steps', async (c) => {
    const jobId = c.req.param('jobId');
    const dispatches = await listDispatchesOfJob(ctx.db, jobId);
    if (dispatches.length === 0) return c.json({ error: 'not_found', message: `no job ${jobId}` }, 404);
    const steps = await listStepsOfJob(ctx.db, jobId);
    return c.json({
      jobId,
      dispatches: dispatches.map((d) => ({ dispatchId: d.id, phase: d.phase, status: d.status })),
      steps: steps.map((step) => ({
        dispatchId: step.dispatch_id,
        step: step.step,
        status: step.status,
        elapsedMs: step.elapsed_ms,
        output: step.output_json ? (JSON.parse(step.output_json) as unknown) : null,
        receivedAt: step.received_at,
      })),
    });
  });

  app.post('/api/issues/:issueId/approve-plan', async (c) => {
    const issueId = c.req.param('issueId');
    const latest = await latestDispatchForIssue(ctx.db, issueId);
    if (!latest) return c.json({ error: 'not_found', message: `no dispatch for issue ${issueId}` }, 404);
    if (
      latest.phase !== 'planning' ||
      latest.status !== 'succeeded' ||
      (await isPlanApproved(ctx.db, latest.job_id))
    ) {
      return c.json(
        { error: 'conflict', message: `issue ${latest.issue_identifier} has no plan awaiting approval` },
        409,
      );
    }
    await approvePlan(ctx.db, { jobId: latest.job_id, issueId, approvedBy: 'api', approvedAt: ctx.clock() });
    const outcome = await dispatchImplementation(ctx, latest.job_id, issueId);
    return c.json({ approved: true, jobId: latest.job_id, dispatch: outcome ?? null }, 202);
  });

  app.post('/api/issues/:issueId/clear-breaker', async (c) => {
    const issueId = c.req.param('issueId');
    if (!(await clearBreaker(ctx.db, issueId))) {
      return c.json({ error: 'not_found', message: `issue ${issueId} is not parked` }, 404);
    }
    return c.json({ cleared: issueId });
  });

  app.get('/api/dispatches/:dispatchId', async (c) => {
    const row = await getDispatch(ctx.db, c.req.param('dispatchId'));
    if (!row) return c.json({ error: 'not_found', message: 'no such dispatch' }, 404);
    const { result_json: _result, ...rest } = row;
    return c.json({ dispatch: rest });
  });
  return app;
}
