import type { DispatchPayload } from '../../runners/types.ts';
import { agentEnvironment } from './agent-env.ts';

/**
 * A model provider adapter: how the runner authenticates the agent (Claude Code) for a run.
 * Built-ins are registered by id here (`anthropic`: CLAUDE_CODE_OAUTH_TOKEN, else
 * ANTHROPIC_API_KEY; `bedrock`: the AWS credentials of the OIDC role); a deployment adds one
 * (e.g. `vertex`) or overrides one with `custom/providers/<id>.ts`, whose default export has this
 * shape. The run's adapter is `AI_IMPLEMENT_PROVIDER` when set (a runner variable), else the
 * payload's `provider.name` (the mapping's provider) — docs/decisions/pipelines.md.
 */
export interface ProviderAdapter {
  id: string;
  description: string;
  /**
   * The agent's environment: `base` (the sandbox's allowlisted variables, see agent-env.ts)
   * plus the one credential this provider uses, taken from the runner's `env`; `auth.kind`
   * names it in the load-workflow step's output. Throws an Error saying what to set when the
   * credential is missing (the run fails at load-workflow with that message).
   */
  environment(input: {
    provider: DispatchPayload['provider'];
    env: Record<string, string | undefined>;
    base: Record<string, string>;
  }): { auth: { kind: string }; env: Record<string, string> };
}

const anthropic: ProviderAdapter = {
  id: 'anthropic',
  description: 'Anthropic API: CLAUDE_CODE_OAUTH_TOKEN (preferred) or ANTHROPIC_API_KEY',
  environment: ({ env, base }) => agentEnvironment({ name: 'anthropic' }, env, base),
};

const bedrock: ProviderAdapter = {
  id: 'bedrock',
  description: 'Amazon Bedrock: the AWS credentials of the AWS_BEDROCK_ROLE_ARN role (OIDC)',
  environment: ({ provider, env, base }) =>
    agentEnvironment({ name: 'bedrock', awsRegion: provider.awsRegion }, env, base),
};

/** The built-in adapters by id. */
export const BUILT_IN_PROVIDERS: readonly ProviderAdapter[] = [anthropic, bedrock];

/** The variable that picks another adapter than the payload's provider (e.g. a custom `vertex`). */
export const PROVIDER_VARIABLE = 'AI_IMPLEMENT_PROVIDER';
