import { customDirOf, loadCatalog } from '../pipeline/catalog.ts';
import { pipelineMappingProblems } from '../pipeline/customizations.ts';
import { pipelineRoutes } from './api/pipeline-routes.ts';
import { Hono } from 'hono';
import { sql } from 'kysely';
import type { TemplateSync } from '../github/template-sync/template-sync.ts';
import type { OrchestratorContext } from '../orchestrator/context.ts';
import type { PullRequestLoop } from '../orchestrator/follow-ups/pull-request-loop.ts';
import { createAdminAuth } from './auth/admin-auth.ts';
import { createSignInGuard } from './auth/sign-in-guard.ts';
import { createSignInThrottle } from './auth/sign-in-throttle.ts';
import { authRoutes } from './api/auth-routes.ts';
import { mappingRoutes, type MappingCheck } from './api/mapping-routes.ts';
import { jiraRoutes } from './api/jira-routes.ts';
import { teamRoutes } from './api/team-routes.ts';
import { githubRoutes, type RepositoryLister } from './api/github-routes.ts';
import type { JiraProvider } from '../ticketing/jira/jira-provider.ts';
import { overviewRoutes } from './api/overview-routes.ts';
import { statusRoutes, type StatusCheck } from './api/status-routes.ts';
import { templateRoutes } from './api/template-routes.ts';
import { workRoutes } from './api/work-routes.ts';
import { openApiRoutes } from './api/openapi/openapi-document.ts';
import { analyticsRoutes } from './api/analytics-routes.ts';
import { platformRoutes } from './api/platform-routes.ts';
import { sessionRoutes } from './api/session-routes.ts';
import { reaperRoutes } from './api/reaper-routes.ts';
import { shadowRoutes } from './api/shadow-routes.ts';
import type { Platform } from '../orchestrator/platform/platform.ts';
import { runnerRoutes } from './runner-callbacks/runner-routes.ts';
import { gapFillTriggerRoutes } from './trigger/gap-fill-routes.ts';
import { webhookRoutes } from './webhooks/webhook-routes.ts';
import { linearWebhookRoutes } from './webhooks/linear-webhook-routes.ts';
import { jiraWebhookRoutes } from './webhooks/jira-webhook-routes.ts';
import type { WebhookHealth } from '../orchestrator/webhook-health.ts';
import type { AgentSessions } from '../orchestrator/linear-agent/agent-sessions.ts';
import { linearAgentRoutes, type LinearAgentInstall } from './api/linear-agent-routes.ts';
import { adminRoutes } from './admin/admin-routes.ts';
import { apiAuthRefusal } from './admin/session-cookie.ts';
import { bodyLimits } from './body-limits.ts';
import { measureRequests, metricsRoutes } from './metrics/metrics-routes.ts';
import type { OrchestratorMetrics } from '../orchestrator/metrics.ts';

