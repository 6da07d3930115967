import { Hono, type Context } from 'hono';
import { deleteFromDedupWindow } from '../../store/dedup-window.ts';
import { getDispatch, latestDispatchForIssue } from '../../store/dispatches.ts';
import { clearBreaker } from '../../store/failure-breakers.ts';
import { approvePlan, isPlanApproved } from '../../store/plan-approvals.ts';
import type { OrchestratorContext } from '../../orchestrator/context.ts';
import { dispatchImplementation } from '../../orchestrator/run-results.ts';
import { badRequest } from '../validation.ts';
import { readPageRequest, type PageRequest } from './cursor.ts';
import {
  LIST_PAGES,
  loadBlockers,
  loadDedupWindow,
  loadIssues,
  loadJobLog,
  loadJobSteps,
  loadPulls,
} from './work-loaders.ts';

/**
 * The Work panels' JSON API (seed 002): dispatch log, issues inbox, blockers, pull requests
 * (each a keyset page with `nextCursor`), dedup window, job steps; plus the operator actions on an issue (approve a plan, clear the
 * failure breaker, remove it from the dedup window).
 */
export function workRoutes(ctx: OrchestratorContext): Hono {
  const app = new Hono();

  // Keyset pages: `?limit=` and `?cursor=` (the previous page's `nextCursor`); see cursor.ts.
  const paged = (
    options: { defaultLimit: number; max: number; arity: number },
    load: (page: PageRequest) => Promise<object>,
  ) => {
    return async (c: Context) => {
      const read = readPageRequest(new URL(c.req.url).searchParams, options);
      if (!read.ok) return badRequest(c, `${read.error.field}: ${read.error.message}`, [read.error]);
      return c.json(await load(read.page));
    };
  };

  app.get(
    '/api/log',
    paged({ ...LIST_PAGES.log, defaultLimit: ctx.policy.logLimit }, (page) => loadJobLog(ctx, page)),
  );

  app.get(
    '/api/issues',
    paged(LIST_PAGES.issues, (page) => loadIssues(ctx, page)),
  );

  app.get(
    '/api/blockers',
    paged(LIST_PAGES.blockers, (page) => loadBlockers(ctx, page)),
  );

  app.get(
    '/api/pulls',
    paged(LIST_PAGES.pulls, (page) => loadPulls(ctx, page)),
  );

  app.get(
    '/api/dedup',
    paged(LIST_PAGES.dedup, (page) => loadDedupWindow(ctx, page)),
  );

  app.delete('/api/dedup/:issueId', async (c) => {
    const issueId = c.req.param('issueId');
    if (!(await deleteFromDedupWindow(ctx.db, issueId))) {
      return c.json({ error: 'not_found', message: `issue ${issueId} is not in the dedup window` }, 404);
    }
    return c.json({ removed: issueId });
  });

  app.get('/api/jobs/:jobId/steps', async (c) => {
    const jobId = c.req.param('jobId');
    const view = await loadJobSteps(ctx, jobId);
    return view ? c.json(view) : c.json({ error: 'not_found', message: `no job ${jobId}` }, 404);
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
