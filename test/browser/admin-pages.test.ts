import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MappingInputSchema } from '../../src/domain/mapping.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { NAV } from '../../src/http/admin/layout.ts';
import { runTick } from '../../src/orchestrator/tick.ts';
import { upsertBlocker } from '../../src/store/blockers.ts';
import { recordInDedupWindow } from '../../src/store/dedup-window.ts';
import { upsertMapping } from '../../src/store/mappings.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';

/**
 * The admin UI over HTTP, without a browser: sign-in, the session cookie and its CSRF token,
 * expiry, escaping, security headers and every panel. The browser flows are in
 * operator-flow.test.ts and admin-session.test.ts.
 */

const CODE = 'admin-pages-code';
let h: Harness;
let app: ReturnType<typeof createHttpApp>;

beforeEach(async () => {
  h = await createHarness();
  h.linear.addTeam({ key: 'ENG' });
  app = createHttpApp({ orchestrator: h.ctx, adminAccessCode: CODE, statusChecks: async () => [] });
});
afterEach(() => h.close());

function form(fields: Record<string, string>) {
  return { method: 'POST', body: new URLSearchParams(fields) };
}

/** Signs in through the form; returns the Cookie header and the page's CSRF token. */
async function signIn(): Promise<{ cookie: string; csrf: string }> {
  const response = await app.request('/admin/sign-in', form({ code: CODE, next: '/admin/overview' }));
  expect(response.status).toBe(303);
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  const page = await (await app.request('/admin/overview', { headers: { cookie } })).text();
  const csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(page)![1]!;
  return { cookie, csrf };
}

