import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import {
  deleteAdminSession,
  deleteExpiredAdminSessions,
  insertAdminSession,
  isAdminSessionValid,
} from '../../store/admin-sessions.ts';

/** Admin bearer tokens live 24 hours (seed 002, Admin API reference). */
export const ADMIN_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * The access-code check and its session store (CONTRACTS.md §5). Codes are compared in
 * constant time over their SHA-256 digests (equal length whatever was sent); tokens are random
 * 256-bit strings of which only the hash is stored, so a copy of the database grants nothing.
 */
export interface AdminAuth {
  /** A new token when `code` matches; undefined otherwise. */
  signIn(code: string): Promise<{ token: string; expiresAt: Date } | undefined>;
  isValid(token: string): Promise<boolean>;
  signOut(token: string): Promise<void>;
}

export function createAdminAuth(db: Kysely<Database>, accessCode: string, clock: () => Date): AdminAuth {
  const expected = sha256(accessCode);
  return {
    async signIn(code) {
      if (!timingSafeEqual(sha256(code), expected)) return undefined;
      const now = clock();
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(now.getTime() + ADMIN_TOKEN_TTL_MS);
      await deleteExpiredAdminSessions(db, now);
      await insertAdminSession(db, sha256(token).toString('hex'), now, expiresAt);
      return { token, expiresAt };
    },
    isValid: (token) => isAdminSessionValid(db, sha256(token).toString('hex'), clock()),
    signOut: (token) => deleteAdminSession(db, sha256(token).toString('hex')),
  };
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
