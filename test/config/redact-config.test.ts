import { describe, expect, it } from 'vitest';
import { SECRET_ENV_NAMES } from '../../src/config/env-variables.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { redactConfig } from '../../src/config/redact-config.ts';
import { minimalEnv, PRIVATE_KEY_PEM } from './config-fixtures.ts';

/** Every secret set to a value that cannot appear by accident. */
function everySecretSet(): Record<string, string> {
  return {
    LINEAR_API_KEY: 'lin_api_SECRET_linear_0001',
    JIRA_TOKEN: 'SECRET_jira_token_0002',
    JIRA_CLOUD_ID: 'cloud-1',
    JIRA_SITE_URL: 'https://acme.atlassian.net',
    ADMIN_ACCESS_CODE: 'SECRET_admin_code_0003',
    GITHUB_WEBHOOK_SECRET: 'SECRET_webhook_0004',
    LINEAR_WEBHOOK_SECRET: 'SECRET_linear_webhook_0011',
    JIRA_WEBHOOK_SECRET: 'SECRET_jira_webhook_0012',
    LINEAR_OAUTH_CLIENT_ID: 'linear-client-id',
    LINEAR_OAUTH_CLIENT_SECRET: 'SECRET_linear_oauth_0013',
    GAP_FILL_TRIGGER_SECRET: 'SECRET_gapfill_0005',
    RUNNER_CALLBACK_BASE_URL: 'https://orch.example',
    RUNNER_TOKEN_SECRET: 'SECRET_runner_token_0006_padded_to_32_chars',
    FLY_SESSIONS_TOKEN: 'SECRET_fly_0007',
    ANTHROPIC_API_KEY: 'SECRET_anthropic_0008',
    CLAUDE_CODE_OAUTH_TOKEN: 'SECRET_oauth_0009',
    NOTIFY_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/SECRETwebhook0010',
    METRICS_TOKEN: 'SECRET_metrics_0014',
    DATABASE_URL: 'postgres://ai:SECRET_db_password_0015@db.internal:5432/ai',
    LEADER_LOCK_DATABASE_URL: 'postgres://ai:SECRET_db_password_0016@db-direct.internal:5432/ai',
  };
}

describe('redactConfig', () => {
  it('leaves no secret value anywhere in the serialised copy', () => {
    const config = loadConfig(minimalEnv(everySecretSet()));
    const json = JSON.stringify(redactConfig(config));
    const secretValues = SECRET_ENV_NAMES.map((name) => everySecretSet()[name]).filter(
      (value) => value !== undefined,
    );
    expect(secretValues).toHaveLength(SECRET_ENV_NAMES.length - 1); // all but the private key, checked below
    for (const value of secretValues) expect(json).not.toContain(value);
    expect(json).not.toContain('PRIVATE KEY');
    expect(json).not.toContain(PRIVATE_KEY_PEM.split('\n')[1]);
    expect(json).not.toContain('hooks.slack.com');
  });

  it('marks each secret "set" or "unset" and lists every secret variable by name', () => {
    const redacted = redactConfig(loadConfig(minimalEnv(everySecretSet())));
    expect(Object.keys(redacted.secrets).sort()).toEqual([...SECRET_ENV_NAMES].sort());
    expect(Object.values(redacted.secrets).every((status) => status === 'set')).toBe(true);
    expect(redacted.github.privateKey).toBe('set');
    expect(redacted.jira?.token).toBe('set');
    expect(redacted.notify).toEqual({ type: 'slack', webhookUrl: 'set' });

    const minimal = redactConfig(loadConfig(minimalEnv()));
    expect(minimal.secrets).toMatchObject({
      LINEAR_API_KEY: 'set',
      JIRA_TOKEN: 'unset',
      NOTIFY_WEBHOOK_URL: 'unset',
    });
    expect(minimal.admin.accessCode).toBe('unset');
    expect(minimal.jira).toBeNull();
  });

  it('keeps the non-secret settings an operator needs to see', () => {
    const redacted = redactConfig(loadConfig(minimalEnv({ ...everySecretSet(), PORT: '9000' })));
    expect(redacted.port).toBe(9000);
    expect(redacted.github.appId).toBe(123456);
    expect(redacted.jira).toMatchObject({
      auth: 'bearer',
      apiUrl: 'https://api.atlassian.com/ex/jira/cloud-1',
    });
    expect(redacted.runner.callbackBaseUrl).toBe('https://orch.example');
  });

  it('keeps secrets out of ConfigError messages too', () => {
    const env = minimalEnv({ ...everySecretSet(), GITHUB_APP_ID: undefined, PORT: 'x', NOTIFY_TYPE: 'irc' });
    expect(() => loadConfig(env)).toThrow(/GITHUB_APP_ID is required/);
    try {
      loadConfig(env);
    } catch (error) {
      for (const name of SECRET_ENV_NAMES) {
        const value = env[name];
        if (value !== undefined) expect(String(error)).not.toContain(value);
      }
    }
  });
});
