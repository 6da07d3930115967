import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

/**
 * Signed run tokens for runner callbacks (CONTRACTS.md §4): HS256 JWTs (RFC 7519) keyed by
 * RUNNER_TOKEN_SECRET, bound to one dispatch (`sub`) and one audience, with an expiry.
 * The result token's single use is enforced by the database (the first result is locked in),
 * not by the token itself, so it survives an orchestrator restart.
 */
export type RunTokenAudience = 'runner-result' | 'runner-progress';

export interface RunTokens {
  resultToken: string;
  progressToken: string;
}

export interface RunTokenClaims {
  dispatchId: string;
  audience: RunTokenAudience;
}

const ISSUER = 'ai-implement';

/** Why a token was refused; every reason maps to HTTP 401. */
export class RunTokenError extends Error {
  override name = 'RunTokenError';
}

export interface RunTokenSigner {
  /** Mints both tokens for a dispatch, valid until `expiresAt`. */
  mint(dispatchId: string, expiresAt: Date): Promise<RunTokens>;
  /** Verifies signature, issuer, audience and expiry; throws RunTokenError otherwise. */
  verify(token: string, audience: RunTokenAudience): Promise<RunTokenClaims>;
}

/** A signer for `secret` (RUNNER_TOKEN_SECRET); `clock` is injectable for expiry tests. */
export function createRunTokenSigner(secret: string, clock: () => Date = () => new Date()): RunTokenSigner {
  const key = new TextEncoder().encode(secret);
  const sign = (dispatchId: string, audience: RunTokenAudience, expiresAt: Date) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setSubject(dispatchId)
      .setAudience(audience)
      .setIssuedAt(Math.floor(clock().getTime() / 1000))
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(key);

  return {
    async mint(dispatchId, expiresAt) {
      const [resultToken, progressToken] = await Promise.all([
        sign(dispatchId, 'runner-result', expiresAt),
        sign(dispatchId, 'runner-progress', expiresAt),
      ]);
      return { resultToken, progressToken };
    },
    async verify(token, audience) {
      try {
        const { payload } = await jwtVerify(token, key, {
          issuer: ISSUER,
          audience,
          algorithms: ['HS256'],
          currentDate: clock(),
        });
        if (typeof payload.sub !== 'string' || payload.sub === '')
          throw new RunTokenError('token names no dispatch');
        return { dispatchId: payload.sub, audience };
      } catch (error) {
        if (error instanceof RunTokenError) throw error;
        if (error instanceof joseErrors.JWTExpired) throw new RunTokenError('token expired');
        if (error instanceof joseErrors.JWTClaimValidationFailed) {
          throw new RunTokenError(`token not valid here (${error.claim})`);
        }
        throw new RunTokenError('token is malformed or its signature does not match');
      }
    },
  };
}
