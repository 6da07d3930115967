import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { jwtVerify } from 'jose';

/**
 * The fake's authentication, following "Authenticating as a GitHub App"
 * (https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app)
 * and installation tokens
 * (https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app).
 * The 401 messages are GitHub's own: @octokit/auth-app matches some of them to correct clock skew.
 */

/** GitHub refuses app JWTs that live longer than ten minutes. */
const MAX_JWT_LIFETIME_S = 600;
/** Leeway for an `iat` slightly ahead of the fake's clock (GitHub tolerates small skew). */
const CLOCK_LEEWAY_S = 60;

export type AuthResult<T> = { ok: true; value: T } | { ok: false; message: string };

/** Reads the credential from `Authorization: Bearer x` / `token x`; undefined when absent. */
export function credentialOf(header: string | undefined): { scheme: string; value: string } | undefined {
  const match = /^(bearer|token)\s+(\S+)$/i.exec(header?.trim() ?? '');
  return match ? { scheme: (match[1] ?? '').toLowerCase(), value: match[2] ?? '' } : undefined;
}

export function appPublicKey(options: { publicKey?: string; privateKey?: string }): KeyObject {
  const pem = options.publicKey ?? options.privateKey;
  if (!pem) throw new Error('createFakeGitHub needs the app publicKey or privateKey');
  return createPublicKey(pem);
}

/** Verifies an app JWT: RS256 by the app's key, `iss` = app id, sane `iat`/`exp`, ≤ 10 minutes. */
export async function verifyAppJwt(
  header: string | undefined,
  appId: number,
  publicKey: KeyObject,
  nowS: number,
): Promise<AuthResult<{ iss: string }>> {
  const credential = credentialOf(header);
  if (!credential || credential.scheme !== 'bearer') {
    return { ok: false, message: 'A JSON web token could not be decoded' };
  }
  let payload: Record<string, unknown>;
  try {
    // Claims are checked by hand below so each failure gets GitHub's message.
    ({ payload } = await jwtVerify(credential.value, publicKey, {
      algorithms: ['RS256'],
      currentDate: new Date(0),
    }));
  } catch {
    return { ok: false, message: 'A JSON web token could not be decoded' };
  }
  const { iat, exp, iss } = payload;
  if (typeof iat !== 'number' || !Number.isInteger(iat) || iat > nowS + CLOCK_LEEWAY_S) {
    return {
      ok: false,
      message:
        "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
    };
  }
  if (typeof exp !== 'number' || exp <= nowS) {
    return {
      ok: false,
      message:
        "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
    };
  }
  if (exp - iat > MAX_JWT_LIFETIME_S) {
    return { ok: false, message: "'Expiration time' claim ('exp') is too far in the future" };
  }
  // @octokit/auth-app sends the numeric app id (GitHub also accepts the client id; the fake does not).
  if (String(iss) !== String(appId)) {
    return { ok: false, message: `Integration not found for iss ${String(iss)}` };
  }
  return { ok: true, value: { iss: String(iss) } };
}

export interface FakeInstallationToken {
  token: string;
  installationId: number;
  /** `owner/repo` (lower case) the token may act on. */
  repos: Set<string>;
  expiresAtMs: number;
}

export interface TokenStore {
  issue(installationId: number, repos: Iterable<string>, ttlMs: number, nowMs: number): FakeInstallationToken;
  /** The live token `header` carries, or why it does not. */
  check(header: string | undefined, nowMs: number): AuthResult<FakeInstallationToken>;
  /** How many tokens were minted so far. */
  readonly issued: number;
}

export function createTokenStore(): TokenStore {
  const tokens = new Map<string, FakeInstallationToken>();
  return {
    issue(installationId, repos, ttlMs, nowMs) {
      // `ghs_` + 36 characters, the shape of GitHub's installation tokens.
      const token = `ghs_${randomBytes(27).toString('base64url').slice(0, 36)}`;
      const entry = {
        token,
        installationId,
        repos: new Set([...repos].map((r) => r.toLowerCase())),
        expiresAtMs: nowMs + ttlMs,
      };
      tokens.set(token, entry);
      return entry;
    },
    check(header, nowMs) {
      const credential = credentialOf(header);
      if (!credential) return { ok: false, message: 'Requires authentication' };
      const entry = tokens.get(credential.value);
      if (!entry || entry.expiresAtMs <= nowMs) return { ok: false, message: 'Bad credentials' };
      return { ok: true, value: entry };
    },
    get issued() {
      return tokens.size;
    },
  };
}
