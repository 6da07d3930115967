import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import { latestAppToken, saveAppToken } from '../../store/linear-agent.ts';
import type { GrantedToken, LinearOAuth } from '../../ticketing/linear/agent/linear-oauth.ts';
import type { TokenCipher } from '../../ticketing/linear/agent/token-crypto.ts';

/** Refresh this long before expiry, so a call never starts with a token about to lapse. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/** The Linear app's token: stored encrypted, refreshed before it expires. */
export interface AppTokens {
  /** Stores what an install granted, for the workspace `organizationId`. */
  save(token: GrantedToken, who: { organizationId: string; appUserId: string | undefined }): Promise<void>;
  /** A valid access token, refreshed first when it expires within 5 min. Throws when not installed. */
  accessToken(): Promise<string>;
  installed(): Promise<boolean>;
}

export function createAppTokens(deps: {
  db: Kysely<Database>;
  oauth: LinearOAuth;
  cipher: TokenCipher;
  clock: () => Date;
}): AppTokens {
  const { db, oauth, cipher, clock } = deps;
  const write = (token: GrantedToken, organizationId: string, appUserId: string | null) =>
    saveAppToken(db, {
      organization_id: organizationId,
      access_token: cipher.encrypt(token.accessToken),
      refresh_token: token.refreshToken ? cipher.encrypt(token.refreshToken) : null,
      expires_at: token.expiresAt?.toISOString() ?? null,
      scope: token.scope,
      app_user_id: appUserId,
      updated_at: clock().toISOString(),
    });
  let refreshing: Promise<string> | undefined;
  return {
    save: (token, who) => write(token, who.organizationId, who.appUserId ?? null),
    async installed() {
      return (await latestAppToken(db)) !== undefined;
    },
    async accessToken() {
      const row = await latestAppToken(db);
      if (!row)
        throw new Error('the Linear agent is not installed: open /api/linear/oauth/install as an admin');
      const now = clock();
      const expiring =
        row.expires_at !== null && new Date(row.expires_at).getTime() - now.getTime() < REFRESH_MARGIN_MS;
      if (!expiring || row.refresh_token === null) return cipher.decrypt(row.access_token);
      // One refresh at a time: Linear rotates the refresh token, a second use would be refused.
      refreshing ??= oauth
        .refresh(cipher.decrypt(row.refresh_token), now)
        .then(async (granted) => {
          await write(
            { ...granted, refreshToken: granted.refreshToken ?? cipher.decrypt(row.refresh_token!) },
            row.organization_id,
            row.app_user_id,
          );
          return granted.accessToken;
        })
        .finally(() => {
          refreshing = undefined;
        });
      return refreshing;
    },
  };
}
