import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { minimalEnv, PRIVATE_KEY_ONE_LINE, PRIVATE_KEY_PEM } from './config-fixtures.ts';

function problemsOf(env: Record<string, string | undefined>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('loadConfig accepted the environment');
}

function messageOf(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('loadConfig defaults (CONTRACTS.md §1)', () => {
  it('fills every default from the table', () => {
    const config = loadConfig(minimalEnv());
    expect(config.port).toBe(8080);
    expect(config.pollIntervalMs).toBe(60_000);
    expect(config.dedupDbPath).toBe('./dedup.sqlite');
    expect(config.notify).toEqual({ type: 'slack', webhookUrl: undefined });
    expect(config.runner.mode).toBe('default');
    expect(config.runner.modeFromEnv).toBe(false);
    expect(config.github.apiUrl).toBe('https://api.github.com');
    expect(config.linear?.apiUrl).toBe('https://api.linear.app/graphql');
    expect(config.fly.apiUrl).toBe('https://api.machines.dev');
    expect(config.runner.localImage).toBe('ai-implement-runner:local');
    expect(config.runner.localOrchestratorUrl).toBe('http://127.0.0.1:8080');
    expect(config.runner.localBackend).toBe('docker');
    expect(config.reaper).toEqual({ dryRun: false, alertThreshold: 10, intervalMs: 300_000 });
    expect(config.jira).toBeUndefined();
    expect(config.admin.accessCode).toBeUndefined();
    expect(config.warnings).toEqual([]);
  });

  it('uses /data/dedup.sqlite in production and honours an explicit DEDUP_DB_PATH', () => {
    expect(loadConfig(minimalEnv({ NODE_ENV: 'production' })).dedupDbPath).toBe('/data/dedup.sqlite');
    expect(
      loadConfig(minimalEnv({ NODE_ENV: 'production', DEDUP_DB_PATH: '/vol/x.sqlite' })).dedupDbPath,
    ).toBe('/vol/x.sqlite');
  });

  it('selects PostgreSQL with DATABASE_URL, the leader lock on it unless LEADER_LOCK_DATABASE_URL names a direct one', () => {
    expect(loadConfig(minimalEnv()).postgres).toBeUndefined();
    const url = 'postgres://ai:pw@pgbouncer.internal:6432/ai';
    const config = loadConfig(minimalEnv({ DATABASE_URL: url, DEDUP_DB_PATH: '/vol/x.sqlite' }));
    expect(config.postgres).toEqual({ url, leaderLockUrl: url, leaderCheckIntervalMs: 5000 });
    expect(config.warnings).toEqual([
      'DEDUP_DB_PATH has no effect while DATABASE_URL is set: the ledger is in PostgreSQL',
    ]);
    const direct = 'postgresql://ai:pw@db.internal:5432/ai';
    expect(
      loadConfig(
        minimalEnv({ DATABASE_URL: url, LEADER_LOCK_DATABASE_URL: direct, LEADER_CHECK_INTERVAL_MS: '2000' }),
      ).postgres,
    ).toEqual({ url, leaderLockUrl: direct, leaderCheckIntervalMs: 2000 });
    const problems = problemsOf(
      minimalEnv({ DATABASE_URL: 'mysql://ai:pw@db/ai', LEADER_CHECK_INTERVAL_MS: '10' }),
    );
    expect(problems.join('\n')).toMatch(/DATABASE_URL must be a postgres:\/\/user:password@host/);
    expect(problems.join('\n')).toMatch(/LEADER_CHECK_INTERVAL_MS must be a whole number of at least 500/);
    expect(problems.join('\n')).not.toContain('pw@db');
  });

  it('derives the local runner callback URL from PORT: containers share the host network', () => {
    expect(loadConfig(minimalEnv({ PORT: '3000' })).runner.localOrchestratorUrl).toBe(
      'http://127.0.0.1:3000',
    );
  });

  it('runs local runs as child processes with LOCAL_RUNNER_BACKEND=process, and refuses other values', () => {
    expect(loadConfig(minimalEnv({ LOCAL_RUNNER_BACKEND: 'process' })).runner.localBackend).toBe('process');
    expect(() => loadConfig(minimalEnv({ LOCAL_RUNNER_BACKEND: 'podman' }))).toThrow(/LOCAL_RUNNER_BACKEND/);
  });

  it('treats blank values as unset and ignores variables outside the contract', () => {
    const config = loadConfig(minimalEnv({ PORT: '  ', ADMIN_ACCESS_CODE: '', SOMETHING_ELSE: 'x' }));
    expect(config.port).toBe(8080);
    expect(config.admin.accessCode).toBeUndefined();
  });

  it('strips trailing slashes from base URLs so callers can append paths', () => {
    const config = loadConfig(minimalEnv({ GITHUB_API_URL: 'https://ghe.example.com/api/v3/' }));
    expect(config.github.apiUrl).toBe('https://ghe.example.com/api/v3');
  });

  it('returns a deeply frozen object', () => {
    const config = loadConfig(minimalEnv());
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.github)).toBe(true);
    expect(Object.isFrozen(config.warnings)).toBe(true);
    expect(() => {
      (config.github as { apiUrl: string }).apiUrl = 'https://evil.example';
    }).toThrow(TypeError);
  });

  it('records that RUNNER_MODE came from the environment, so it wins over the database', () => {
    const config = loadConfig(minimalEnv({ RUNNER_MODE: 'GHA' }));
    expect(config.runner).toMatchObject({ mode: 'gha', modeFromEnv: true });
  });
});

