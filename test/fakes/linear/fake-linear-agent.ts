import { randomBytes, randomUUID } from 'node:crypto';
import { WorkspaceError, requireIssue, tick } from '../../../src/ticketing/memory/workspace.ts';
import type { FakeLinearData } from './fake-linear-data.ts';

/**
 * The fake Linear's side of the Agent API (https://linear.app/developers/agents): an OAuth app
 * installed with `actor=app` (the `/oauth/token` endpoint: authorization code and refresh
 * grants, form-encoded, client id and secret checked), the app's access tokens (accepted as
 * `Authorization: Bearer`), agent sessions, and the `agentActivityCreate` /
 * `agentSessionUpdate` mutations — which Linear accepts from the app actor only.
 */
export interface FakeAgentSession {
  id: string;
  issueId: string;
  createdAt: string;
  /** Activity contents, in order (`{ type: 'thought', body }`, …). */
  activities: Record<string, unknown>[];
  externalUrls: { label: string; url: string }[];
}

export interface FakeLinearOAuthApp {
  clientId: string;
  clientSecret: string;
  /** The app's own user (the delegate of issues given to the agent). */
  appUserId: string;
}

export interface FakeAgent {
  readonly app: FakeLinearOAuthApp;
  readonly sessions: FakeAgentSession[];
  /** What the consent screen hands the redirect: a code for `redirectUri`. */
  authorize(redirectUri: string): string;
  /** Access tokens expire this many seconds after issue (default 3600, Linear's refresh-token apps: 24 h). */
  tokenLifetimeSeconds: number;
  /** Whether `token` is a live access token of the app. */
  isAppToken(token: string): boolean;
  /** Opens a session on an issue (delegation or mention). */
  openSession(issueId: string): FakeAgentSession;
  /** `/oauth/token`: status and JSON body. */
  tokenEndpoint(form: URLSearchParams): { status: number; body: object };
  resolvers(isApp: () => boolean): Record<string, (args: never) => unknown>;
  readonly tokensIssued: number;
}

export function createFakeAgent(data: FakeLinearData): FakeAgent {
  const app: FakeLinearOAuthApp = {
    clientId: `client_${randomBytes(8).toString('hex')}`,
    clientSecret: `secret_${randomBytes(16).toString('hex')}`,
    appUserId: randomUUID(),
  };
  const codes = new Map<string, string>();
  const access = new Map<string, number>();
  const refresh = new Set<string>();
  const sessions: FakeAgentSession[] = [];
  let issued = 0;

  const grant = () => {
    const accessToken = `lin_oauth_${randomBytes(16).toString('hex')}`;
    const refreshToken = `lin_refresh_${randomBytes(16).toString('hex')}`;
    access.set(accessToken, Date.now() + agent.tokenLifetimeSeconds * 1000);
    refresh.add(refreshToken);
    issued += 1;
    return {
      status: 200,
      body: {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: agent.tokenLifetimeSeconds,
        scope: ['read', 'write', 'app:assignable', 'app:mentionable'],
        refresh_token: refreshToken,
      },
    };
  };
  const refuse = (error: string, description: string) => ({
    status: 400,
    body: { error, error_description: description },
  });
  const requireSession = (id: string) => {
    const session = sessions.find((s) => s.id === id);
    if (!session) throw new WorkspaceError('not_found', 'AgentSession', `No agent session ${id}`);
    return session;
  };
  const appOnly = (isApp: () => boolean) => {
    if (!isApp()) {
      throw new WorkspaceError(
        'invalid',
        'AgentSession',
        'Only an app actor (OAuth actor=app) can act in agent sessions',
      );
    }
  };

  const agent: FakeAgent = {
    app,
    sessions,
    tokenLifetimeSeconds: 3600,
    get tokensIssued() {
      return issued;
    },
    authorize(redirectUri) {
      const code = randomBytes(12).toString('hex');
      codes.set(code, redirectUri);
      return code;
    },
    isAppToken(token) {
      const expires = access.get(token);
      return expires !== undefined && expires > Date.now();
    },
    openSession(issueId) {
      const issue = requireIssue(data, issueId);
      const session = {
        id: randomUUID(),
        issueId: issue.id,
        createdAt: tick(data),
        activities: [],
        externalUrls: [],
      };
      sessions.push(session);
      return session;
    },
    tokenEndpoint(form) {
      if (form.get('client_id') !== app.clientId || form.get('client_secret') !== app.clientSecret) {
        return {
          status: 401,
          body: { error: 'invalid_client', error_description: 'Client authentication failed' },
        };
      }
      const grantType = form.get('grant_type');
      if (grantType === 'authorization_code') {
        const code = form.get('code') ?? '';
        const redirect = codes.get(code);
        if (redirect === undefined || redirect !== form.get('redirect_uri')) {
          return refuse(
            'invalid_grant',
            'The authorization code is invalid or was issued for another redirect_uri',
          );
        }
        codes.delete(code);
        return grant();
      }
      if (grantType === 'refresh_token') {
        const token = form.get('refresh_token') ?? '';
        if (!refresh.delete(token))
          return refuse('invalid_grant', 'The refresh token is invalid or was used before');
        return grant();
      }
      return refuse('unsupported_grant_type', `grant_type ${String(grantType)} is not supported`);
    },
    resolvers(isApp) {
      return {
        organization: () => ({ id: data.organizationId, name: 'Acme', urlKey: data.urlKey }),
        agentActivityCreate: ({ input }: { input: Record<string, unknown> }) => {
          appOnly(isApp);
          const session = requireSession(String(input.agentSessionId));
          const content = input.content as Record<string, unknown>;
          const types = ['thought', 'action', 'response', 'error', 'elicitation'];
          if (!content || !types.includes(String(content.type))) {
            throw new WorkspaceError(
              'invalid',
              'AgentActivity',
              `content.type must be one of ${types.join(', ')}`,
            );
          }
          const needs = content.type === 'action' ? ['action', 'parameter'] : ['body'];
          for (const field of needs) {
            if (typeof content[field] !== 'string') {
              throw new WorkspaceError(
                'invalid',
                'AgentActivity',
                `content.${field} is required for ${String(content.type)}`,
              );
            }
          }
          session.activities.push(content);
          return { success: true, lastSyncId: ++data.syncId };
        },
        agentSessionUpdate: ({ id, input }: { id: string; input: Record<string, unknown> }) => {
          appOnly(isApp);
          const session = requireSession(id);
          const added = (input.addedExternalUrls ?? []) as { label: string; url: string }[];
          session.externalUrls.push(...added);
          return { success: true, lastSyncId: ++data.syncId };
        },
      };
    },
  };
  return agent;
}