export interface HttpDeps {
  orchestrator: OrchestratorContext;
  /** ADMIN_ACCESS_CODE; unset → `/admin` and `/api/*` answer 404 (seed 002). */
  adminAccessCode: string | undefined;
  statusChecks: () => Promise<StatusCheck[]>;
  /** The pull-request loop behind the webhook and gap-fill trigger; unset → both answer 503. */
  pullRequestLoop?: PullRequestLoop;
  /** GITHUB_WEBHOOK_SECRET; unset → `POST /api/github/webhook` answers 503. */
  webhookSecret?: string;
  /** Starts a tick now; the GitHub webhook's `issues` events call it (GitHub Issues as a tracker). */
  tickNow?: () => void;
  /** LINEAR_WEBHOOK_SECRET; unset → `POST /api/linear/webhook` answers 503. */
  linearWebhookSecret?: string;
  /** JIRA_WEBHOOK_SECRET; unset → `POST /api/jira/webhook` answers 503. */
  jiraWebhookSecret?: string;
  /** Tracker webhook health: verified deliveries are reported to it; `/healthz` shows its mode. */
  webhookHealth?: WebhookHealth;
  /** The Linear agent's install (OAuth); unset → its routes answer 503. */
  linearAgent?: LinearAgentInstall;
  /** Handles Linear `AgentSessionEvent` deliveries; unset → they are acknowledged only. */
  agentSessions?: AgentSessions;
  /** GAP_FILL_TRIGGER_SECRET; unset → `POST /trigger/gap-fill` answers 503. */
  gapFillTriggerSecret?: string;
  /** Sync workflows and template status; unset → those routes answer 503. */
  templateSync?: TemplateSync;
  /** The Jira provider, for the Jira helper routes; unset → they say Jira is not configured. */
  jira?: JiraProvider;
  /** Checks a mapping against its tracker before it is saved (Jira fields, JQL). */
  checkMapping?: MappingCheck;
  /**
   * The custom/ directory the orchestrator loaded (AI_IMPLEMENT_CUSTOM_DIR); default
   * `<project root>/custom`. Read by the pipeline routes, the panels and the `pipelines` check.
   */
  customDir?: string;
  /**
   * TRUST_PROXY_HEADER: the header a trusted proxy sets to the client's address (e.g.
   * `Fly-Client-IP`); the sign-in throttle keys on it. Unset → the socket address.
   */
  trustProxyHeader?: string;
  /** Ticks completed since start (the poller's count), shown by `GET /healthz`; unset → 0. */
  completedTicks?: () => number;
  /** Whether this replica leads (runs the tick); `GET /healthz` says it. Default: true. */
  isLeader?: () => boolean;
  /** How many times this replica has tried to take the leader lock (`GET /healthz`); unset → not shown. */
  leaderChecks?: () => number;
  /** Wall and CPU time of the last completed tick in ms, shown by `GET /healthz`. */
  lastTick?: () => { durationMs: number; cpuMs: number } | undefined;
  /** The GitHub App's repositories, for the stepper's picker; unset → `GET /api/github/repositories` answers 503. */
  listRepositories?: RepositoryLister;
  /** Runner mode, Fly settings and secrets (the Platform panels); unset → those routes answer 404. */
  platform?: Platform;
  /** METRICS_TOKEN; unset → `GET /metrics` answers 404. */
  metricsToken?: string;
  /** What `GET /metrics` renders (the same object is `orchestrator.metrics`). */
  metrics?: OrchestratorMetrics;
}

/** Routes outside the operator API: they carry their own authentication. */
const OWN_AUTH = ['/api/auth', '/api/github/webhook', '/api/linear/webhook', '/api/jira/webhook'];

/**
 * The orchestrator's HTTP surface: `/healthz`, the admin JSON API under `/api/*` (bearer tokens
 * from `POST /api/auth`, or the admin UI's session cookie), the admin UI under `/admin`, and
 * the runner callbacks under `/runner/*`. Bodies above their path's limit answer 413
 * (`BODY_LIMITS`). Unexpected errors answer a generic 500 and are logged; no stack or secret
 * reaches a client.
 */
