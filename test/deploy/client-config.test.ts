import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { ClientConfigError, listClients, renderClientFlyToml } from '../../scripts/deploy/client-config.ts';
import { flyConfigProblems, parseToml } from '../../scripts/deploy/fly-config.ts';
import { minimalEnv } from '../config/config-fixtures.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts/render-fly-config.ts');

/** A repository root holding the real base fly.toml and one client file with `text`. */
function rootWithClient(slug: string, text: string): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ai-implement-clients-'));
  mkdirSync(path.join(root, 'clients'));
  copyFileSync(path.join(ROOT, 'fly.toml'), path.join(root, 'fly.toml'));
  writeFileSync(path.join(root, 'clients', `${slug}.toml`), text);
  return root;
}

function renderError(text: string, slug = 'acme'): string {
  try {
    renderClientFlyToml(rootWithClient(slug, text), slug);
  } catch (error) {
    expect(error).toBeInstanceOf(ClientConfigError);
    return (error as Error).message;
  }
  throw new Error('rendered a bad client file');
}

/** The secrets docs/deploy.md has an operator set with `fly secrets set` (values made up). */
const SECRETS = {
  ADMIN_ACCESS_CODE: 'correct horse battery staple',
  RUNNER_TOKEN_SECRET: 'x'.repeat(64),
  FLY_SESSIONS_TOKEN: 'FlyV1 fm2_fixture',
  GITHUB_WEBHOOK_SECRET: 'w'.repeat(64),
};

const GOOD = 'app = "acme-ai"\nprimary_region = "fra"\n';

describe('every client’s fly.toml', () => {
  const clients = listClients(ROOT);

  it('there is at least one client file', () => {
    expect(clients.length).toBeGreaterThan(0);
  });

  for (const slug of clients) {
    it(`clients/${slug}.toml renders a fly.toml that passes the checks and that the orchestrator starts with`, () => {
      const client = parseToml(readFileSync(path.join(ROOT, 'clients', `${slug}.toml`), 'utf8'), slug);
      const rendered = parseToml(renderClientFlyToml(ROOT, slug), 'rendered');
      expect(flyConfigProblems(rendered)).toEqual([]);
      expect(rendered).toMatchObject({ app: client.app, primary_region: client.primary_region });
      const env = rendered.env as Record<string, string>;
      expect(env.CLIENT_SLUG).toBe(slug);
      // Fly sets FLY_APP_NAME on every Machine; [env] plus the secrets of docs/deploy.md do the rest.
      const config = loadConfig(minimalEnv({ ...env, ...SECRETS, FLY_APP_NAME: String(client.app) }));
      expect(config.tenant).toEqual({ clientSlug: slug, flyAppName: client.app });
      expect(config.dedupDbPath).toBe('/data/dedup.sqlite');
      expect(config.runner.callbackBaseUrl).toBe(`https://${String(client.app)}.fly.dev`);
      if (client.sessions_app) expect(config.fly.sessionsApp).toBe(client.sessions_app);
    });
  }
});

describe('rendering a client', () => {
  it('fills the client’s settings into the base and keeps the rest', () => {
    const root = rootWithClient(
      'acme',
      `${GOOD}sessions_app = "acme-sessions"\npoll_interval_ms = 30000\nnotify_type = "teams"\n` +
        '[env]\nRUNNER_CALLBACK_BASE_URL = "https://ai.acme.example"\nREAPER_DRY_RUN = true\n',
    );
    const rendered = parseToml(renderClientFlyToml(root, 'acme'), 'rendered');
    expect(rendered).toMatchObject({
      app: 'acme-ai',
      primary_region: 'fra',
      env: {
        CLIENT_SLUG: 'acme',
        FLY_SESSIONS_APP: 'acme-sessions',
        FLY_SESSIONS_REGION: 'fra',
        POLL_INTERVAL_MS: '30000',
        NOTIFY_TYPE: 'teams',
        RUNNER_CALLBACK_BASE_URL: 'https://ai.acme.example',
        REAPER_DRY_RUN: 'true',
        DEDUP_DB_PATH: '/data/dedup.sqlite',
      },
      http_service: { auto_stop_machines: 'off', min_machines_running: 1 },
    });
  });

  it('refuses a bad client file, naming the file and the field', () => {
    expect(renderError('app = "Acme AI"\nprimary_region = "fra"\n')).toMatch(
      /clients\/acme\.toml:\n {2}app: must be a Fly app name/,
    );
    expect(renderError('app = "acme-ai"\n')).toContain('primary_region:');
    expect(renderError(`${GOOD}notify_type = "email"\n`)).toContain('notify_type: must be slack or teams');
    expect(renderError(`${GOOD}poll_interval_ms = 60\n`)).toContain(
      'poll_interval_ms: must be at least 1000',
    );
    expect(renderError(`${GOOD}region = "fra"\n`)).toContain('region: is not a client setting');
    expect(renderError(`${GOOD}[env]\nLINEAR_API_KEY = "lin_api_x"\n`)).toContain(
      'env.LINEAR_API_KEY: is a secret; set it with `fly secrets set`',
    );
    expect(renderError(`${GOOD}[env]\nPOLL_INTERVAL_MS = "5000"\n`)).toContain(
      'env.POLL_INTERVAL_MS: is set by poll_interval_ms',
    );
    expect(renderError(`${GOOD}[env]\nRUNNER_MODE = "sometimes"\n`)).toContain(
      'env.RUNNER_MODE: must be one of',
    );
    expect(renderError('app = "acme-ai\n')).toMatch(/^clients\/acme\.toml:1:\d+: /);
    expect(renderError(GOOD, 'Acme')).toContain('clients/Acme.toml: the name must be a slug');
  });

  it('names the clients there are when asked for one that is not', () => {
    const root = rootWithClient('acme', GOOD);
    expect(() => renderClientFlyToml(root, 'globex')).toThrow(
      'clients/globex.toml: no such file (clients: acme)',
    );
  });
});

describe('scripts/render-fly-config.ts', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });

  it('writes the rendered file where asked, and lists the clients', () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'ai-implement-render-')), 'fly.toml');
    const slug = listClients(ROOT)[0]!;
    const result = run(slug, '--out', out);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(renderClientFlyToml(ROOT, slug));
    expect(run('--list').stdout.trim().split('\n')).toEqual(listClients(ROOT));
  });

  it('exits 1 naming the problem for an unknown client, 2 without one', () => {
    const unknown = run('no-such-client');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('clients/no-such-client.toml: no such file');
    const usage = run();
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('usage: node scripts/render-fly-config.ts');
  });
});
