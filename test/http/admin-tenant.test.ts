import { afterEach, beforeEach, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';

/** With CLIENT_SLUG, every admin page says whose orchestrator it is (issue 15). */
const CODE = 'admin-tenant-code';
let h: Harness;

beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

async function page(tenant: string | undefined, path: string): Promise<{ status: number; text: string }> {
  const ctx = tenant ? { ...h.ctx, tenant } : h.ctx;
  const app = createHttpApp({ orchestrator: ctx, adminAccessCode: CODE, statusChecks: async () => [] });
  const auth = await app.request('/admin/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ code: CODE }).toString(),
  });
  const cookie = auth.headers.get('set-cookie')?.split(';')[0] ?? '';
  const response = await app.request(path, { headers: { cookie } });
  return { status: response.status, text: await response.text() };
}

it('shows the client under the brand and in the window title on every page', async () => {
  for (const path of ['/admin/overview', '/admin/projects/new', '/admin/no-such-panel']) {
    const { text } = await page('acme', path);
    expect(text, path).toContain('<p class="tenant" title="CLIENT_SLUG">Client <strong>acme</strong></p>');
    expect(text, path).toMatch(/<title>[^<]+ · acme · AI-Implement<\/title>/);
  }
});

it('escapes the slug, and shows nothing without CLIENT_SLUG', async () => {
  expect((await page('<b>x</b>', '/admin/overview')).text).toContain('<strong>&lt;b&gt;x&lt;/b&gt;</strong>');
  const { status, text } = await page(undefined, '/admin/overview');
  expect(status).toBe(200);
  expect(text).not.toContain('class="tenant"');
  expect(text).toContain('<title>Overview · AI-Implement</title>');
});
