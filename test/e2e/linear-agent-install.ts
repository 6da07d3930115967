import { expect } from 'vitest';
import type { E2eWorld } from './e2e-world.ts';

/**
 * Installs the fake Linear's OAuth app through the product's routes, as an admin does
 * (`/api/linear/oauth/install` → Linear's consent → `/api/linear/oauth/callback`).
 */
export async function installLinearAgent(w: E2eWorld): Promise<void> {
  const get = (route: string) =>
    fetch(w.orchestrator.url + route, {
      headers: { authorization: `Bearer ${w.adminToken}` },
      redirect: 'manual',
    });
  const consent = new URL((await get('/api/linear/oauth/install')).headers.get('location')!);
  const code = w.linear.agent.authorize(consent.searchParams.get('redirect_uri')!);
  const state = encodeURIComponent(consent.searchParams.get('state')!);
  const callback = await get(`/api/linear/oauth/callback?code=${code}&state=${state}`);
  expect(callback.status).toBe(200);
}
