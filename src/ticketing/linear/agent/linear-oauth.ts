import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { IntegrationError } from '../../../domain/errors.ts';

/**
 * Linear's OAuth 2.0 flow for an app actor (https://linear.app/developers/oauth-2-0-authentication
 * and https://linear.app/developers/agents): the authorize URL with `actor=app` and the agent
 * scopes, the code exchange and the refresh, both at `/oauth/token` beside the GraphQL endpoint.
 */

/** `app:assignable` lets people delegate issues to the app; `app:mentionable` lets them @mention it. */
export const AGENT_SCOPES = ['read', 'write', 'app:assignable', 'app:mentionable'];

const AUTHORIZE_URL = 'https://linear.app/oauth/authorize';

/** How long an install link stays valid: the admin follows it at once. */
const STATE_TTL_MS = 10 * 60_000;

export interface LinearOAuthOptions {
  clientId: string;
  clientSecret: string;
  /** LINEAR_API_URL (`…/graphql`); the token endpoint is `/oauth/token` on the same host. */
  apiUrl: string;
  /** `<public base URL>/api/linear/oauth/callback`. */
  redirectUri: string;
  fetch?: typeof fetch;
}

const TokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().optional(),
  scope: z.union([z.string(), z.array(z.string())]).optional(),
  refresh_token: z.string().optional(),
});

/** What Linear's token endpoint grants. `expiresAt` undefined: no expiry given. */
export interface GrantedToken {
  accessToken: string;
  refreshToken: string | undefined;
  expiresAt: Date | undefined;
  scope: string;
}

export interface LinearOAuth {
  /** The URL to send the admin to, with a signed `state` that `checkState` accepts for 10 min. */
  authorizeUrl(now: Date): string;
  checkState(state: string, now: Date): boolean;
  /** Throws `IntegrationError` (`auth` for a refused code or refresh token). */
  exchangeCode(code: string, now: Date): Promise<GrantedToken>;
  refresh(refreshToken: string, now: Date): Promise<GrantedToken>;
}

export function createLinearOAuth(options: LinearOAuthOptions): LinearOAuth {
  const tokenUrl = new URL('/oauth/token', options.apiUrl).toString();
  const doFetch = options.fetch ?? fetch;
  const sign = (value: string) =>
    createHmac('sha256', options.clientSecret).update(`state:${value}`).digest('base64url');

  async function token(form: Record<string, string>, now: Date): Promise<GrantedToken> {
    let response: Response;
    try {
      response = await doFetch(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          ...form,
          client_id: options.clientId,
          client_secret: options.clientSecret,
        }).toString(),
      });
    } catch (error) {
      throw new IntegrationError(
        'linear',
        'transient',
        `Linear's token endpoint is unreachable: ${String(error)}`,
      );
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const category = response.status === 400 || response.status === 401 ? 'auth' : 'transient';
      throw new IntegrationError(
        'linear',
        category,
        `Linear refused the OAuth request (${response.status}): ${JSON.stringify(body)}`,
      );
    }
    const parsed = TokenResponse.safeParse(body);
    if (!parsed.success)
      throw new IntegrationError(
        'linear',
        'invalid',
        'Linear answered the token request in an unexpected shape',
      );
    const { access_token, refresh_token, expires_in, scope } = parsed.data;
    return {
      accessToken: access_token,
      refreshToken: refresh_token,
      expiresAt: expires_in === undefined ? undefined : new Date(now.getTime() + expires_in * 1000),
      scope: Array.isArray(scope) ? scope.join(',') : (scope ?? AGENT_SCOPES.join(',')),
    };
  }

  return {
    authorizeUrl(now) {
      const value = `${now.getTime()}.${randomBytes(12).toString('base64url')}`;
      const url = new URL(AUTHORIZE_URL);
      url.search = new URLSearchParams({
        client_id: options.clientId,
        redirect_uri: options.redirectUri,
        response_type: 'code',
        scope: AGENT_SCOPES.join(','),
        actor: 'app',
        state: `${value}.${sign(value)}`,
      }).toString();
      return url.toString();
    },
    checkState(state, now) {
      const parts = state.split('.');
      if (parts.length !== 3) return false;
      const value = `${parts[0]}.${parts[1]}`;
      const expected = Buffer.from(sign(value));
      const given = Buffer.from(parts[2]!);
      const issued = Number(parts[0]);
      return (
        expected.length === given.length &&
        timingSafeEqual(expected, given) &&
        Number.isFinite(issued) &&
        now.getTime() - issued <= STATE_TTL_MS &&
        now.getTime() >= issued - 60_000
      );
    },
    exchangeCode: (code, now) =>
      token({ grant_type: 'authorization_code', code, redirect_uri: options.redirectUri }, now),
    refresh: (refreshToken, now) => token({ grant_type: 'refresh_token', refresh_token: refreshToken }, now),
  };
}
