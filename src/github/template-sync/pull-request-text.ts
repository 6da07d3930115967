import type { FileStatus } from './file-status.ts';
import type { RepoTarget } from './render-templates.ts';

/**
 * Title and body of the Sync workflows pull request. The body says what merging changes and
 * what the repository must have set up before the first run (seed 000, "Target-repo workflow
 * secrets"; seed 001, run caps), limited to what the repository's mappings use.
 */

export const SYNC_PULL_TITLE = 'AI-Implement: sync workflow templates';

export interface PullRequestTextOptions {
  /** The orchestrator's public base URL, when known: the value of AI_IMPLEMENT_ORCHESTRATOR_URL. */
  orchestratorUrl: string | undefined;
}

function change(file: FileStatus): string {
  if (file.state === 'missing') return 'added';
  return `updated — ${file.reason ?? 'changed'}`;
}

function setupLines(target: RepoTarget, options: PullRequestTextOptions): string[] {
  const uses = (value: string) =>
    target.mappings.some((m) => m.provider === value || m.ticketingProvider === value);
  const secrets = [
    '`AI_IMPLEMENT_APP_ID` and `AI_IMPLEMENT_PRIVATE_KEY`: the GitHub App id and private key (PEM)',
    ...(uses('anthropic') ? ['`CLAUDE_CODE_OAUTH_TOKEN` (preferred) or `ANTHROPIC_API_KEY`'] : []),
    ...(uses('bedrock') ? ['`AWS_BEDROCK_ROLE_ARN`: the IAM role the workflow assumes through OIDC'] : []),
    ...(uses('linear')
      ? ['`LINEAR_API_KEY`: the runner posts the plan and the pull request link on the Linear issue with it']
      : []),
    ...(uses('jira')
      ? [
          '`JIRA_TOKEN`, `JIRA_CLOUD_ID`, `JIRA_SITE_URL` (and `JIRA_EMAIL` for basic auth), the orchestrator’s values: ' +
            'the runner posts the plan and the pull request link on the Jira issue with them',
        ]
      : []),
    "`GAP_FILL_TRIGGER_SECRET`: the orchestrator's value, for `/ai-implement` comments",
  ];
  const url = options.orchestratorUrl
    ? `\`${options.orchestratorUrl}\``
    : "the orchestrator's public base URL";
  const variables = [
    `\`AI_IMPLEMENT_ORCHESTRATOR_URL\`: ${url}`,
    '`AI_IMPLEMENT_RUNNER_REPOSITORY`: `owner/name` of the AI-Implement repository the runner is checked out from (`AI_IMPLEMENT_RUNNER_REF` pins a tag or commit; `AI_IMPLEMENT_RUNNER_TOKEN`, a secret, reads a private one)',
    'optional: `AI_IMPLEMENT_RUNS_ON` (default `ubuntu-latest`) and the run caps `AI_IMPLEMENT_MAX_TURNS`, `AI_IMPLEMENT_MAX_ITERATIONS`, `AI_IMPLEMENT_MAX_JOB_MINUTES` (the project mapping’s caps win)',
  ];
  return [
    '### Before the first run',
    '',
    'Repository secrets (Settings → Secrets and variables → Actions):',
    ...secrets.map((line) => `- ${line}`),
    '',
    'Repository variables:',
    ...variables.map((line) => `- ${line}`),
  ];
}

/** The pull request body for `files` (judged against the default branch). */
export function syncPullBody(
  target: RepoTarget,
  files: readonly FileStatus[],
  options: PullRequestTextOptions,
): string {
  const teams = [...new Set(target.mappings.map((m) => m.teamKey))].join(', ');
  const changed = files.filter((f) => f.action !== 'none');
  const kept = files.filter((f) => f.action === 'none' && f.state !== 'current');
  return [
    `Opened by AI-Implement's **Sync workflows** for the project mapping(s) ${teams}. Merging it gives`,
    `\`${target.defaultBranch}\` the workflows and starter files AI-Implement runs with; the next sync updates`,
    'this pull request rather than opening another.',
    '',
    '| File | Template | Change |',
    '| --- | --- | --- |',
    ...changed.map((f) => `| \`${f.path}\` | ${f.template}@${f.version} | ${change(f)} |`),
    ...(kept.length > 0
      ? ['', 'Left as they are:', ...kept.map((f) => `- \`${f.path}\`: ${f.reason ?? f.state}`)]
      : []),
    '',
    ...setupLines(target, options),
    '',
  ].join('\n');
}