describe('loadConfig required variables', () => {
  it.each([
    ['GITHUB_APP_ID', "GitHub App's settings page (General → App ID)"],
    ['GITHUB_APP_PRIVATE_KEY', 'Generate a private key'],
  ])('names %s and where to get it when it is missing', (name, where) => {
    const problems = problemsOf(minimalEnv({ [name]: undefined }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name} is required: `));
    expect(problems[0]).toContain(where);
  });

  it('matches the documented wording for GITHUB_APP_ID', () => {
    expect(problemsOf(minimalEnv({ GITHUB_APP_ID: undefined }))).toEqual([
      "GITHUB_APP_ID is required: the numeric App ID on your GitHub App's settings page (General → App ID)",
    ]);
  });

  it('starts without Linear and Jira (GitHub Issues only), warning and naming where to get them', () => {
    const env = minimalEnv({ LINEAR_API_KEY: undefined });
    const config = loadConfig(env);
    expect(config.linear).toBeUndefined();
    const [warning] = config.warnings.filter((line) => line.startsWith('Neither LINEAR_API_KEY'));
    expect(warning).toContain('only GitHub Issues mappings');
    expect(warning).toContain('Settings → API → Personal API keys');
    expect(warning).toContain('_edge/tenant_info');
    expect(loadConfig(minimalEnv()).warnings.some((line) => line.startsWith('Neither'))).toBe(false);
  });

  it('rejects an App ID that is not numeric (the Client ID is the usual mix-up)', () => {
    expect(problemsOf(minimalEnv({ GITHUB_APP_ID: 'Iv1.0123456789abcdef' }))[0]).toMatch(
      /^GITHUB_APP_ID must be the numeric App ID/,
    );
    expect(loadConfig(minimalEnv()).github.appId).toBe(123456);
  });

  it('reports every problem at once, one per line', () => {
    const env = {
      GITHUB_APP_PRIVATE_KEY: PRIVATE_KEY_ONE_LINE,
      PORT: 'eighty',
      POLL_INTERVAL_MS: '500',
      REAPER_DRY_RUN: 'yes',
      NOTIFY_TYPE: 'discord',
      RUNNER_MODE: 'cloud',
      FLY_API_URL: 'api.machines.dev',
    };
    const message = messageOf(env);
    const lines = message.split('\n').slice(1);
    expect(lines).toHaveLength(7);
    for (const name of [
      'GITHUB_APP_ID',
      'PORT',
      'POLL_INTERVAL_MS',
      'REAPER_DRY_RUN',
      'NOTIFY_TYPE',
      'RUNNER_MODE',
      'FLY_API_URL',
    ]) {
      expect(lines.filter((line) => line.startsWith(`- ${name} `))).toHaveLength(1);
    }
    expect(message.split('\n')[0]).toContain('7 problems');
  });
});

describe('loadConfig GITHUB_APP_PRIVATE_KEY', () => {
  it('turns literal \\n sequences into newlines', () => {
    const key = loadConfig(minimalEnv()).github.privateKey;
    expect(key).toBe(PRIVATE_KEY_PEM);
    expect(key).not.toContain('\\n');
  });

  it('accepts a PEM with real newlines and one wrapped in stray quotes', () => {
    expect(loadConfig(minimalEnv({ GITHUB_APP_PRIVATE_KEY: PRIVATE_KEY_PEM })).github.privateKey).toBe(
      PRIVATE_KEY_PEM,
    );
    expect(
      loadConfig(minimalEnv({ GITHUB_APP_PRIVATE_KEY: `"${PRIVATE_KEY_ONE_LINE}"` })).github.privateKey,
    ).toBe(PRIVATE_KEY_PEM);
  });

  it('rejects something that is not a PEM without quoting it', () => {
    const value = 'ghp_notakey_SECRET1234';
    const message = messageOf(minimalEnv({ GITHUB_APP_PRIVATE_KEY: value }));
    expect(message).toContain('GITHUB_APP_PRIVATE_KEY does not look like a PEM private key');
    expect(message).not.toContain(value);
  });

  it('rejects a truncated key without quoting it', () => {
    const lines = PRIVATE_KEY_PEM.trimEnd().split('\n');
    const truncated = [...lines.slice(0, 4), lines.at(-1)].join('\\n');
    const message = messageOf(minimalEnv({ GITHUB_APP_PRIVATE_KEY: truncated }));
    expect(message).toContain('GITHUB_APP_PRIVATE_KEY could not be read as a private key');
    expect(message).not.toContain(lines[2]);
  });

  it('tells a public key apart', () => {
    const pem = '-----BEGIN PUBLIC KEY-----\\nMIIBIjAN\\n-----END PUBLIC KEY-----';
    expect(problemsOf(minimalEnv({ GITHUB_APP_PRIVATE_KEY: pem }))[0]).toContain('holds a public key');
  });
});

describe('loadConfig booleans and numbers', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['False', false],
    ['0', false],
  ])('REAPER_DRY_RUN=%s is %s', (raw, expected) => {
    expect(loadConfig(minimalEnv({ REAPER_DRY_RUN: raw })).reaper.dryRun).toBe(expected);
  });

  it('rejects other boolean spellings, quoting the value', () => {
    expect(problemsOf(minimalEnv({ REAPER_DRY_RUN: 'yes' }))).toEqual([
      expect.stringMatching(/^REAPER_DRY_RUN must be true, false, 1 or 0 \(got "yes"\)/),
    ]);
  });

  it.each(['0', '65536', '80.5', '-1', '8080abc', '1e3'])('rejects PORT=%s', (raw) => {
    expect(problemsOf(minimalEnv({ PORT: raw }))[0]).toMatch(/^PORT must be a whole number from 1 to 65535/);
  });

  it('accepts the PORT range bounds', () => {
    expect(loadConfig(minimalEnv({ PORT: '1' })).port).toBe(1);
    expect(loadConfig(minimalEnv({ PORT: '65535' })).port).toBe(65535);
  });

  it('rejects POLL_INTERVAL_MS below 1000 and warns below 10000', () => {
    expect(problemsOf(minimalEnv({ POLL_INTERVAL_MS: '999' }))[0]).toMatch(
      /^POLL_INTERVAL_MS must be .* at least 1000/,
    );
    const config = loadConfig(minimalEnv({ POLL_INTERVAL_MS: '5000' }));
    expect(config.pollIntervalMs).toBe(5000);
    expect(config.warnings).toEqual([
      expect.stringMatching(/^POLL_INTERVAL_MS=5000 is below 10000 ms: .*ticketing-API usage/),
    ]);
    expect(loadConfig(minimalEnv({ POLL_INTERVAL_MS: '10000' })).warnings).toEqual([]);
  });

  it('parses REAPER_ALERT_THRESHOLD', () => {
    expect(loadConfig(minimalEnv({ REAPER_ALERT_THRESHOLD: '0' })).reaper.alertThreshold).toBe(0);
    expect(problemsOf(minimalEnv({ REAPER_ALERT_THRESHOLD: 'ten' }))[0]).toMatch(
      /^REAPER_ALERT_THRESHOLD must be/,
    );
  });
});

describe('loadConfig URLs', () => {
  it('rejects a URL without a scheme, quoting non-secret values', () => {
    expect(
      problemsOf(minimalEnv({ JIRA_SITE_URL: 'acme.atlassian.net', JIRA_EMAIL: 'a@b.c', JIRA_TOKEN: 't' })),
    ).toEqual([
      expect.stringMatching(/^JIRA_SITE_URL must be an absolute http\(s\) URL \(got "acme.atlassian.net"\)/),
    ]);
  });

  it('never quotes NOTIFY_WEBHOOK_URL, a capability URL', () => {
    const value = 'hooks.slack.com/services/T0/B0/SECRETPATH';
    const message = messageOf(minimalEnv({ NOTIFY_WEBHOOK_URL: value }));
    expect(message).toContain('NOTIFY_WEBHOOK_URL must be an absolute http(s) URL');
    expect(message).not.toContain('SECRETPATH');
  });

  it('rejects non-http schemes', () => {
    expect(
      problemsOf(minimalEnv({ RUNNER_CALLBACK_BASE_URL: 'ftp://x', RUNNER_TOKEN_SECRET: 'x'.repeat(32) }))[0],
    ).toMatch(/^RUNNER_CALLBACK_BASE_URL must be an absolute http\(s\) URL/);
  });
});
