import { generateKeyPairSync } from 'node:crypto';

/** A real GitHub-style key (PKCS#1 PEM, "BEGIN RSA PRIVATE KEY"), generated once per test file. */
export const PRIVATE_KEY_PEM = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
}).privateKey;

/** The PEM as operators set it in `fly secrets set` or .env: one line, newlines as the two characters \n. */
export const PRIVATE_KEY_ONE_LINE = PRIVATE_KEY_PEM.trimEnd().replace(/\n/g, '\\n');

/** The smallest environment that starts: GitHub App plus Linear. */
export function minimalEnv(
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    GITHUB_APP_ID: '123456',
    GITHUB_APP_PRIVATE_KEY: PRIVATE_KEY_ONE_LINE,
    LINEAR_API_KEY: 'lin_api_fixture',
    ...overrides,
  };
}
