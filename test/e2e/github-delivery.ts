import { createHmac, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { webhookSchemaErrors } from '../webhooks/webhook-schemas.ts';

/**
 * Delivers a GitHub webhook to the orchestrator at `baseUrl` as GitHub sends it: the payload
 * checked against GitHub's schema (@octokit/openapi-webhooks), signed with `secret`
 * (`X-Hub-Signature-256`), from the App `appId`. Returns the HTTP status.
 * https://docs.github.com/en/webhooks/webhook-events-and-payloads
 */
export async function deliverGitHubWebhook(
  target: { baseUrl: string; secret: string; appId: number },
  event: string,
  payload: Record<string, unknown>,
): Promise<number> {
  const schema = `webhook-${event.replace(/_/g, '-')}-${String(payload.action).replace(/_/g, '-')}`;
  expect(webhookSchemaErrors(schema, payload)).toEqual([]);
  const body = JSON.stringify(payload);
  const response = await fetch(`${target.baseUrl}/api/github/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': randomUUID(),
      'x-github-hook-installation-target-id': String(target.appId),
      'x-github-hook-installation-target-type': 'integration',
      'x-hub-signature-256': `sha256=${createHmac('sha256', target.secret).update(body).digest('hex')}`,
    },
    body,
  });
  return response.status;
}
