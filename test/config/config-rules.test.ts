import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { minimalEnv } from './config-fixtures.ts';

function problemsOf(env: Record<string, string | undefined>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('loadConfig accepted the environment');
}

/** GitHub App only: the ticketing provider is what each test adds. */
function jiraEnv(jira: Record<string, string>): Record<string, string | undefined> {
  return minimalEnv({ LINEAR_API_KEY: undefined, ...jira });
}

function namesIn(problems: readonly string[]): string[] {
  return problems.map((line) => line.split(' ')[0] ?? '');
}

describe('Jira auth mode', () => {
  it('uses Bearer auth through the Atlassian gateway for JIRA_TOKEN + JIRA_CLOUD_ID', () => {
    const config = loadConfig(
      jiraEnv({
        JIRA_TOKEN: 'tok',
        JIRA_CLOUD_ID: '11111111-2222-3333-4444-555555555555',
        JIRA_SITE_URL: 'https://acme.atlassian.net/',
      }),
    );
    expect(config.jira).toEqual({
      auth: 'bearer',
      token: 'tok',
      cloudId: '11111111-2222-3333-4444-555555555555',
      siteUrl: 'https://acme.atlassian.net',
      apiUrl: 'https://api.atlassian.com/ex/jira/11111111-2222-3333-4444-555555555555',
    });
    expect(config.linear).toBeUndefined();
    expect(config.warnings).toEqual([]);
  });

  it('warns when Bearer auth has no JIRA_SITE_URL for links', () => {
    const config = loadConfig(jiraEnv({ JIRA_TOKEN: 'tok', JIRA_CLOUD_ID: 'abc' }));
    expect(config.jira?.auth).toBe('bearer');
    expect(config.warnings).toEqual([expect.stringMatching(/^JIRA_SITE_URL is unset: Jira issue links/)]);
  });

  it('uses Basic auth straight to the site when JIRA_EMAIL is set', () => {
    const config = loadConfig(
      jiraEnv({ JIRA_EMAIL: 'bot@acme.com', JIRA_TOKEN: 'tok', JIRA_SITE_URL: 'https://acme.atlassian.net' }),
    );
    expect(config.jira).toEqual({
      auth: 'basic',
      email: 'bot@acme.com',
      token: 'tok',
      siteUrl: 'https://acme.atlassian.net',
      apiUrl: 'https://acme.atlassian.net',
    });
  });

  it('warns that JIRA_CLOUD_ID is ignored under Basic auth', () => {
    const config = loadConfig(
      jiraEnv({
        JIRA_EMAIL: 'bot@acme.com',
        JIRA_TOKEN: 'tok',
        JIRA_SITE_URL: 'https://acme.atlassian.net',
        JIRA_CLOUD_ID: 'abc',
      }),
    );
    expect(config.jira?.auth).toBe('basic');
    expect(config.warnings).toEqual([expect.stringMatching(/^JIRA_CLOUD_ID is ignored/)]);
  });

  it('lets JIRA_API_URL override the REST base in either mode', () => {
    const bearer = loadConfig(
      jiraEnv({ JIRA_TOKEN: 'tok', JIRA_API_URL: 'http://127.0.0.1:9999/', JIRA_SITE_URL: 'https://a.b' }),
    );
    expect(bearer.jira).toMatchObject({
      auth: 'bearer',
      cloudId: undefined,
      apiUrl: 'http://127.0.0.1:9999',
    });
    const basic = loadConfig(
      jiraEnv({
        JIRA_EMAIL: 'a@b.c',
        JIRA_TOKEN: 'tok',
        JIRA_SITE_URL: 'https://a.b',
        JIRA_API_URL: 'https://dc.example',
      }),
    );
    expect(basic.jira).toMatchObject({ auth: 'basic', apiUrl: 'https://dc.example' });
  });

  it('configures Linear and Jira side by side', () => {
    const config = loadConfig(
      minimalEnv({ JIRA_TOKEN: 'tok', JIRA_CLOUD_ID: 'abc', JIRA_SITE_URL: 'https://a.b' }),
    );
    expect(config.linear?.apiKey).toBe('lin_api_fixture');
    expect(config.jira?.auth).toBe('bearer');
  });
});

describe('partial Jira configuration names exactly the missing variables', () => {
  it.each([
    [{ JIRA_TOKEN: 'tok' }, ['JIRA_CLOUD_ID']],
    [{ JIRA_CLOUD_ID: 'abc' }, ['JIRA_TOKEN']],
    [{ JIRA_SITE_URL: 'https://acme.atlassian.net' }, ['JIRA_TOKEN', 'JIRA_CLOUD_ID']],
    [{ JIRA_EMAIL: 'a@b.c' }, ['JIRA_TOKEN', 'JIRA_SITE_URL']],
    [{ JIRA_EMAIL: 'a@b.c', JIRA_TOKEN: 'tok' }, ['JIRA_SITE_URL']],
    [{ JIRA_EMAIL: 'a@b.c', JIRA_SITE_URL: 'https://a.b' }, ['JIRA_TOKEN']],
  ])('%j is missing %j', (jira, missing) => {
    const problems = problemsOf(jiraEnv(jira));
    expect(namesIn(problems)).toEqual(missing);
    for (const line of problems) expect(line).toMatch(/ is required .*: /);
  });

  it('reports the missing Jira variable even when Linear is configured', () => {
    expect(namesIn(problemsOf(minimalEnv({ JIRA_TOKEN: 'tok' })))).toEqual(['JIRA_CLOUD_ID']);
  });

  it('says where to get the cloud id', () => {
    expect(problemsOf(jiraEnv({ JIRA_TOKEN: 'tok' }))[0]).toContain(
      'https://<your-site>.atlassian.net/_edge/tenant_info',
    );
  });
});

