import type { Logger } from 'pino';
import { summarizeEvent } from '../event-summary.ts';
import type { NotificationEvent, NotificationLabels, Notifier } from '../types.ts';
import { deliverSafely, webhookHttpError, type WebhookTarget } from '../webhook-delivery.ts';
import { buildTeamsMessage } from './teams-message.ts';

export interface TeamsNotifierOptions {
  /** The URL of a Teams Workflows webhook (secret: its `sig` parameter authorises the post). */
  webhookUrl: string;
  labels: NotificationLabels;
  logger: Logger;
  timeoutMs: number;
}

/**
 * Posts notifications as Adaptive Cards to a Teams Workflows webhook
 * (https://support.microsoft.com/office/create-incoming-webhooks-with-workflows-for-microsoft-teams-8ae491c7-0394-4861-ba59-055e33f75498),
 * the replacement of the retired Office 365 connectors. Any 2xx counts as delivered (Workflows
 * answers 202 Accepted). Never throws: see `deliverSafely`.
 */
export function createTeamsNotifier(options: TeamsNotifierOptions): Notifier {
  const target: WebhookTarget = {
    kind: 'teams',
    webhookUrl: options.webhookUrl,
    logger: options.logger,
    timeoutMs: options.timeoutMs,
  };
  return {
    kind: 'teams',
    async notify(event: NotificationEvent): Promise<void> {
      await deliverSafely(target, event, async () => {
        const response = await fetch(options.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(buildTeamsMessage(summarizeEvent(event, options.labels))),
          // A redirect would replay the card to a host nobody configured.
          redirect: 'error',
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        const text = await response.text();
        if (!response.ok) throw webhookHttpError('teams', response.status, text);
      });
    },
  };
}
