import type { Logger } from 'pino';
import type { Config } from '../config/types.ts';
import { createSlackNotifier } from './slack/slack-notifier.ts';
import { createTeamsNotifier } from './teams/teams-notifier.ts';
import type { Notifier } from './types.ts';

/** Long enough for a slow webhook, short enough that a hung one does not stall a tick. */
const DEFAULT_TIMEOUT_MS = 5000;

/**
 * The notifier CONTRACTS.md §1 asks for: none when NOTIFY_WEBHOOK_URL is unset (notifications
 * are skipped silently, without a log line), otherwise Slack or Teams per NOTIFY_TYPE, labelled
 * with CLIENT_SLUG / FLY_APP_NAME when set. `options.timeoutMs` bounds each webhook request.
 */
export function createNotifier(
  config: Pick<Config, 'notify' | 'tenant'>,
  logger: Logger,
  options: { timeoutMs?: number } = {},
): Notifier {
  const webhookUrl = config.notify.webhookUrl;
  if (webhookUrl === undefined) return createNoopNotifier();
  const settings = {
    webhookUrl,
    labels: { clientSlug: config.tenant.clientSlug, flyAppName: config.tenant.flyAppName },
    logger,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
  return config.notify.type === 'teams' ? createTeamsNotifier(settings) : createSlackNotifier(settings);
}

/** Accepts every event and sends nothing. */
export function createNoopNotifier(): Notifier {
  return {
    kind: 'none',
    async notify(): Promise<void> {},
  };
}
