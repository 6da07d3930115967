import { describe, expect, it } from 'vitest';
import { agentEnvironment, isSecretName, untrustedEnv } from '../../src/runner/agent/agent-env.ts';

const RUN_ENV = {
  PATH: '/usr/bin',
  HOME: '/home/runner',
  CI: 'true',
  GITHUB_TOKEN: 'ghs_installation',
  GH_TOKEN: 'ghs_other',
  AI_IMPLEMENT_PAYLOAD: '{"callback":{"resultToken":"jwt"}}',
  LINEAR_API_KEY: 'lin_api_x',
  JIRA_TOKEN: 'atlassian-token',
  JIRA_EMAIL: 'bot@example.com',
  JIRA_CLOUD_ID: 'cloud-1',
  JIRA_SITE_URL: 'https://acme.atlassian.net',
  JIRA_API_URL: 'https://api.atlassian.com/ex/jira/cloud-1',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc',
  ACTIONS_RUNTIME_TOKEN: 'runtime',
  INPUT_PAYLOAD: '{}',
  NPM_TOKEN: 'npm_x',
  DATABASE_PASSWORD: 'pw',
  GIT_CONFIG_VALUE_0: 'Authorization: Basic x',
  ANTHROPIC_API_KEY: 'sk-ant-key',
  CLAUDE_CODE_OAUTH_TOKEN: 'oauth-token',
  AWS_ACCESS_KEY_ID: 'AKIA',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_SESSION_TOKEN: 'session',
  ANTHROPIC_BASE_URL: 'http://127.0.0.1:1',
};

describe('the environment of hooks and the agent', () => {
  it('are built from an allowlist: anything not on it stays out, whatever its name', () => {
    const env = {
      ...RUN_ENV,
      // Credentials with names no pattern would catch.
      JIRA_EMAIL: 'someone@example.com',
      DEPLOY_KEY_PEM: '-----BEGIN',
      AI_IMPLEMENT_PAYLOAD_FILE: '/tmp/payload.json',
      GITHUB_EVENT_PATH: '/home/runner/work/_temp/_github_workflow/event.json',
      JAVA_HOME: '/usr/lib/jvm',
    };
    expect(untrustedEnv(env, { home: '/run/agent-home', user: 'ai-agent' })).toEqual({
      env: {
        PATH: '/usr/bin',
        HOME: '/run/agent-home',
        USER: 'ai-agent',
        LOGNAME: 'ai-agent',
        CI: 'true',
        ANTHROPIC_BASE_URL: 'http://127.0.0.1:1',
      },
      refused: [],
    });
  });

  it('pass the names the operator lists in AI_IMPLEMENT_AGENT_ENV, never a credential-shaped one', () => {
    const env = { ...RUN_ENV, JAVA_HOME: '/usr/lib/jvm', AI_IMPLEMENT_AGENT_ENV: 'JAVA_HOME, NPM_TOKEN' };
    const result = untrustedEnv(env, { home: '/h' });
    expect(result.env.JAVA_HOME).toBe('/usr/lib/jvm');
    expect(result.env).not.toHaveProperty('NPM_TOKEN');
    expect(result.refused).toEqual(['NPM_TOKEN']);
    for (const name of ['GITHUB_TOKEN', 'JIRA_TOKEN', 'FOO_SECRET_KEY', 'MY_API_KEY', 'SOME_PASSWORD']) {
      expect(isSecretName(name), name).toBe(true);
    }
    for (const name of ['PATH', 'TOKENIZER_PATH', 'NODE_OPTIONS', 'AWS_REGION'])
      expect(isSecretName(name), name).toBe(false);
  });

  it('gives the agent the OAuth token over the API key', () => {
    const { auth, env } = agentEnvironment({ name: 'anthropic' }, RUN_ENV);
    expect(auth).toEqual({ kind: 'oauth' });
    expect(env.CLAUDE_CODE_OAUTH_TOKEN).toBe('oauth-token');
    expect(env).not.toHaveProperty('ANTHROPIC_API_KEY');
    expect(env).not.toHaveProperty('GITHUB_TOKEN');
    expect(env.DISABLE_AUTOUPDATER).toBe('1');
  });

  it('falls back to the API key', () => {
    const { auth, env } = agentEnvironment(
      { name: 'anthropic' },
      { ...RUN_ENV, CLAUDE_CODE_OAUTH_TOKEN: '' },
    );
    expect(auth).toEqual({ kind: 'api-key' });
    expect(env.ANTHROPIC_API_KEY).toBe('sk-ant-key');
  });

  it('uses Bedrock with the OIDC role credentials, and nothing of Anthropic, when dispatched so', () => {
    const { auth, env } = agentEnvironment({ name: 'bedrock', awsRegion: 'us-west-2' }, RUN_ENV);
    expect(auth).toEqual({ kind: 'bedrock', awsRegion: 'us-west-2' });
    expect(env).toMatchObject({
      CLAUDE_CODE_USE_BEDROCK: '1',
      AWS_REGION: 'us-west-2',
      AWS_ACCESS_KEY_ID: 'AKIA',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'session',
    });
    expect(env).not.toHaveProperty('ANTHROPIC_API_KEY');
    expect(env).not.toHaveProperty('CLAUDE_CODE_OAUTH_TOKEN');
  });

  it('says what to set when there is no credential', () => {
    expect(() => agentEnvironment({ name: 'anthropic' }, { PATH: '/usr/bin' })).toThrow(
      /set CLAUDE_CODE_OAUTH_TOKEN .* or ANTHROPIC_API_KEY/,
    );
    expect(() =>
      agentEnvironment({ name: 'bedrock', awsRegion: 'eu-west-1' }, { ANTHROPIC_API_KEY: 'k' }),
    ).toThrow(/AWS_BEDROCK_ROLE_ARN/);
  });
});
