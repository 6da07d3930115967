import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.ts';
import { buildPayload } from '../../src/orchestrator/payload.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';
import { getMapping } from '../../src/store/mappings.ts';
import { expectDocumentedAnswer } from '../support/openapi-responses.ts';

/** GET /api/pipelines-steps, GET /api/customizations (CONTRACTS.md §10) and the mapping field `pipelines`. */

const CODE = 'pipelines-api-code';
let h: Harness;
let customDir: string;
let app: ReturnType<typeof createHttpApp>;

beforeEach(async () => {
  h = await createHarness();
  h.linear.addTeam({ key: 'ENG' });
  customDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-implement-custom-'));
  const files: Record<string, string> = {
    'README.md': '# ours\n',
    'steps/.gitkeep': '',
    'steps/verify.ts': 'export default { run: async () => ({ output: { ours: true } }) };\n',
    'steps/write-changelog.ts': 'export default { run: async () => {} };\n',
    'pipelines/implementation-with-changelog.yml':
      'result: pull-request\nsteps:\n  - step: checkout\n  - step: write-changelog\n    name: Add a CHANGELOG line\n  - step: commit-push\nalways:\n  - step: update-ticket\n',
    'pipelines/planning.yml': 'result: summary\nsteps:\n  - step: checkout\n  - step: plan\n',
    'providers/vertex.ts': "export default { environment: () => ({ auth: { kind: 'vertex' }, env: {} }) };\n",
    'notes/runbook.md': 'ours\n',
  };
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(customDir, name)), { recursive: true });
    fs.writeFileSync(path.join(customDir, name), text);
  }
  app = createHttpApp({
    orchestrator: h.ctx,
    adminAccessCode: CODE,
    statusChecks: async () => [],
    customDir,
  });
});
afterEach(async () => {
  await h.close();
  fs.rmSync(customDir, { recursive: true, force: true });
});

async function get(pathname: string, token?: string): Promise<Response> {
  return app.request(pathname, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

async function signIn(): Promise<string> {
  const response = await app.request('/api/auth', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: CODE }),
  });
  return ((await response.json()) as { token: string }).token;
}

describe('GET /api/pipelines-steps', () => {
  it('needs admin auth', async () => {
    expect((await get('/api/pipelines-steps')).status).toBe(401);
    expect((await get('/api/customizations')).status).toBe(401);
  });

  it('lists every pipeline with its source and steps, and every step module with its status', async () => {
    const body = (await (await get('/api/pipelines-steps', await signIn())).json()) as {
      pipelines: { name: string; source: string; path: string; steps: { id: string; name: string }[] }[];
      steps: { id: string; builtInPath: string | null; customPath: string | null; status: string }[];
    };
    expect(body.pipelines.map(({ name, source, path }) => ({ name, source, path }))).toEqual([
      { name: 'ci-fix', source: 'built-in', path: 'src/pipeline/ci-fix.yml' },
      { name: 'gap-fill', source: 'built-in', path: 'src/pipeline/gap-fill.yml' },
      { name: 'implementation', source: 'built-in', path: 'src/pipeline/implementation.yml' },
      { name: 'planning', source: 'override', path: 'custom/pipelines/planning.yml' },
      { name: 'review-fix', source: 'built-in', path: 'src/pipeline/review-fix.yml' },
      // Built-ins (and their overrides) first, then the additions.
      {
        name: 'implementation-with-changelog',
        source: 'additive',
        path: 'custom/pipelines/implementation-with-changelog.yml',
      },
    ]);
    expect(body.pipelines.find((p) => p.name === 'implementation-with-changelog')!.steps).toEqual([
      { id: 'checkout', name: 'checkout' },
      { id: 'write-changelog', name: 'Add a CHANGELOG line' },
      { id: 'commit-push', name: 'commit-push' },
      { id: 'update-ticket', name: 'update-ticket' },
    ]);
    expect(body.pipelines.find((p) => p.name === 'implementation')!.steps.map((s) => s.id)).toEqual([
      'checkout',
      'load-workflow',
      'context',
      'setup-hook',
      'implement',
      'verify',
      'review',
      'commit-push',
      'open-pr',
      'gap-analysis',
      'teardown',
      'update-ticket',
    ]);
    expectDocumentedAnswer('GET', '/api/pipelines-steps', 200, body);
    expect(body.steps.find((s) => s.id === 'checkout')).toEqual({
      id: 'checkout',
      builtInPath: 'src/runner/steps/checkout.ts',
      customPath: null,
      status: 'built-in',
    });
    expect(body.steps.find((s) => s.id === 'verify')).toEqual({
      id: 'verify',
      builtInPath: 'src/runner/steps/verify.ts',
      customPath: 'custom/steps/verify.ts',
      status: 'override',
    });
    expect(body.steps.find((s) => s.id === 'write-changelog')).toEqual({
      id: 'write-changelog',
      builtInPath: null,
      customPath: 'custom/steps/write-changelog.ts',
      status: 'additive',
    });
  });
});

