/**
 * The composition root: the only file that reads the process environment and picks concrete
 * trackers, execution backends and notifiers. `npm start` runs it.
 */
import { serve } from '@hono/node-server';
import { pino } from 'pino';
import { ConfigError } from './config/config-error.ts';
import { mergeEnv, readDotEnv } from './config/dot-env.ts';
import { loadConfig } from './config/load-config.ts';
import { redactConfig } from './config/redact-config.ts';
import type { Config } from './config/types.ts';
import { describeError } from './domain/errors.ts';
import { createGitHubAppClient, octokitLog } from './github/github-app.ts';
import { createTemplateSync } from './github/template-sync/template-sync.ts';
import { checkPipelines, createLocalRunner, createTicketing } from './composition.ts';
import { flySessionsCheck, statusChecks } from './environment-checks.ts';
import { createHttpApp } from './http/app.ts';
import { checkMappingWithTracker, flyMappingProblems } from './mapping-checks.ts';
import { shutDownInOrder } from './http/graceful-shutdown.ts';
import { createNotifier } from './notify/registry.ts';
import { DEFAULT_POLICY, type OrchestratorContext } from './orchestrator/context.ts';
import { createGitHubPullRequestHost } from './orchestrator/follow-ups/github-host.ts';
import { createPullRequestLoop } from './orchestrator/follow-ups/pull-request-loop.ts';
import { startFollowUpSweeper } from './orchestrator/follow-ups/sweeper.ts';
import { createMetrics } from './orchestrator/metrics.ts';
import { startPoller } from './orchestrator/poller.ts';
import { createWebhookHealth } from './orchestrator/webhook-health.ts';
import { createAppTokens } from './orchestrator/linear-agent/app-token.ts';
import {
  agentProgressReporter,
  agentQuestionAsker,
  withAgentActivities,
} from './orchestrator/linear-agent/agent-notifier.ts';
import { createAgentSessions } from './orchestrator/linear-agent/agent-sessions.ts';
import { createAgentClient } from './ticketing/linear/agent/agent-client.ts';
import { createLinearOAuth } from './ticketing/linear/agent/linear-oauth.ts';
import { createTokenCipher } from './ticketing/linear/agent/token-crypto.ts';
import { createRunTokenSigner } from './orchestrator/run-tokens.ts';
import { createGitHubActionsBackend } from './runners/github-actions/github-actions-backend.ts';
import { recordRunOutput } from './orchestrator/run-output.ts';
import type { ExecutionBackend, ExecutionMode } from './runners/types.ts';
import { openReplicaStore } from './replicas.ts';
import { createFlyClient } from './fly/fly-client.ts';
import { createFlyMachinesClient } from './fly/machines.ts';
import { createFlyBackend } from './runners/fly/fly-backend.ts';
import { createRepoImageReader } from './runners/fly/repo-image.ts';
import { createWarmPool } from './runners/fly/warm-pool.ts';
import { listActiveWorkflowRuns } from './github/active-workflow-runs.ts';
import { createSessionsService } from './orchestrator/sessions/sessions.ts';
import { createReaper, startReaper } from './orchestrator/reaper/reaper.ts';
import { createPlatform } from './orchestrator/platform/platform.ts';
import type { JiraProvider } from './ticketing/jira/jira-provider.ts';

/** Paths pino blanks in every log line, wherever a secret could ride along. */
const REDACT = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.apiKey',
  '*.token',
  '*.privateKey',
  '*.secret',
];