describe('runner combinations', () => {
  it('requires RUNNER_TOKEN_SECRET with RUNNER_CALLBACK_BASE_URL', () => {
    expect(problemsOf(minimalEnv({ RUNNER_CALLBACK_BASE_URL: 'https://orch.example' }))).toEqual([
      expect.stringMatching(
        /^RUNNER_TOKEN_SECRET is required when RUNNER_CALLBACK_BASE_URL is set: .*openssl rand/,
      ),
    ]);
  });

  it('requires FLY_SESSIONS_TOKEN and a Claude credential for RUNNER_MODE=fly', () => {
    expect(problemsOf(minimalEnv({ RUNNER_MODE: 'fly' }))).toEqual([
      expect.stringMatching(/^FLY_SESSIONS_TOKEN is required when RUNNER_MODE=fly/),
      expect.stringMatching(
        /^CLAUDE_CODE_OAUTH_TOKEN \(preferred\) or ANTHROPIC_API_KEY is required when RUNNER_MODE=fly/,
      ),
    ]);
    const config = loadConfig(
      minimalEnv({ RUNNER_MODE: 'fly', FLY_SESSIONS_TOKEN: 'fo1_x', CLAUDE_CODE_OAUTH_TOKEN: 'o' }),
    );
    expect(config.runner.mode).toBe('fly');
  });

  it('requires Claude credentials for RUNNER_MODE=local, either one will do', () => {
    expect(problemsOf(minimalEnv({ RUNNER_MODE: 'local' }))[0]).toMatch(
      /^CLAUDE_CODE_OAUTH_TOKEN \(preferred\) or ANTHROPIC_API_KEY is required when RUNNER_MODE=local/,
    );
    expect(
      loadConfig(minimalEnv({ RUNNER_MODE: 'local', ANTHROPIC_API_KEY: 'sk-ant-x' })).claude.anthropicApiKey,
    ).toBe('sk-ant-x');
  });

  it('warns about a short token secret, and that shadow mode without Fly starts no shadow machine', () => {
    const config = loadConfig(minimalEnv({ RUNNER_MODE: 'shadow', RUNNER_TOKEN_SECRET: 'k3y-9f2a7c' }));
    expect(config.warnings).toEqual([
      expect.stringMatching(/^RUNNER_TOKEN_SECRET is shorter than 32 characters/),
      expect.stringMatching(/^RUNNER_MODE=shadow without FLY_SESSIONS_TOKEN runs on GitHub Actions only/),
    ]);
    expect(config.warnings.join('\n')).not.toContain('k3y-9f2a7c');
    const withFly = loadConfig(
      minimalEnv({ RUNNER_MODE: 'shadow', FLY_SESSIONS_TOKEN: 'fo1_token', ANTHROPIC_API_KEY: 'sk-ant-x' }),
    );
    expect(withFly.warnings.join('\n')).not.toMatch(/RUNNER_MODE=shadow/);
  });

  it('does not warn about the runner backends’ variables: the Fly and local Docker backends use them', () => {
    const used = {
      REAPER_DRY_RUN: 'true',
      REAPER_ALERT_THRESHOLD: '5',
      AI_IMPLEMENT_RUNNER_IMAGE: 'ghcr.io/acme/runner:1',
      LOCAL_RUNNER_IMAGE: 'runner:local',
      LOCAL_RUNNER_ORCHESTRATOR_URL: 'http://127.0.0.1:9',
    };
    expect(loadConfig(minimalEnv(used)).warnings).toEqual([]);
    expect(loadConfig(minimalEnv()).warnings).toEqual([]);
  });

  it('does not warn about the Fly sessions app variables: secrets and settings use them', () => {
    const fly = {
      FLY_SESSIONS_APP: 'sessions',
      FLY_SESSIONS_REGION: 'iad',
      FLY_SESSIONS_TOKEN: 'fo1_secret_token_value',
      FLY_API_URL: 'https://api.machines.dev',
    };
    expect(loadConfig(minimalEnv(fly)).warnings).toEqual([]);
    expect(loadConfig(minimalEnv({ ...fly, FLY_SESSIONS_REGION: 'mars' })).warnings).toEqual([
      expect.stringMatching(/^FLY_SESSIONS_REGION=mars is not a Fly region code .*one of ams/),
    ]);
  });
});

describe('notification warnings', () => {
  it('warns when NOTIFY_TYPE is set without NOTIFY_WEBHOOK_URL', () => {
    expect(loadConfig(minimalEnv({ NOTIFY_TYPE: 'teams' })).warnings).toEqual([
      'NOTIFY_TYPE=teams has no effect without NOTIFY_WEBHOOK_URL: notifications are skipped',
    ]);
  });

  it('warns, without the URL, when a Teams webhook is used with the default NOTIFY_TYPE=slack', () => {
    const url =
      'https://prod-01.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=SECRETSIG';
    const config = loadConfig(minimalEnv({ NOTIFY_WEBHOOK_URL: url }));
    expect(config.warnings).toEqual([
      expect.stringMatching(/Teams.*NOTIFY_TYPE=slack: set NOTIFY_TYPE=teams$/),
    ]);
    expect(config.warnings.join('\n')).not.toContain('SECRETSIG');
    expect(loadConfig(minimalEnv({ NOTIFY_WEBHOOK_URL: url, NOTIFY_TYPE: 'Teams' })).warnings).toEqual([]);
  });

  it('warns when a Slack webhook is used with NOTIFY_TYPE=teams', () => {
    const config = loadConfig(
      minimalEnv({ NOTIFY_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/XYZ', NOTIFY_TYPE: 'teams' }),
    );
    expect(config.warnings).toEqual([expect.stringMatching(/Slack webhook but NOTIFY_TYPE=teams/)]);
  });
});
