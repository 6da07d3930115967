import { describe, expect, it } from 'vitest';
import { createRunTokenSigner } from '../../src/orchestrator/run-tokens.ts';

describe('run tokens', () => {
  const now = new Date('2026-11-21T12:00:00Z');
  const signer = createRunTokenSigner('s3cret-s3cret-s3cret', () => now);

  it('binds a token to its dispatch and audience', async () => {
    const tokens = await signer.mint('d1', new Date(now.getTime() + 60_000));
    await expect(signer.verify(tokens.resultToken, 'runner-result')).resolves.toEqual({
      dispatchId: 'd1',
      audience: 'runner-result',
    });
    await expect(signer.verify(tokens.progressToken, 'runner-result')).rejects.toThrow(/not valid here/);
    await expect(signer.verify(tokens.resultToken, 'runner-progress')).rejects.toThrow(/not valid here/);
  });

  it('refuses forged and expired tokens', async () => {
    const other = createRunTokenSigner('another-secret-value', () => now);
    const forged = await other.mint('d1', new Date(now.getTime() + 60_000));
    await expect(signer.verify(forged.resultToken, 'runner-result')).rejects.toThrow(/signature/);
    await expect(signer.verify('not-a-jwt', 'runner-result')).rejects.toThrow(/malformed/);
    const tokens = await signer.mint('d1', new Date(now.getTime() + 60_000));
    const later = createRunTokenSigner('s3cret-s3cret-s3cret', () => new Date(now.getTime() + 120_000));
    await expect(later.verify(tokens.resultToken, 'runner-result')).rejects.toThrow(/expired/);
  });
});
