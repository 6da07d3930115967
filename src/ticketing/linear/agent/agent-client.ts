import { z } from 'zod';
import { IntegrationError } from '../../../domain/errors.ts';
import { observeRequest, type RequestObserver } from '../../../domain/outbound-requests.ts';
import { operationName } from '../operation-name.ts';

/**
 * Linear's Agent API, called as the app (OAuth token, `Authorization: Bearer`): activities in an
 * agent session and the session's external URLs. Documents follow Linear's schema
 * (`agentActivityCreate(input: AgentActivityCreateInput!)`, `agentSessionUpdate(id, input:
 * AgentSessionUpdateInput!)`). https://linear.app/developers/agent-interaction
 */

/** Activity content by type (`AgentActivityCreateInput.content`). */
export type AgentActivityContent =
  | { type: 'thought'; body: string }
  | { type: 'action'; action: string; parameter: string; result?: string }
  | { type: 'response'; body: string }
  | { type: 'error'; body: string }
  | { type: 'elicitation'; body: string };

export interface AgentClient {
  /** The app's user and workspace, right after install. */
  whoAmI(): Promise<{ appUserId: string; organizationId: string }>;
  createActivity(sessionId: string, content: AgentActivityContent): Promise<void>;
  /** Adds a link shown on the session (the pull request). */
  addExternalUrl(sessionId: string, label: string, url: string): Promise<void>;
  /** The same client with a fixed token (the install callback, before the token is stored). */
  withToken(token: string): AgentClient;
}

const WHO_AM_I = 'query AgentWhoAmI { viewer { id } organization { id } }';
const CREATE_ACTIVITY =
  'mutation AgentActivityCreate($input: AgentActivityCreateInput!) { agentActivityCreate(input: $input) { success } }';
const UPDATE_SESSION =
  'mutation AgentSessionUpdate($id: String!, $input: AgentSessionUpdateInput!) { agentSessionUpdate(id: $id, input: $input) { success } }';

/**
 * `token` is asked per call: it may have been refreshed meanwhile. Throws `IntegrationError`.
 * `observer` is told of every request (`GET /metrics`, provider `linear`).
 */
export function createAgentClient(
  apiUrl: string,
  token: () => Promise<string>,
  observer?: RequestObserver,
): AgentClient {
  function call<T>(query: string, variables: Record<string, unknown>, schema: z.ZodType<T>): Promise<T> {
    return observeRequest(observer, { provider: 'linear', operation: operationName(query) }, () =>
      send(query, variables, schema),
    );
  }
  async function send<T>(
    query: string,
    variables: Record<string, unknown>,
    schema: z.ZodType<T>,
  ): Promise<T> {
    let response: Response;
    try {
      response = await fetch(apiUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await token()}` },
        body: JSON.stringify({ query, variables }),
      });
    } catch (error) {
      throw new IntegrationError('linear', 'transient', `Linear is unreachable: ${String(error)}`);
    }
    const body = (await response.json().catch(() => ({}))) as {
      data?: unknown;
      errors?: { message: string }[];
    };
    if (response.status === 401 || response.status === 403) {
      throw new IntegrationError('linear', 'auth', 'Linear refused the app token: install the agent again');
    }
    if (body.errors?.length || !response.ok) {
      const message = body.errors?.map((e) => e.message).join('; ') ?? `HTTP ${response.status}`;
      throw new IntegrationError(
        'linear',
        response.status >= 500 ? 'transient' : 'invalid',
        `Linear agent call failed: ${message}`,
      );
    }
    const parsed = schema.safeParse(body.data);
    if (!parsed.success)
      throw new IntegrationError('linear', 'invalid', 'Linear answered in an unexpected shape');
    return parsed.data;
  }
  const success = z.object({ success: z.boolean() });
  return {
    async whoAmI() {
      const data = await call(
        WHO_AM_I,
        {},
        z.object({ viewer: z.object({ id: z.string() }), organization: z.object({ id: z.string() }) }),
      );
      return { appUserId: data.viewer.id, organizationId: data.organization.id };
    },
    async createActivity(sessionId, content) {
      await call(
        CREATE_ACTIVITY,
        { input: { agentSessionId: sessionId, content } },
        z.object({ agentActivityCreate: success }),
      );
    },
    async addExternalUrl(sessionId, label, url) {
      await call(
        UPDATE_SESSION,
        { id: sessionId, input: { addedExternalUrls: [{ label, url }] } },
        z.object({ agentSessionUpdate: success }),
      );
    },
    withToken: (fixed) => createAgentClient(apiUrl, async () => fixed, observer),
  };
}