describe('signing in and out', () => {
  it('redirects to the sign-in page, refuses a wrong code and sets a strict HttpOnly cookie', async () => {
    expect((await app.request('/admin')).headers.get('location')).toBe('/admin/sign-in?next=%2Fadmin');
    const bare = await app.request('/admin/issues?team=ENG');
    expect(bare.status).toBe(303);
    expect(bare.headers.get('location')).toBe('/admin/sign-in?next=%2Fadmin%2Fissues%3Fteam%3DENG');

    const wrong = await app.request('/admin/sign-in', form({ code: 'nope', next: '/admin/issues' }));
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Wrong access code.');
    expect(wrong.headers.get('set-cookie')).toBeNull();
    // The form shares the API's throttle: right after a wrong code even the right one waits.
    const throttled = await app.request('/admin/sign-in', form({ code: CODE }));
    expect(throttled.status).toBe(429);
    expect(await throttled.text()).toMatch(/wait 1 s/);
    h.advance(1_000);

    const right = await app.request('/admin/sign-in', form({ code: CODE, next: '/admin/issues?team=ENG' }));
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toBe('/admin/issues?team=ENG');
    const cookie = right.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^ai_implement_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Secure');
  });

  it('marks the cookie Secure over https, directly or behind a TLS-terminating proxy', async () => {
    const direct = await app.request('https://admin.example/admin/sign-in', form({ code: CODE }));
    expect(direct.headers.get('set-cookie')).toContain('Secure');
    const proxied = await app.request('/admin/sign-in', {
      ...form({ code: CODE }),
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(proxied.headers.get('set-cookie')).toContain('Secure');
  });

  it('never redirects outside /admin after signing in', async () => {
    for (const [next, expected] of [
      ['//evil.example/admin', '/admin/overview'],
      ['https://evil.example/admin', '/admin/overview'],
      ['/admin/../api/mappings', '/admin/overview'],
      ['/admin\\@evil.example', '/admin/overview'],
      ['/admin/sign-out', '/admin/overview'],
      ['/admin/jobs?x=1', '/admin/jobs?x=1'],
    ]) {
      h.advance(60_000);
      const response = await app.request('/admin/sign-in', form({ code: CODE, next: next! }));
      expect(response.headers.get('location'), next).toBe(expected);
    }
  });

  it('sends an expired session back to sign-in with a message', async () => {
    const { cookie } = await signIn();
    h.advance(24 * 3_600_000 + 1);
    const response = await app.request('/admin/jobs', { headers: { cookie } });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin/sign-in?next=%2Fadmin%2Fjobs&expired=1');
    expect(response.headers.get('set-cookie')).toMatch(/ai_implement_session=;.*Max-Age=0/);
    const page = await (await app.request(response.headers.get('location')!)).text();
    expect(page).toContain('Your session has expired or was ended. Sign in again to continue.');
  });

  it('signs out on the server, and only with the page’s CSRF token', async () => {
    const { cookie, csrf } = await signIn();
    const forged = await app.request('/admin/sign-out', { ...form({}), headers: { cookie } });
    expect(forged.status).toBe(403);
    expect((await app.request('/api/mappings', { headers: { cookie } })).status).toBe(200);
    const out = await app.request('/admin/sign-out', { ...form({ csrf }), headers: { cookie } });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/admin/sign-in?signed-out=1');
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect((await app.request('/api/mappings', { headers: { cookie } })).status).toBe(401);
  });
});

describe('the session cookie on the JSON API', () => {
  it('reads with the cookie, but changes state only with the session’s CSRF token', async () => {
    await h.addMapping({ teamKey: 'ENG' });
    const { cookie, csrf } = await signIn();
    const patch = (headers: Record<string, string>) =>
      app.request('/api/mappings/ENG', {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ paused: true }),
      });
    expect((await app.request('/api/mappings', { headers: { cookie } })).status).toBe(200);
    const missing = await patch({ cookie });
    expect(missing.status).toBe(403);
    expect(((await missing.json()) as { message: string }).message).toMatch(/x-csrf-token/);
    expect((await patch({ cookie, 'x-csrf-token': 'A'.repeat(43) })).status).toBe(403);
    // Another session's token does not fit this one.
    h.advance(1_000);
    const other = await signIn();
    expect((await patch({ cookie, 'x-csrf-token': other.csrf })).status).toBe(403);
    const listed = await app.request('/api/mappings', { headers: { cookie } });
    expect(((await listed.json()) as { mappings: { paused: boolean }[] }).mappings[0]!.paused).toBe(false);

    expect((await patch({ cookie, 'x-csrf-token': csrf })).status).toBe(200);
    // Scripts with a bearer token are not affected.
    const auth = await app.request('/api/auth', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: CODE }),
    });
    const { token } = (await auth.json()) as { token: string };
    expect((await patch({ authorization: `Bearer ${token}` })).status).toBe(200);
    // An explicit but wrong bearer is not rescued by a valid cookie.
    expect((await patch({ cookie, 'x-csrf-token': csrf, authorization: 'Bearer forged' })).status).toBe(401);
  });

  it('checks a stepper draft with the same rules as POST /api/mappings, saving nothing', async () => {
    const { cookie, csrf } = await signIn();
    const validate = (body: unknown) =>
      app.request('/api/mappings/validate', {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const bad = await validate({ teamKey: 'ENG', owner: 'acme', repo: 'a b', maxTurns: 0 });
    expect(bad.status).toBe(400);
    const fields = ((await bad.json()) as { fields: { field: string }[] }).fields.map((f) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['repo', 'defaultBranch', 'maxTurns']));
    const good = await validate({ teamKey: 'ENG', owner: 'acme', repo: 'api', defaultBranch: 'main' });
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({
      valid: true,
      exists: false,
      mapping: { teamKey: 'ENG', workflowFile: 'claude-implement.yml', maxInProgressAiIssues: 3 },
    });
    const listed = await app.request('/api/mappings', { headers: { cookie } });
    expect(((await listed.json()) as { mappings: unknown[] }).mappings).toEqual([]);
    await h.addMapping({ teamKey: 'ENG' });
    const again = await validate({ teamKey: 'ENG', owner: 'acme', repo: 'api', defaultBranch: 'main' });
    expect(((await again.json()) as { exists: boolean }).exists).toBe(true);
  });
});

