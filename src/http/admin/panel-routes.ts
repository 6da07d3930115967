import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import type { OrchestratorContext } from '../../orchestrator/context.ts';
import { getDispatch } from '../../store/dispatches.ts';
import { renderPage, type PanelContent } from './layout.ts';
import type { AdminEnv } from './admin-env.ts';
import { apiReferencePanel } from './panels/api-reference-panel.ts';
import { setupPanel } from './check-fixes.ts';
import { analyticsPanel } from './panels/analytics-panel.ts';
import { blockersPanel } from './panels/blockers-panel.ts';
import { auditLogPanel } from './panels/developer-panels.ts';
import { customizationsPanel, pipelinesStepsPanel } from './panels/pipeline-panels.ts';
import type { Catalog } from '../../pipeline/catalog.ts';
import { issuesPanel } from './panels/issues-panel.ts';
import { jobDetailPanel, jobsPanel } from './panels/jobs-panel.ts';
import { modelsPanel } from './panels/models-panel.ts';
import { overviewPanel } from './panels/overview-panel.ts';
import { reaperPanel, runnersPanel } from './panels/platform-panels.ts';
import { sessionsPanel } from './panels/sessions-panel.ts';
import { secretsPanel } from './panels/secrets-panel.ts';
import { settingsPanel } from './panels/settings-panel.ts';
import type { Platform } from '../../orchestrator/platform/platform.ts';
import { platformFormRoutes } from './platform-forms.ts';
import { editProjectPanel, newProjectPanel } from './panels/project-stepper-panel.ts';
import { projectsPanel } from './panels/projects-panel.ts';
import { pullsPanel } from './panels/pulls-panel.ts';

/** Sidebar panels by path under /admin (layout.ts NAV), each rendered from the store. */
function panels(
  ctx: OrchestratorContext,
  platform: Platform | undefined,
  catalog: () => Promise<Catalog>,
): Record<string, (query: URLSearchParams, csrf: string) => Promise<PanelContent>> {
  return {
    overview: () => overviewPanel(ctx),
    issues: (query) => issuesPanel(ctx, query),
    jobs: (query) => jobsPanel(ctx, query),
    pulls: (query) => pullsPanel(ctx, query),
    blockers: (query) => blockersPanel(ctx, query),
    analytics: (query) => analyticsPanel(ctx, query),
    projects: (query) => projectsPanel(ctx, query),
    'pipelines-steps': async () => pipelinesStepsPanel(await catalog()),
    models: () => modelsPanel(ctx),
    runners: (query, csrf) => runnersPanel(ctx, query, csrf, platform),
    sessions: (query, csrf) => sessionsPanel(platform, query, csrf),
    reaper: (query, csrf) => reaperPanel(ctx, query, csrf, platform),
    secrets: (query, csrf) => secretsPanel(ctx, platform, csrf, query),
    settings: (query, csrf) => settingsPanel(platform, csrf, query),
    'audit-log': (query) => auditLogPanel(ctx, query),
    customizations: async () => customizationsPanel(await catalog()),
    'api-reference': async () => apiReferencePanel(),
    // Not in the sidebar: reached from an environment check that needs attention.
    setup: async () => setupPanel(),
  };
}

/**
 * The signed-in pages (the session check runs before these, in admin-routes.ts): every sidebar
 * panel, one job's steps, and the New/Edit project stepper.
 */
export function panelRoutes(
  ctx: OrchestratorContext,
  catalog: () => Promise<Catalog>,
  platform?: Platform,
): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();
  const byPath = panels(ctx, platform, catalog);
  if (platform) app.route('/', platformFormRoutes(ctx, platform));
  const page = (c: Context<AdminEnv>, content: PanelContent, active: string) =>
    renderPage({ ...content, active, csrf: c.get('session').csrf, tenant: ctx.tenant });
  const notFound = (c: Context<AdminEnv>, active: string, title: string, text: string) =>
    c.html(page(c, { title, body: html`<p>${text}</p>` }, active), 404);

  app.get('/admin/jobs/:jobId', async (c) => {
    const content = await jobDetailPanel(ctx, c.req.param('jobId'));
    return content
      ? c.html(page(c, content, 'jobs'))
      : notFound(c, 'jobs', 'No such job', 'It may be older than the dispatch log.');
  });

  // A run known by its dispatch (Sessions, Reaper) opens its job's page.
  app.get('/admin/dispatches/:id', async (c) => {
    const dispatch = await getDispatch(ctx.db, c.req.param('id'));
    return dispatch
      ? c.redirect(`/admin/jobs/${encodeURIComponent(dispatch.job_id)}`)
      : notFound(c, 'jobs', 'No such run', 'It may be older than the dispatch log.');
  });

  app.get('/admin/projects/new', (c) => c.html(page(c, newProjectPanel(), 'projects')));

  app.get('/admin/projects/:teamKey/edit', async (c) => {
    const content = await editProjectPanel(ctx, c.req.param('teamKey'));
    return content
      ? c.html(page(c, content, 'projects'))
      : notFound(c, 'projects', 'No such project', 'It may have been deleted.');
  });

  app.get('/admin/:panel', async (c) => {
    const panel = c.req.param('panel');
    const render = Object.hasOwn(byPath, panel) ? byPath[panel] : undefined;
    if (!render) return notFound(c, '', 'No such panel', 'Pick one from the sidebar.');
    const content = await render(new URL(c.req.url).searchParams, c.get('session').csrf);
    return c.html(page(c, content, panel));
  });
  return app;
}
