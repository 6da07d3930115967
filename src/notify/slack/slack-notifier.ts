import { IncomingWebhook } from '@slack/webhook';
import type { Logger } from 'pino';
import { summarizeEvent } from '../event-summary.ts';
import type { NotificationEvent, NotificationLabels, Notifier } from '../types.ts';
import { deliverSafely, type WebhookTarget } from '../webhook-delivery.ts';
import { buildSlackMessage } from './slack-message.ts';

export interface SlackNotifierOptions {
  /** A Slack Incoming Webhook URL (secret). */
  webhookUrl: string;
  labels: NotificationLabels;
  logger: Logger;
  timeoutMs: number;
}

/**
 * Posts notifications to a Slack Incoming Webhook with `@slack/webhook`'s IncomingWebhook
 * (https://api.slack.com/messaging/webhooks): no retries (a notification is not worth
 * delaying the tick for), `timeoutMs` per request. Never throws: see `deliverSafely`.
 */
export function createSlackNotifier(options: SlackNotifierOptions): Notifier {
  const webhook = new IncomingWebhook(options.webhookUrl, { timeout: options.timeoutMs });
  const target: WebhookTarget = {
    kind: 'slack',
    webhookUrl: options.webhookUrl,
    logger: options.logger,
    timeoutMs: options.timeoutMs,
  };
  return {
    kind: 'slack',
    async notify(event: NotificationEvent): Promise<void> {
      await deliverSafely(target, event, async () => {
        await webhook.send(buildSlackMessage(summarizeEvent(event, options.labels)));
      });
    },
  };
}
