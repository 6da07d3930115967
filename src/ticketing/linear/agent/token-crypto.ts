import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Encrypts the Linear app's OAuth tokens at rest: AES-256-GCM with a key derived (HKDF-SHA256)
 * from LINEAR_OAUTH_CLIENT_SECRET — a secret the environment already holds, so no new variable
 * is needed, and a database copy without the environment reveals nothing. Rotating the client
 * secret makes stored tokens unreadable: the app is then installed again (docs/tracker-webhooks.md).
 * Format: `v1.<iv>.<tag>.<ciphertext>`, each base64url.
 */
export interface TokenCipher {
  encrypt(plain: string): string;
  /** Throws when the value was not made with this key or was altered. */
  decrypt(sealed: string): string;
}

export function createTokenCipher(clientSecret: string): TokenCipher {
  const key = Buffer.from(hkdfSync('sha256', clientSecret, 'ai-implement', 'linear-app-token v1', 32));
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv, cipher.getAuthTag(), data]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join('.');
    },
    decrypt(sealed) {
      const [version, iv, tag, data] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('not a sealed token');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    },
  };
}