async function main(): Promise<void> {
  const dotEnv = readDotEnv(process.cwd());
  const env = mergeEnv(dotEnv.values, process.env);
  const logger = pino({ redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'ai-implement' } });
  const customDir = await checkPipelines(env);
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`AI-Implement cannot start:\n${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  for (const warning of [...dotEnv.warnings, ...config.warnings]) logger.warn(warning);
  // Secrets as set/unset only (docs/decisions/not-in-this-build.md, redactConfig).
  logger.info({ config: redactConfig(config) }, 'configuration');
  const log = config.tenant.clientSlug ? logger.child({ client: config.tenant.clientSlug }) : logger;

  // DATABASE_URL: PostgreSQL and leader election; else SQLite, one replica (src/replicas.ts).
  const ledger = await openReplicaStore(config, log);
  const store = ledger.store;
  // Only counted when someone can read them (METRICS_TOKEN set); the clients report their
  // requests to it (src/domain/outbound-requests.ts).
  const metrics = config.metricsToken ? createMetrics(store.db, () => new Date()) : undefined;
  const github = createGitHubAppClient({
    observer: metrics,
    appId: config.github.appId,
    privateKey: config.github.privateKey,
    baseUrl: config.github.apiUrl,
    log: octokitLog(log),
  });
  const ticketing = await createTicketing(config, log, store.db, github, metrics);
  const jira = ticketing.get('jira') as JiraProvider | undefined;
  const flyClient = config.fly.sessionsToken
    ? createFlyClient({ apiUrl: config.fly.apiUrl, token: config.fly.sessionsToken, observer: metrics })
    : undefined;
  const platform = await createPlatform({
    db: store.db,
    envRunnerMode: config.runner.modeFromEnv ? config.runner.mode : undefined,
    envSettings: { flySessionsApp: config.fly.sessionsApp, flySessionsRegion: config.fly.sessionsRegion },
    fly: flyClient,
    github,
    clock: () => new Date(),
    logger: log.child({ service: 'platform' }),
  });
  const localBackend = await createLocalRunner(config, env, github, log, (dispatchId, output) =>
    recordRunOutput(ctx, dispatchId, output),
  );
  const backends = new Map<ExecutionMode, ExecutionBackend>([
    ['github-actions', createGitHubActionsBackend(github)],
    ['local', localBackend],
  ]);
  const flyMachines = flyClient ? createFlyMachinesClient(flyClient) : undefined;
  if (flyMachines) {
    // Fly Machines runs (docs/decisions/fly-machines.md): the sessions app and region are the
    // running settings (FLY_SESSIONS_* wins over the stored value read at start-up).
    backends.set(
      'fly-machines',
      createFlyBackend({
        machines: flyMachines,
        app: () => platform.settings.running('flySessionsApp'),
        region: () => platform.settings.running('flySessionsRegion'),
        defaultImage: config.runner.image,
        repoImage: createRepoImageReader(github, () => new Date()),
        warmPool: createWarmPool({
          machines: flyMachines,
          size: config.fly.warmPoolSize,
          tenant: config.tenant.clientSlug,
          logger: log.child({ runner: 'fly', pool: 'warm' }),
        }),
        github,
        githubApiUrl: config.github.apiUrl,
        gitServerUrl: env.GITHUB_SERVER_URL?.trim() || undefined,
        claude: { oauthToken: config.claude.oauthToken, anthropicApiKey: config.claude.anthropicApiKey },
        linear: config.linear ? { apiKey: config.linear.apiKey, apiUrl: config.linear.apiUrl } : undefined,
        jira: config.jira,
        tenant: config.tenant.clientSlug,
        logger: log.child({ runner: 'fly' }),
      }),
    );
  }
  // AI-Implement as a Linear agent: needs the OAuth app and Linear itself (the label path).
  const agent =
    config.linearAgent && config.linear
      ? (() => {
          const oauth = createLinearOAuth({
            clientId: config.linearAgent.clientId,
            clientSecret: config.linearAgent.clientSecret,
            apiUrl: config.linear.apiUrl,
            redirectUri: `${config.runner.callbackBaseUrl ?? `http://localhost:${config.port}`}/api/linear/oauth/callback`,
          });
          const tokens = createAppTokens({
            db: store.db,
            oauth,
            cipher: createTokenCipher(config.linearAgent.clientSecret),
            clock: () => new Date(),
          });
          return {
            oauth,
            tokens,
            client: createAgentClient(config.linear.apiUrl, () => tokens.accessToken(), metrics),
          };
        })()
      : undefined;
  const notifier = createNotifier(config, log);
  const ctx: OrchestratorContext = {
    db: store.db,
    ticketing,
    backends,
    // Read per dispatch: a stored change applies to the next one (RUNNER_MODE, when set, wins).
    runnerMode: () => platform.runnerMode.effective(),
    callback: config.runner.tokenSecret
      ? { baseUrl: config.runner.callbackBaseUrl, signer: createRunTokenSigner(config.runner.tokenSecret) }
      : undefined,
    // AI_IMPLEMENT_RUNNER_IMAGE: the image of Fly Machines runs unless the mapping names one.
    defaultImage: config.runner.image,
    notifier: agent
      ? withAgentActivities(notifier, { db: store.db, client: agent.client, logger: log })
      : notifier,
    logger: log,
    ...(config.tenant.clientSlug ? { tenant: config.tenant.clientSlug } : {}),
    clock: () => new Date(),
    // One poll, within 2–30 s: a lost intent is found or re-dispatched within two ticks (issue 9).
    policy: {
      ...DEFAULT_POLICY,
      lostDispatchGraceMs: Math.min(30_000, Math.max(2_000, config.pollIntervalMs)),
      globalMonthlyBudgetUsd: config.globalMonthlyBudgetUsd,
      ciChecksGraceMs: config.ciChecksGraceMs,
    },
    ...(metrics ? { metrics } : {}),
    dispatchLock: ledger.dispatchLock,
    ticketLock: ledger.ticketLock,
    callsInProgress: new Set(),
    ...(agent
      ? {
          onRunProgress: agentProgressReporter({ db: store.db, client: agent.client, logger: log }),
          askInAgentSession: agentQuestionAsker({ db: store.db, client: agent.client }),
        }
      : {}),
  };
  // Answers 503 "set FLY_SESSIONS_TOKEN" without Fly, rather than 404: the panel says what to do.
  platform.sessions = createSessionsService({
    ctx,
    machines: flyMachines,
    app: () => platform.settings.running('flySessionsApp'),
  });
  platform.reaper = createReaper({
    ctx,
    machines: flyMachines,
    app: () => platform.settings.running('flySessionsApp'),
    dryRun: config.reaper.dryRun,
    alertThreshold: config.reaper.alertThreshold,
    tenant: config.tenant.clientSlug,
    warmPoolSize: config.fly.warmPoolSize,
    listActiveRuns: (input) => listActiveWorkflowRuns(github, input),
  });
  const pullRequestLoop = createPullRequestLoop({
    ctx,
    host: createGitHubPullRequestHost(github),
    appId: config.github.appId,
    exclusive: ledger.followUpLock,
  });
  ctx.followUps = pullRequestLoop;

  const webhookHealth = await createWebhookHealth({
    db: store.db,
    clock: ctx.clock,
    configured: new Set([
      ...(config.trackerWebhooks.linearSecret ? (['linear'] as const) : []),
      ...(config.trackerWebhooks.jiraSecret ? (['jira'] as const) : []),
      ...(config.github.webhookSecret ? (['github'] as const) : []),
    ]),
    pollIntervalMs: config.pollIntervalMs,
    reconcileIntervalMs: config.trackerWebhooks.reconcileIntervalMs,
    shared: config.postgres !== undefined,
  });
  // Only the leader runs loops; a follower's tick request reaches it by NOTIFY (leadership.ts).
  const leadership = ledger.lead(() => void poller.tickNow().catch(() => undefined));
  const isLeader = () => leadership.confirm();
  // The period is asked after every tick: RECONCILE_INTERVAL_MS while tracker webhooks deliver.
  const poller = startPoller(ctx, async () => (await webhookHealth.pollMode()).intervalMs, {
    retentionDays: config.retentionDays,
    isLeader,
  });
  leadership.onChange((leads) => leads && leadership.requestTick());
  const app = createHttpApp({
    orchestrator: ctx,
    metricsToken: config.metricsToken,
    ...(metrics ? { metrics } : {}),
    adminAccessCode: config.admin.accessCode,
    statusChecks: async () => [
      ...(await statusChecks(config, ticketing, github, webhookHealth)),
      ...(flyMachines ? [await flySessionsCheck(platform)] : []),
    ],
    pullRequestLoop,
    webhookSecret: config.github.webhookSecret,
    linearWebhookSecret: config.trackerWebhooks.linearSecret,
    jiraWebhookSecret: config.trackerWebhooks.jiraSecret,
    webhookHealth,
    ...(agent
      ? {
          linearAgent: agent,
          agentSessions: createAgentSessions({
            ctx,
            client: agent.client,
            tickNow: () => leadership.requestTick(),
            loop: pullRequestLoop,
          }),
        }
      : {}),
    // The poller logs a failing tick itself; the webhook only asks the leader for one sooner.
    tickNow: () => leadership.requestTick(),
    gapFillTriggerSecret: config.gapFill.triggerSecret,
    templateSync: createTemplateSync({ github, orchestratorUrl: config.runner.callbackBaseUrl }),
    jira,
    listRepositories: () => github.listRepositories(),
    customDir,
    checkMapping: async (mapping) => [
      ...flyMappingProblems(mapping, flyMachines !== undefined),
      ...(await checkMappingWithTracker(jira, mapping, log)),
    ],
    completedTicks: () => poller.completedTicks(),
    isLeader: () => leadership.isLeader(),
    leaderChecks: () => leadership.checks(),
    lastTick: () => poller.lastTick(),
    trustProxyHeader: config.http.trustProxyHeader,
    platform,
  });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: '0.0.0.0' }, (info) =>
    log.info({ port: info.port }, `AI-Implement listening on http://localhost:${info.port}`),
  );
  const sweeper = startFollowUpSweeper(pullRequestLoop, config.pollIntervalMs, log, isLeader);
  const reaperLoop = startReaper(
    platform.reaper,
    config.reaper.intervalMs,
    log.child({ service: 'reaper' }),
    isLeader,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: refusing new requests, finishing the current tick and queued work');
    await shutDownInOrder({
      server,
      drain: async () => {
        await poller.stop();
        await sweeper.stop();
        await reaperLoop.stop();
      },
      closeStore: () => ledger.close(),
    });
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(`AI-Implement stopped: ${describeError(error)}`);
  process.exit(1);
});