describe('GET /api/customizations', () => {
  it('lists every file under custom/ with its category, status and what it shadows', async () => {
    const body = (await (await get('/api/customizations', await signIn())).json()) as { files: unknown[] };
    expectDocumentedAnswer('GET', '/api/customizations', 200, body);
    expect(body.files).toEqual([
      { path: 'custom/notes/runbook.md', category: 'other', status: 'other', shadows: null },
      {
        path: 'custom/pipelines/implementation-with-changelog.yml',
        category: 'pipeline',
        status: 'additive',
        shadows: null,
      },
      {
        path: 'custom/pipelines/planning.yml',
        category: 'pipeline',
        status: 'override',
        shadows: 'src/pipeline/planning.yml',
      },
      { path: 'custom/providers/vertex.ts', category: 'provider', status: 'additive', shadows: null },
      { path: 'custom/README.md', category: 'other', status: 'other', shadows: null },
      { path: 'custom/steps/.gitkeep', category: 'other', status: 'other', shadows: null },
      {
        path: 'custom/steps/verify.ts',
        category: 'step',
        status: 'override',
        shadows: 'src/runner/steps/verify.ts',
      },
      { path: 'custom/steps/write-changelog.ts', category: 'step', status: 'additive', shadows: null },
    ]);
  });
});

describe('the mapping field pipelines', () => {
  const base = { teamKey: 'ENG', owner: 'acme', repo: 'api', defaultBranch: 'main' };
  const post = async (token: string, body: unknown) =>
    app.request('/api/mappings', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });

  it('refuses an unknown pipeline or phase naming the field, and puts a known one in the payload', async () => {
    const token = await signIn();
    const unknown = await post(token, { ...base, pipelines: { implementation: 'no-such-pipeline' } });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { fields: unknown[] }).fields).toEqual([
      {
        field: 'pipelines.implementation',
        message: expect.stringContaining('no pipeline named "no-such-pipeline" (known: ci-fix, gap-fill,'),
      },
    ]);
    const badPhase = await post(token, { ...base, pipelines: { deploy: 'implementation' } });
    expect(badPhase.status).toBe(400);
    expect(JSON.stringify(await badPhase.json())).toContain('pipelines');

    const saved = await post(token, {
      ...base,
      pipelines: { implementation: 'implementation-with-changelog' },
    });
    expect(saved.status, await saved.clone().text()).toBe(201);
    const mapping = (await getMapping(h.store.db, 'ENG'))!;
    const ticket = {
      id: 'i1',
      identifier: 'ENG-1',
      title: 't',
      description: '',
      url: 'https://linear.app/i1',
      provider: 'linear' as const,
    };
    const payload = (phase: 'implementation' | 'gap-fill') =>
      buildPayload({
        dispatchId: 'd1',
        phase,
        ticket: { ...ticket, parent: undefined, siblings: [], dependencies: [] } as never,
        mapping,
        image: undefined,
        pullRequest: undefined,
        callback: undefined,
      });
    expect(payload('implementation').pipeline).toBe('implementation-with-changelog');
    expect(payload('gap-fill').pipeline).toBeUndefined();
  });
});