export function createHttpApp(deps: HttpDeps): Hono {
  const { orchestrator: ctx } = deps;
  const app = new Hono();
  // First, so no route reads or signs an oversize body (413; src/http/body-limits.ts).
  app.use('*', bodyLimits());
  app.use('*', measureRequests(deps.metrics));
  app.route('/', metricsRoutes({ token: deps.metricsToken, metrics: deps.metrics }));

  // Open, and says nothing secret: the database answers, how many ticks have completed and
  // what the last one cost (tests wait for ticks instead of sleeping; operators see the poller is
  // alive and how heavy a tick is), and whether this replica leads (only the leader ticks).
  app.get('/healthz', async (c) => {
    await sql`select 1`.execute(ctx.db);
    const lastTick = deps.lastTick?.();
    const poll = await deps.webhookHealth?.pollMode();
    return c.json({
      status: 'ok',
      ok: true,
      ticks: deps.completedTicks?.() ?? 0,
      leader: deps.isLeader?.() ?? true,
      ...(deps.leaderChecks ? { leaderChecks: deps.leaderChecks() } : {}),
      ...(lastTick ? { lastTick } : {}),
      ...(poll ? { poll: { mode: poll.mode, intervalMs: poll.intervalMs } } : {}),
    });
  });

  app.route('/', runnerRoutes(ctx));
  // Their own secrets authenticate them, so they answer whether or not ADMIN_ACCESS_CODE is set.
  app.route(
    '/',
    webhookRoutes({
      ctx,
      secret: deps.webhookSecret,
      loop: deps.pullRequestLoop,
      ...(deps.tickNow ? { tickNow: deps.tickNow } : {}),
      ...(deps.webhookHealth ? { health: deps.webhookHealth } : {}),
    }),
  );
  const tracker = { ctx, tickNow: deps.tickNow, health: deps.webhookHealth };
  app.route(
    '/',
    linearWebhookRoutes({
      ...tracker,
      secret: deps.linearWebhookSecret,
      ...(deps.agentSessions ? { agent: deps.agentSessions } : {}),
    }),
  );
  app.route('/', jiraWebhookRoutes({ ...tracker, secret: deps.jiraWebhookSecret }));
  app.route('/', gapFillTriggerRoutes({ secret: deps.gapFillTriggerSecret, loop: deps.pullRequestLoop }));

  if (!deps.adminAccessCode) {
    app.all('/admin', (c) => c.json({ error: 'not_found', message: 'the admin UI is disabled' }, 404));
    app.all('/admin/*', (c) => c.json({ error: 'not_found', message: 'the admin UI is disabled' }, 404));
    app.all('/api/*', (c, next) =>
      OWN_AUTH.slice(1).includes(c.req.path)
        ? next()
        : c.json({ error: 'not_found', message: 'not found' }, 404),
    );
  } else {
    const auth = createAdminAuth(ctx.db, deps.adminAccessCode, ctx.clock);
    const guard = createSignInGuard(
      createSignInThrottle(() => ctx.clock().getTime()),
      deps.trustProxyHeader,
    );
    app.use('/api/*', async (c, next) => {
      if (OWN_AUTH.includes(c.req.path)) return next();
      // Bearer token (scripts) or the admin UI's session cookie plus CSRF token on writes.
      return (await apiAuthRefusal(c, auth)) ?? next();
    });
    app.route('/', authRoutes(auth, guard));
    const catalog = () => loadCatalog(deps.customDir ?? customDirOf({}));
    const checkMapping: MappingCheck = async (mapping) => [
      ...(await pipelineMappingProblems(mapping, catalog)),
      ...(deps.checkMapping ? await deps.checkMapping(mapping) : []),
    ];
    app.route('/', mappingRoutes(ctx, checkMapping, deps.platform?.secrets));
    app.route('/', pipelineRoutes(catalog));
    if (deps.platform) app.route('/', platformRoutes(deps.platform));
    if (deps.platform?.sessions) app.route('/', sessionRoutes(deps.platform.sessions));
    if (deps.platform?.reaper) app.route('/', reaperRoutes(deps.platform.reaper));
    app.route('/', shadowRoutes(ctx));
    app.route('/', jiraRoutes(deps.jira));
    app.route('/', linearAgentRoutes(deps.linearAgent, ctx.clock));
    app.route('/', githubRoutes(deps.listRepositories));
    app.route('/', teamRoutes(ctx));
    app.route('/', workRoutes(ctx));
    app.route('/', analyticsRoutes(ctx));
    app.route('/', openApiRoutes());
    app.route('/', overviewRoutes(ctx));
    app.route('/', statusRoutes(deps.statusChecks));
    app.route('/', templateRoutes(ctx, deps.templateSync));
    app.route('/', adminRoutes({ ctx, auth, guard, platform: deps.platform, catalog }));
  }

  app.notFound((c) =>
    c.json({ error: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` }, 404),
  );
  app.onError((error, c) => {
    ctx.logger.error(
      { err: error instanceof Error ? error.message : String(error), path: c.req.path },
      'request failed',
    );
    return c.json({ error: 'internal', message: 'internal error; see the orchestrator log' }, 500);
  });
  return app;
}
