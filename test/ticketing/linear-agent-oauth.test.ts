import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppTokens } from '../../src/orchestrator/linear-agent/app-token.ts';
import { latestAppToken } from '../../src/store/linear-agent.ts';
import { createLinearOAuth, type LinearOAuth } from '../../src/ticketing/linear/agent/linear-oauth.ts';
import { createTokenCipher } from '../../src/ticketing/linear/agent/token-crypto.ts';
import { startFakeLinear, type FakeLinear } from '../fakes/linear/fake-linear-server.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';

const REDIRECT = 'https://orchestrator.test/api/linear/oauth/callback';
let linear: FakeLinear;
let h: Harness;
let oauth: LinearOAuth;

beforeEach(async () => {
  linear = await startFakeLinear();
  h = await createHarness();
  oauth = createLinearOAuth({
    clientId: linear.agent.app.clientId,
    clientSecret: linear.agent.app.clientSecret,
    apiUrl: linear.url,
    redirectUri: REDIRECT,
  });
});
afterEach(async () => {
  await linear.close();
  await h.close();
});

describe('token cipher', () => {
  it('round-trips, and refuses an altered value or another key', () => {
    const cipher = createTokenCipher('client-secret-one');
    const sealed = cipher.encrypt('lin_oauth_abc');
    expect(sealed).not.toContain('lin_oauth_abc');
    expect(cipher.decrypt(sealed)).toBe('lin_oauth_abc');
    const [v, iv, tag, data] = sealed.split('.');
    // Another character in place of the second-to-last (the one replaced, not the last, decides).
    const flipped = `${v}.${iv}.${tag}.${data!.slice(0, -2)}${data!.at(-2) === 'A' ? 'B' : 'A'}${data!.slice(-1)}`;
    expect(flipped).not.toBe(sealed);
    expect(() => cipher.decrypt(flipped)).toThrow();
    expect(() => createTokenCipher('client-secret-two').decrypt(sealed)).toThrow();
  });
});

describe('Linear OAuth for the agent app', () => {
  it('signs the install state and accepts it for 10 minutes only', () => {
    const now = new Date('2026-12-06T00:00:00Z');
    const state = new URL(oauth.authorizeUrl(now)).searchParams.get('state')!;
    expect(oauth.checkState(state, new Date(now.getTime() + 9 * 60_000))).toBe(true);
    expect(oauth.checkState(state, new Date(now.getTime() + 11 * 60_000))).toBe(false);
    expect(oauth.checkState(`${state}x`, now)).toBe(false);
  });

  it('stores the token encrypted and refreshes it once, shortly before it expires', async () => {
    linear.agent.tokenLifetimeSeconds = 240; // inside the 5-minute refresh margin at once
    const tokens = createAppTokens({
      db: h.ctx.db,
      oauth,
      cipher: createTokenCipher(linear.agent.app.clientSecret),
      clock: () => new Date(),
    });
    const granted = await oauth.exchangeCode(linear.agent.authorize(REDIRECT), new Date());
    await tokens.save(granted, { organizationId: 'org-1', appUserId: 'app-user' });
    const row = await latestAppToken(h.ctx.db);
    expect(JSON.stringify(row)).not.toContain(granted.accessToken);
    expect(JSON.stringify(row)).not.toContain(granted.refreshToken);

    const [a, b] = await Promise.all([tokens.accessToken(), tokens.accessToken()]);
    expect(a).toBe(b);
    expect(a).not.toBe(granted.accessToken);
    expect(linear.agent.isAppToken(a)).toBe(true);
    expect(linear.agent.tokensIssued).toBe(2);
    // The old refresh token was rotated away: using it again is refused.
    await expect(oauth.refresh(granted.refreshToken!, new Date())).rejects.toThrow(/invalid_grant/);
  });

  it('refuses a code issued for another redirect URI', async () => {
    const code = linear.agent.authorize('https://elsewhere.test/callback');
    await expect(oauth.exchangeCode(code, new Date())).rejects.toMatchObject({ category: 'auth' });
  });
});
