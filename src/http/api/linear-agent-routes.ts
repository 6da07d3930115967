import { Hono, type Context } from 'hono';
import { describeError, IntegrationError } from '../../domain/errors.ts';
import type { AppTokens } from '../../orchestrator/linear-agent/app-token.ts';
import type { AgentClient } from '../../ticketing/linear/agent/agent-client.ts';
import type { LinearOAuth } from '../../ticketing/linear/agent/linear-oauth.ts';
import { badRequest } from '../validation.ts';

/** The Linear agent's install: OAuth, the stored token and who the app is. Unset → 503. */
export interface LinearAgentInstall {
  oauth: LinearOAuth;
  tokens: AppTokens;
  client: AgentClient;
}

/**
 * Installing AI-Implement as a Linear agent (admin API auth, like every `/api/*` route; the
 * admin's browser carries the session cookie through Linear's redirect):
 * - `GET /api/linear/oauth/install` → 302 to Linear's consent screen (`actor=app`, scopes
 *   `read,write,app:assignable,app:mentionable`, a signed `state` valid 10 min);
 * - `GET /api/linear/oauth/callback?code&state` → exchanges the code, stores the token
 *   encrypted, answers `{ installed: true, organizationId, appUserId }`; 400 for a missing
 *   code or a bad or expired state, 502 when Linear refuses the code.
 * 503 while LINEAR_OAUTH_CLIENT_ID / _SECRET are unset.
 * https://linear.app/developers/agents#install-your-agent
 */
export function linearAgentRoutes(install: LinearAgentInstall | undefined, clock: () => Date): Hono {
  const app = new Hono();
  const disabled = (c: Context) =>
    c.json(
      {
        error: 'disabled',
        message:
          'the Linear agent is not configured: set LINEAR_OAUTH_CLIENT_ID and LINEAR_OAUTH_CLIENT_SECRET',
      },
      503,
    );

  app.get('/api/linear/oauth/install', (c) => {
    if (!install) return disabled(c);
    return c.redirect(install.oauth.authorizeUrl(clock()), 302);
  });

  app.get('/api/linear/oauth/callback', async (c) => {
    if (!install) return disabled(c);
    const code = c.req.query('code');
    const state = c.req.query('state');
    const problems = [
      ...(code
        ? []
        : [{ field: 'code', message: 'is required (Linear adds it when the install is approved)' }]),
      ...(state && install.oauth.checkState(state, clock())
        ? []
        : [
            {
              field: 'state',
              message:
                'is missing, altered or older than 10 minutes: start again at /api/linear/oauth/install',
            },
          ]),
    ];
    if (problems.length > 0 || !code) return badRequest(c, 'the install callback is not valid', problems);
    try {
      const granted = await install.oauth.exchangeCode(code, clock());
      // Who the app is, asked with the token just granted (not yet stored).
      const probe = install.client.withToken(granted.accessToken);
      const who = await probe.whoAmI();
      await install.tokens.save(granted, who);
      return c.json({ installed: true, organizationId: who.organizationId, appUserId: who.appUserId });
    } catch (error) {
      if (error instanceof IntegrationError) {
        return c.json({ error: 'linear_refused', message: describeError(error) }, 502);
      }
      throw error;
    }
  });
  return app;
}
