import type { Logger } from 'pino';
import { IntegrationError, type ErrorCategory } from '../domain/errors.ts';
import { clip } from './event-summary.ts';
import type { NotificationEvent } from './types.ts';

/** How one notifier reaches its webhook. `webhookUrl` is a secret: it never reaches a log line. */
export interface WebhookTarget {
  kind: 'slack' | 'teams';
  webhookUrl: string;
  logger: Logger;
  /** Per request; a hung webhook must not hold a dispatch path for long. */
  timeoutMs: number;
}

/**
 * Runs `send` and swallows any failure (non-2xx, network error, timeout, even a rendering bug):
 * a notification is best effort, so it is logged at warn level — with the event type, the issue
 * identifier and the error category, without the webhook URL — and dropped.
 */
export async function deliverSafely(
  target: WebhookTarget,
  event: NotificationEvent,
  send: () => Promise<void>,
): Promise<void> {
  try {
    await send();
  } catch (error) {
    const failure = toIntegrationError(target, error);
    target.logger.warn(
      {
        notifier: target.kind,
        event: event.type,
        issue: 'issue' in event ? event.issue.identifier : undefined,
        category: failure.category,
      },
      scrubUrl(`${target.kind} notification not delivered: ${failure.message}`, target.webhookUrl),
    );
  }
}

/** A webhook answered outside 2xx; `body` is the service's short error text (Slack: `no_service`, …). */
export function webhookHttpError(service: string, status: number, body: string): IntegrationError {
  const category: ErrorCategory =
    status === 429
      ? 'rate_limited'
      : status >= 500
        ? 'transient'
        : status === 401 || status === 403
          ? 'auth'
          : status === 404 || status === 410
            ? 'not_found'
            : 'invalid';
  const text = body.trim() ? `: ${clip(body.trim().replace(/\s+/g, ' '), 200)}` : '';
  return new IntegrationError(service, category, `webhook answered HTTP ${status}${text}`);
}

function toIntegrationError(target: WebhookTarget, error: unknown): IntegrationError {
  if (error instanceof IntegrationError) return error;
  // @slack/webhook wraps failures: `statusCode`/`body` for HTTP errors, `original` for request errors.
  const wrapped = error as { statusCode?: unknown; body?: unknown; original?: unknown; cause?: unknown };
  if (typeof wrapped.statusCode === 'number') {
    return webhookHttpError(
      target.kind,
      wrapped.statusCode,
      typeof wrapped.body === 'string' ? wrapped.body : '',
    );
  }
  const original = wrapped.original ?? error;
  if (original instanceof Error && (original.name === 'TimeoutError' || original.name === 'AbortError')) {
    return new IntegrationError(
      target.kind,
      'transient',
      `webhook did not answer within ${target.timeoutMs} ms`,
    );
  }
  if (original instanceof Error && original.message === 'fetch failed') {
    const code = (original.cause as { code?: unknown } | undefined)?.code;
    return new IntegrationError(
      target.kind,
      'transient',
      `network error${typeof code === 'string' ? ` (${code})` : ''}`,
    );
  }
  const message = original instanceof Error ? `${original.name}: ${original.message}` : String(original);
  return new IntegrationError(target.kind, 'invalid', message);
}

/** Removes the webhook URL, and its path (which holds the credential), from `text`. */
function scrubUrl(text: string, webhookUrl: string): string {
  const parsed = URL.parse(webhookUrl);
  const fragments = [webhookUrl, parsed?.href, parsed && `${parsed.pathname}${parsed.search}`, parsed?.search]
    .filter((fragment): fragment is string => typeof fragment === 'string' && fragment.length > 1)
    .sort((a, b) => b.length - a.length);
  return fragments.reduce((result, fragment) => result.replaceAll(fragment, '[webhook url]'), text);
}
