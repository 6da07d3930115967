import path from 'node:path';
import { AgentAuthError, isRunnerCredential } from '../agent/agent-env.ts';
import { runSecretValue } from '../../domain/secret-names.ts';
import { createAgentRunner } from '../agent/claude-cli.ts';
import { addUsage } from '../agent/stream-json.ts';
import { NotRegularFileError, readRegularFile } from '../checkout-file.ts';
import { StepFailure, type StepOutcome } from '../pipeline.ts';
import { DEFAULT_PLANNING_TEMPLATE, DEFAULT_WORKFLOW_TEMPLATE } from '../prompts.ts';
import type { RunContext } from '../run-context.ts';
import { defineStep, NO_OPTIONS } from './step-module.ts';
import { parseWorkflowFile, WorkflowFileError, type WorkflowFile } from '../workflow-file.ts';

/** Seed 003 step 5: "The default for new repos is claude-sonnet-4-6." */
export const DEFAULT_MODEL = 'claude-sonnet-4-6';
/** Seed 003 step 6: the lighter model on the Anthropic provider. */
export const DEFAULT_GAP_ANALYSIS_MODEL = 'claude-haiku-4-5-20251001';

/**
 * Reads `PLANNING.md` (planning runs) or `WORKFLOW.md` (every other run) from the checkout's
 * root, picks the models, and sets up the agent with the Claude credential the auth precedence
 * selects. A missing file falls back to the built-in template (with a warning in the output); a
 * malformed one fails the run with its line; so does a Bedrock run without `model:` (seed 003:
 * there is no safe Bedrock default) or a run without any Claude credential.
 */
export async function loadWorkflow(ctx: RunContext): Promise<StepOutcome> {
  const name = ctx.payload.phase === 'planning' ? 'PLANNING.md' : 'WORKFLOW.md';
  const file = path.join(ctx.paths.repo, name);
  let workflow: WorkflowFile;
  const warnings: string[] = [];
  let text: string | undefined;
  try {
    text = readRegularFile(file);
  } catch (error) {
    if (error instanceof NotRegularFileError)
      throw new StepFailure(`${name} must be a regular file in the repository: ${error.message}`, {
        output: { file: name },
      });
    throw error;
  }
  try {
    if (text !== undefined) {
      workflow = parseWorkflowFile(text, name);
    } else {
      const fallback =
        ctx.payload.phase === 'planning' ? DEFAULT_PLANNING_TEMPLATE : DEFAULT_WORKFLOW_TEMPLATE;
      workflow = parseWorkflowFile(fallback, `built-in ${name}`);
      warnings.push(
        `${name} is missing in the repository; the built-in template is used (run Sync workflows)`,
      );
    }
  } catch (error) {
    if (error instanceof WorkflowFileError)
      throw new StepFailure(error.message, { output: { file: name, line: error.line } });
    throw error;
  }
  warnings.push(...workflow.warnings);
  for (const warning of warnings) ctx.log.warn(warning);
  ctx.state.workflow = workflow;

  const bedrock = ctx.payload.provider.name === 'bedrock';
  const { settings } = workflow;
  if (bedrock && !settings.model) {
    throw new StepFailure(
      `${name} must set model: for Bedrock runs (there is no safe Bedrock default), e.g. model: us.anthropic.claude-sonnet-4-6`,
      { output: { file: name } },
    );
  }
  const main = settings.model ?? DEFAULT_MODEL;
  ctx.state.models = {
    main,
    review: settings.reviewModel ?? main,
    gapAnalysis: settings.gapAnalysisModel ?? (bedrock ? main : DEFAULT_GAP_ANALYSIS_MODEL),
  };

  let agent;
  try {
    agent = ctx.provider.environment({
      provider: ctx.payload.provider,
      env: ctx.env,
      base: { ...ctx.sandbox.env, ...exposeSecrets(ctx, settings.secrets) },
    });
  } catch (error) {
    if (error instanceof AgentAuthError) throw new StepFailure(error.message);
    throw error;
  }
  ctx.agent = createAgentRunner({
    claudePath: ctx.settings.claudePath,
    cwd: ctx.paths.repo,
    env: agent.env,
    user: ctx.sandbox.user,
    logsDir: ctx.paths.logs,
    onUsage: (pass) => {
      ctx.state.usage = addUsage(ctx.state.usage, pass);
      ctx.state.passes.push(pass);
    },
  });
  return {
    output: {
      file: text !== undefined ? name : `built-in ${name}`,
      model: ctx.state.models.main,
      reviewModel: ctx.state.models.review,
      gapAnalysisModel: ctx.state.models.gapAnalysis,
      auth: agent.auth.kind,
      ...(settings.secrets.length > 0 ? { secrets: Object.keys(ctx.state.secretEnv) } : {}),
      hooks: {
        setup: settings.setup.length,
        verify: settings.verify.length,
        teardown: settings.teardown.length,
      },
      ...(warnings.length > 0 ? { warnings } : {}),
    },
  };
}

/**
 * The secrets WORKFLOW.md asks for (`secrets:`), as the hooks and the agent see them: the run's
 * own team's `PREFIX_NAME` under `NAME`, else a global `NAME` (runSecretValue). A name the runner
 * itself uses as a credential (GITHUB_TOKEN, the tracker keys, …) is refused with a warning; a
 * name with no value is warned about. Each value is redacted from the run's log from now on.
 * Sets `ctx.state.secretEnv` and returns it.
 */
function exposeSecrets(ctx: RunContext, names: string[]): Record<string, string> {
  const scope = ctx.payload.secrets ?? { prefix: '', otherPrefixes: [] };
  const exposed: Record<string, string> = {};
  for (const name of names) {
    if (isRunnerCredential(name)) {
      ctx.log.warn(
        `secret ${name} is one of the runner's own credentials and is never given to hooks or the agent`,
      );
      continue;
    }
    const value = scope.prefix ? runSecretValue(ctx.env, scope, name) : ctx.env[name];
    if (value === undefined) {
      ctx.log.warn(`secret ${name} is asked for by the workflow file but is not set for this run`);
      continue;
    }
    ctx.log.addSecret(value);
    exposed[name] = value;
  }
  ctx.state.secretEnv = exposed;
  return exposed;
}

export default defineStep({
  id: 'load-workflow',
  description: 'Reads WORKFLOW.md / PLANNING.md, picks the models and sets up the agent',
  options: NO_OPTIONS,
  run: (ctx) => loadWorkflow(ctx),
});
