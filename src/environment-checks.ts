import type { Config } from './config/types.ts';
import { describeError } from './domain/errors.ts';
import type { TicketingProviderName } from './domain/ticket.ts';
import { ciPermissionsStatus } from './github/ci-permissions.ts';
import type { GitHubAppClient } from './github/github-app.ts';
import type { StatusCheck } from './http/api/status-routes.ts';
import type { Platform } from './orchestrator/platform/platform.ts';
import type { WebhookHealth } from './orchestrator/webhook-health.ts';
import type { TicketingProvider } from './ticketing/types.ts';

/** The environment checks the Overview shows (`GET /api/admin/config-status`), from what main.ts built. */

/** The Overview's environment checks: ticketing connection, GitHub App, runner callback, gap-fill trigger. */
export async function statusChecks(
  config: Config,
  ticketing: Map<TicketingProviderName, TicketingProvider>,
  github: GitHubAppClient,
  webhookHealth: WebhookHealth,
): Promise<StatusCheck[]> {
  const checks: StatusCheck[] = [];
  for (const [name, provider] of ticketing) {
    // GitHub Issues goes through the GitHub App: the `github-app` check below is its check.
    if (name === 'github') continue;
    const result = await provider
      .checkConnection()
      .catch((error: unknown) => ({ ok: false, detail: describeError(error) }));
    checks.push({ name: `ticketing:${name}`, ...result });
  }
  try {
    const info = await github.getApp();
    checks.push({ name: 'github-app', ok: true, detail: `authenticated as ${info.slug ?? info.name}` });
    // Checks and statuses read, and a CI event: without them failing CI goes unseen (issue 17).
    checks.push({ name: 'github-ci', ...ciPermissionsStatus(info) });
  } catch (error) {
    checks.push({ name: 'github-app', ok: false, detail: describeError(error) });
  }
  const { callbackBaseUrl, tokenSecret } = config.runner;
  checks.push({
    name: 'runner-callback',
    ok: Boolean(callbackBaseUrl && tokenSecret),
    detail:
      callbackBaseUrl && tokenSecret
        ? `runners report to ${callbackBaseUrl}`
        : 'set RUNNER_CALLBACK_BASE_URL and RUNNER_TOKEN_SECRET so runs report results and progress',
  });
  checks.push({
    name: 'github-webhook',
    ok: Boolean(config.github.webhookSecret),
    detail: config.github.webhookSecret
      ? '/api/github/webhook is enabled'
      : 'set GITHUB_WEBHOOK_SECRET so review feedback, /ai-implement comments and merges reach the orchestrator',
  });
  for (const [tracker, secret, name] of [
    ['linear', config.trackerWebhooks.linearSecret, 'LINEAR_WEBHOOK_SECRET'],
    ['jira', config.trackerWebhooks.jiraSecret, 'JIRA_WEBHOOK_SECRET'],
  ] as const) {
    if (!ticketing.has(tracker)) continue;
    checks.push({
      name: `${tracker}-webhook`,
      ok: Boolean(secret),
      detail: secret
        ? `/api/${tracker}/webhook is enabled`
        : `set ${name} so ticket changes start work at once instead of at the next poll`,
    });
  }
  // Which mode the poller is in: ok either way (polling works), the detail says which and why.
  const poll = await webhookHealth.pollMode();
  checks.push({
    name: 'polling',
    ok: true,
    detail:
      poll.mode === 'webhooks'
        ? `webhooks mode: ${poll.reason}, every ${poll.intervalMs / 1000} s`
        : `polling mode: every ${poll.intervalMs / 1000} s (${poll.reason})`,
  });
  checks.push({
    name: 'gap-fill-trigger',
    ok: Boolean(config.gapFill.triggerSecret),
    detail: config.gapFill.triggerSecret
      ? '/trigger/gap-fill is enabled'
      : 'set GAP_FILL_TRIGGER_SECRET to enable /ai-implement comments through comment-trigger.yml',
  });
  return checks;
}

/** Fly Machines (when FLY_SESSIONS_TOKEN is set): the sessions app answers with the token. */
export async function flySessionsCheck(platform: Platform): Promise<StatusCheck> {
  const app = platform.settings.running('flySessionsApp');
  if (!app) {
    return {
      name: 'fly-sessions',
      ok: false,
      detail:
        'FLY_SESSIONS_TOKEN is set but no sessions app: set FLY_SESSIONS_APP or the flySessionsApp setting',
    };
  }
  try {
    const live = (await platform.sessions?.list()) ?? [];
    return { name: 'fly-sessions', ok: true, detail: `app ${app}: ${live.length} live sessions` };
  } catch (error) {
    return { name: 'fly-sessions', ok: false, detail: describeError(error) };
  }
}