describe('panels', () => {
  it('renders every sidebar panel with its heading, marks it current, and 404s the rest', async () => {
    await h.addMapping({ teamKey: 'ENG' });
    const { cookie } = await signIn();
    for (const item of NAV.flatMap((group) => group.items)) {
      const response = await app.request(`/admin/${item.path}`, { headers: { cookie } });
      expect(response.status, item.path).toBe(200);
      const page = await response.text();
      expect(page).toContain(`<h1>${item.label.replace('&', '&amp;')}</h1>`);
      expect(page).toMatch(new RegExp(`href="/admin/${item.path}"\\s+aria-current="page"`));
    }
    for (const path of ['/admin/projects/new', '/admin/projects/ENG/edit']) {
      expect((await app.request(path, { headers: { cookie } })).status, path).toBe(200);
    }
    for (const path of ['/admin/nope', '/admin/jobs/no-such-job', '/admin/projects/NOPE/edit']) {
      expect((await app.request(path, { headers: { cookie } })).status, path).toBe(404);
    }
  });

  it('shows a GitHub Issues mapping on Projects and in the stepper when editing it', async () => {
    await h.addMapping({
      teamKey: 'API',
      ticketingProvider: 'github',
      ticketingConfig: { kind: 'github', repository: 'acme/planning' },
    });
    const { cookie } = await signIn();
    const projects = await (await app.request('/admin/projects', { headers: { cookie } })).text();
    expect(projects).toContain('issues of acme/planning');
    const edit = await (await app.request('/admin/projects/API/edit', { headers: { cookie } })).text();
    expect(edit).toMatch(/value="github"[^>]*checked/);
    expect(edit).toMatch(
      /data-field="ticketingConfig.repository"[^>]*value="acme\/planning"|value="acme\/planning"[^>]*data-field="ticketingConfig.repository"/,
    );
  });

  it('renders ticket text as text, links only http(s) URLs, and runs no inline script', async () => {
    await h.addMapping({ teamKey: 'ENG', maxInProgressAiIssues: 1 });
    const hostile = '<img src=x onerror=alert(1)><script>alert("xss")</script>';
    h.linear.addIssue({ team: 'ENG', title: hostile, labels: ['AI-Implement'], priority: 1 });
    await runTick(h.ctx);
    await upsertBlocker(h.store.db, {
      issue_id: 'evil',
      issue_identifier: 'ENG-666"><script>alert(2)</script>',
      issue_title: hostile,
      issue_url: 'javascript:alert(document.cookie)',
      team_key: 'ENG',
      bucket: 'linear:ENG',
      reason: 'capacity',
      detail: '<b>held</b>',
      recorded_at: h.ctx.clock().toISOString(),
    });
    const { cookie } = await signIn();
    for (const path of ['overview', 'issues', 'jobs', 'blockers', 'audit-log']) {
      const response = await app.request(`/admin/${path}`, { headers: { cookie } });
      const page = await response.text();
      expect(page, path).not.toContain('<script>alert');
      expect(page, path).not.toContain('<img src=x');
      expect(page, path).not.toContain('javascript:');
      expect(page, path).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(page, path).not.toMatch(/\sstyle=/);
      expect(page, path).toContain('&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;');
      expect(response.headers.get('content-security-policy'), path).toContain("script-src 'self'");
      expect(response.headers.get('cache-control'), path).toBe('no-store');
    }
    const blockers = await (await app.request('/admin/blockers', { headers: { cookie } })).text();
    expect(blockers).toContain('ENG-666&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(blockers).toContain('&lt;b&gt;held&lt;/b&gt;');
  });

  it('flags a Bedrock mapping without a region as missing on Models & providers', async () => {
    const base = MappingInputSchema.parse({
      teamKey: 'OLD',
      owner: 'acme',
      repo: 'legacy',
      defaultBranch: 'main',
    });
    // Stored before the region rule existed: the schema would refuse it today.
    await upsertMapping(h.store.db, { ...base, provider: 'bedrock' }, h.ctx.clock());
    await h.addMapping({ teamKey: 'AWS', provider: 'bedrock', awsRegion: 'eu-west-1' });
    const { cookie } = await signIn();
    const page = await (await app.request('/admin/models', { headers: { cookie } })).text();
    expect(page).toMatch(/<span class="kpi-value"\s*>2<\/span\s*><span class="kpi-label">Bedrock<\/span>/);
    expect(page).toContain('<span class="badge badge-bad">missing</span>');
    expect(page).toContain('eu-west-1');
  });

  it('pages long panels 100 rows at a time through keyset cursors', async () => {
    for (let i = 0; i < 150; i += 1) {
      await recordInDedupWindow(h.store.db, {
        issue_id: `issue-${i}`,
        issue_identifier: `ENG-${i}`,
        issue_title: `Issue ${i}`,
        team_key: 'ENG',
        dispatched_at: new Date(h.ctx.clock().getTime() - i * 60_000).toISOString(),
      });
    }
    const { cookie } = await signIn();
    const rows = async (query: string) => {
      const page = await (await app.request(`/admin/audit-log${query}`, { headers: { cookie } })).text();
      return { count: page.match(/data-api-method="DELETE"/g)?.length ?? 0, page };
    };
    const first = await rows('');
    expect(first.count).toBe(100);
    const next = /href="(\/admin\/audit-log\?cursor=[^"]+)" rel="next"/.exec(first.page)?.[1];
    expect(next).toBeDefined();
    const second = await rows(next!.slice('/admin/audit-log'.length).replace(/&amp;/g, '&'));
    expect(second.count).toBe(50);
    expect(second.page).toContain('href="/admin/audit-log" rel="first"');
    expect(second.page).not.toContain('rel="next"');
    // A cursor that does not parse shows the first page rather than an error page.
    expect((await rows('?cursor=abc')).count).toBe(100);
  });

  it('pages Projects 100 at a time by team key, each project once', async () => {
    const keys = Array.from({ length: 150 }, (_, i) => `T${String(i).padStart(3, '0')}`);
    for (const teamKey of [...keys].reverse()) {
      const mapping = MappingInputSchema.parse({
        teamKey,
        owner: 'acme',
        repo: 'api',
        defaultBranch: 'main',
      });
      await upsertMapping(h.store.db, mapping, h.ctx.clock());
    }
    const { cookie } = await signIn();
    const shown = async (path: string) => {
      const page = await (await app.request(path, { headers: { cookie } })).text();
      return { keys: [...page.matchAll(/data-team-key="([^"]+)"/g)].map((match) => match[1]), page };
    };
    const first = await shown('/admin/projects');
    expect(first.keys).toEqual(keys.slice(0, 100));
    const next = /href="(\/admin\/projects\?cursor=[^"]+)" rel="next"/.exec(first.page)?.[1];
    const second = await shown(next!.replace(/&amp;/g, '&'));
    expect(second.keys).toEqual(keys.slice(100));
    expect(second.page).toContain('href="/admin/projects" rel="first"');
    expect(second.page).not.toContain('rel="next"');
  });

  it('serves its assets with a content hash, and is absent without ADMIN_ACCESS_CODE', async () => {
    const page = await (await app.request('/admin/sign-in')).text();
    const href = /href="(\/admin\/assets\/admin\.css\?v=[0-9a-f]{12})"/.exec(page)![1]!;
    const css = await app.request(href);
    expect(css.headers.get('content-type')).toContain('text/css');
    expect(css.headers.get('cache-control')).toContain('immutable');
    expect((await app.request('/admin/assets/nope.js')).status).toBe(404);

    const disabled = createHttpApp({
      orchestrator: h.ctx,
      adminAccessCode: undefined,
      statusChecks: async () => [],
    });
    for (const path of ['/admin', '/admin/sign-in', '/admin/overview', href, '/api/overview']) {
      expect((await disabled.request(path)).status, path).toBe(404);
    }
  });
});
