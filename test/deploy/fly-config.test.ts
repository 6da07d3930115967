import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvSchema } from '../../src/config/config-schema.ts';
import { SECRET_ENV_NAMES } from '../../src/config/env-variables.ts';
import { flyConfigProblems, parseToml } from '../../scripts/deploy/fly-config.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const base = () => parseToml(readFileSync(path.join(ROOT, 'fly.toml'), 'utf8'), 'fly.toml');

/** The base with one part replaced (a shallow path such as `http_service.min_machines_running`). */
function changed(field: string, value: unknown): Record<string, unknown> {
  const config = structuredClone(base());
  const keys = field.split('.');
  let target = config as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  const last = keys.at(-1)!;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return config;
}

describe('the orchestrator’s fly.toml', () => {
  it('passes the fly.toml checks', () => {
    expect(flyConfigProblems(base())).toEqual([]);
  });

  it('builds the orchestrator image from the repository’s Dockerfile', () => {
    const config = base() as { build: { dockerfile: string } };
    expect(existsSync(path.join(ROOT, config.build.dockerfile))).toBe(true);
    expect(readFileSync(path.join(ROOT, config.build.dockerfile), 'utf8')).toContain('src/main.ts');
  });

  it('serves on the orchestrator’s default PORT, the one the image sets', () => {
    const config = base() as { http_service: { internal_port: number }; env: Record<string, string> };
    const defaultPort = EnvSchema.shape.PORT.parse(undefined);
    expect(config.http_service.internal_port).toBe(defaultPort);
    expect(config.env.PORT).toBe(String(defaultPort));
    expect(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')).toMatch(new RegExp(`PORT=${defaultPort}\\b`));
  });

  it('keeps one Machine polling: never auto-stopped, at least one running, SQLite on the /data volume', () => {
    expect(base()).toMatchObject({
      mounts: [{ destination: '/data' }],
      env: { DEDUP_DB_PATH: '/data/dedup.sqlite', NODE_ENV: 'production' },
      http_service: {
        auto_stop_machines: 'off',
        min_machines_running: 1,
        checks: [{ method: 'GET', path: '/healthz' }],
      },
    });
  });

  it('the checks name what is wrong (so a clean result means something)', () => {
    const problems = (field: string, value: unknown) => flyConfigProblems(changed(field, value)).join('\n');
    expect(problems('http_service.auto_stop_machines', 'stop')).toContain(
      'http_service.auto_stop_machines: must be "off"',
    );
    expect(problems('http_service.min_machines_running', 0)).toContain(
      'http_service.min_machines_running: must be at least 1',
    );
    expect(problems('http_service.checks', [{ method: 'GET', path: '/' }])).toContain(
      'http_service.checks: must have a GET /healthz check',
    );
    expect(problems('http_service.internal_port', 3000)).toContain(
      'env.PORT: must equal http_service.internal_port',
    );
    expect(problems('build.dockerfile', 'docker/runner/Dockerfile')).toContain('build.dockerfile');
    expect(problems('mounts', [{ source: 'data', destination: '/var/data' }])).toContain(
      'mounts.destination: must be /data',
    );
    expect(problems('env.DEDUP_DB_PATH', './dedup.sqlite')).toContain('env.DEDUP_DB_PATH');
    expect(problems('app', 'Not An App')).toContain('app: must be a Fly app name');
    expect(problems('htp_service', {})).toContain('htp_service: is not a setting here');
    expect(problems('env.LINEAR_API_KEY', 'lin_api_x')).toContain('env.LINEAR_API_KEY: is a secret');
    expect(problems('env.POLL_INTERVAL', '60000')).toContain('env.POLL_INTERVAL: is not a variable');
    expect(problems('env.RUNNER_MODE', 'sometimes')).toContain('env.RUNNER_MODE: must be one of');
  });
});

describe('docs/deploy.md', () => {
  it('tells where every secret of the orchestrator goes', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/deploy.md'), 'utf8');
    const secrets = doc.slice(doc.indexOf('| Secrets (`fly secrets set`)'), doc.indexOf('## 5.'));
    for (const name of SECRET_ENV_NAMES) expect(secrets, name).toContain(`\`${name}\``);
  });
});
