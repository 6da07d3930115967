import { generateKeyPairSync } from 'node:crypto';

/** A GitHub App key pair for tests: the private key in the PKCS#1 PEM form GitHub hands out. */
export interface TestAppKeyPair {
  /** `-----BEGIN RSA PRIVATE KEY-----` … (PKCS#1), as downloaded from the app's settings page. */
  privateKey: string;
  /** `-----BEGIN PUBLIC KEY-----` … (SPKI), what the fake verifies app JWTs with. */
  publicKey: string;
}

/**
 * Generates a fresh RSA key pair shaped like a GitHub App private key. 2048 bits is what GitHub
 * issues; generation takes ~50–200 ms, so share one pair per test file.
 */
export function generateTestAppKeyPair(): TestAppKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return { privateKey, publicKey };
}
