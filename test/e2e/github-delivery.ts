import { createHmac, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { webhookSchemaErrors } from '../webhooks/webhook-schemas.ts';

/**
 * Delivers a GitHub webhook to the orchestrator at `baseUrl` as GitHub sends it: the payload
 * checked against GitHub's schema (@octokit/openapi-webhooks), signed with `secret`
 * (`X-Hub-Signature-256`), from the App `appId`, under `deliveryId` (a redelivery repeats it).
 * Returns the status and the JSON answer.
 * https://docs.github.com/en/webhooks/webhook-events-and-payloads
 */
export async function deliverGitHubWebhook(
  target: { baseUrl: string; secret: string; appId: number },
  event: string,
  payload: Record<string, unknown>,
  deliveryId: string = randomUUID(),
): Promise<{ status: number; body: Record<string, unknown> }> {
  const schema = `webhook-${event.replace(/_/g, '-')}-${String(payload.action).replace(/_/g, '-')}`;
  expect(webhookSchemaErrors(schema, payload)).toEqual([]);
  const body = JSON.stringify(payload);
  const response = await fetch(`${target.baseUrl}/api/github/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/8e03811',
      'x-github-event': event,
      'x-github-delivery': deliveryId,
      'x-github-hook-id': '42',
      'x-github-hook-installation-target-id': String(target.appId),
      'x-github-hook-installation-target-type': 'integration',
      'x-hub-signature-256': `sha256=${createHmac('sha256', target.secret).update(body).digest('hex')}`,
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
