/**
 * The New project stepper's eight steps and the mapping fields each one asks for (seed 001 field
 * reference, seed 002 stepper). This file only says *what* to ask and how to label it; whether a
 * value is acceptable is decided by the server (`MappingInputSchema` through
 * `POST /api/mappings/validate`), so the UI can never drift from the API's rules.
 */

/** `list`: a comma-separated text field sent as an array of strings (`ignoredChecks`). */
export type FieldKind = 'text' | 'number' | 'checkbox' | 'select' | 'radio' | 'env' | 'list';

export interface StepField {
  /** The mapping field's path as the API reports it in errors (`ticketingConfig.jql`). */
  name: string;
  label: string;
  kind: FieldKind;
  options?: { value: string; label: string }[];
  help?: string;
  /** What the server uses when the field is left blank. */
  placeholder?: string;
  /** Marked required for people and assistive tools; the server still decides. */
  required?: boolean;
  /** Shown only while another field has this value (`provider=bedrock`). */
  showWhen?: string;
  /** Fixed once the mapping exists (it is the mapping's key). */
  fixedOnEdit?: boolean;
  /** A `number` field that takes cents (dollar amounts); others take whole numbers. */
  decimal?: boolean;
}

export interface Step {
  id: string;
  title: string;
  intro: string;
  fields: StepField[];
}

const onlyJira = 'ticketingProvider=jira';

export const STEPS: Step[] = [
  {
    id: 'ticketing',
    title: 'Ticketing System',
    intro: 'Which tracker this project watches, and which scope of it.',
    fields: [
      {
        name: 'ticketingProvider',
        label: 'Ticketing system',
        kind: 'radio',
        options: [
          { value: 'linear', label: 'Linear' },
          { value: 'jira', label: 'Jira' },
          { value: 'github', label: 'GitHub Issues' },
        ],
      },
      {
        name: 'teamKey',
        label: 'Team key',
        kind: 'text',
        required: true,
        fixedOnEdit: true,
        help: 'Linear: the team identifier shown in issue numbers (ENG in ENG-42). Jira and GitHub Issues: a label you choose for this mapping.',
      },
      {
        name: 'ticketingConfig.repository',
        label: 'Issues repository (optional)',
        kind: 'text',
        showWhen: 'ticketingProvider=github',
        help: 'owner/repo whose issues this project watches, e.g. acme/planning; empty: the code repository of the next step.',
      },
      {
        name: 'ticketingConfig.jql',
        label: 'JQL',
        kind: 'text',
        showWhen: onlyJira,
        help: 'e.g. project = ACME',
      },
      {
        name: 'ticketingConfig.repoFieldValue',
        label: 'AI-Implement Repo field value',
        kind: 'text',
        showWhen: onlyJira,
        help: 'The option value of the AI-Implement Repo custom field, e.g. my-org/my-api.',
      },
      {
        name: 'ticketingConfig.statusFieldOverride',
        label: 'Status field override (optional)',
        kind: 'text',
        showWhen: onlyJira,
        help: 'customfield_NNNNN, only when discovery by name is ambiguous.',
      },
      {
        name: 'ticketingConfig.repoFieldOverride',
        label: 'Repo field override (optional)',
        kind: 'text',
        showWhen: onlyJira,
        help: 'customfield_NNNNN, only when discovery by name is ambiguous.',
      },
    ],
  },
  {
    id: 'source',
    title: 'Source',
    intro: 'The GitHub repository runs work in. The GitHub App must be installed on it.',
    fields: [
      {
        name: 'owner',
        label: 'GitHub owner',
        kind: 'text',
        required: true,
        help: 'Organization or user, e.g. my-org.',
      },
      { name: 'repo', label: 'Repository name', kind: 'text', required: true, help: 'e.g. my-api.' },
      {
        name: 'defaultBranch',
        label: 'Default branch',
        kind: 'text',
        required: true,
        help: 'The branch pull requests target; must match the repository’s primary branch (main, master, development…).',
      },
      {
        name: 'workflowFile',
        label: 'Implementation workflow file',
        kind: 'text',
        placeholder: 'claude-implement.yml',
      },
    ],
  },
  {
    id: 'planning',
    title: 'Planning',
    intro: 'Whether a read-only planning run comes before implementation, and who approves its plan.',
    fields: [
      { name: 'planningEnabled', label: 'Run a planning phase first', kind: 'checkbox' },
      {
        name: 'planningWorkflowFile',
        label: 'Planning workflow file',
        kind: 'text',
        placeholder: 'claude-plan.yml',
      },
      {
        name: 'autoApprovePlans',
        label: 'Start implementation as soon as the plan is ready',
        kind: 'checkbox',
        help: 'Off: a person approves each plan (Issues panel, or the Plan-Approved label).',
      },
    ],
  },
  {
    id: 'runner',
    title: 'Runner',
    intro: 'Where runs execute and how the Claude session behaves.',
    fields: [
      // Interactive sessions are refused by this build (docs/decisions/not-in-this-build.md):
      // not offered here. The Fly Machines fields show only for that mode.
      {
        name: 'executionMode',
        label: 'Execution mode',
        kind: 'select',
        options: [
          { value: 'github-actions', label: 'GitHub Actions' },
          { value: 'fly-machines', label: 'Fly Machines' },
        ],
        help: 'Fly Machines runs need FLY_SESSIONS_TOKEN and the sessions app on the orchestrator (docs/fly-machines.md).',
      },
      {
        name: 'machineCpus',
        label: 'machineCpus — vCPUs per Machine',
        kind: 'number',
        placeholder: '2',
        showWhen: 'executionMode=fly-machines',
      },
      {
        name: 'machineMemoryMb',
        label: 'machineMemoryMb — memory per Machine (MB)',
        kind: 'number',
        placeholder: '4096',
        showWhen: 'executionMode=fly-machines',
      },
      {
        name: 'runnerImage',
        label: 'Runner image',
        kind: 'text',
        placeholder: 'AI_IMPLEMENT_RUNNER_IMAGE',
        help: 'Leave blank for the orchestrator’s AI_IMPLEMENT_RUNNER_IMAGE.',
        showWhen: 'executionMode=fly-machines',
      },
      {
        name: 'extraEnv',
        label: 'Extra environment',
        kind: 'env',
        help: 'NAME=value, one per line, set on every Machine of this project. Not for secrets: use the Secrets panel.',
        showWhen: 'executionMode=fly-machines',
      },
      {
        name: 'pipelines',
        label: 'Pipelines per phase',
        kind: 'env',
        placeholder: 'implementation=implementation-with-changelog',
        help: 'phase=pipeline, one per line, to run another pipeline than the one named like the phase (Configure → Pipelines & steps lists them; custom/README.md).',
      },
      {
        name: 'sessionMode',
        label: 'Session mode',
        kind: 'select',
        options: [
          { value: 'autonomous', label: 'Autonomous' },
          { value: 'interactive', label: 'Interactive' },
          { value: 'hybrid', label: 'Hybrid' },
        ],
        help: 'Autonomous: Claude works to completion. Interactive: it asks the ticket at decision points and waits for the answer. Hybrid: it asks only when unsure. Questions go to the Linear agent session, else a ticket comment; no answer within the job time fails the run.',
      },
    ],
  },
  {
    id: 'provider',
    title: 'Provider',
    intro: 'Which Claude provider the runs use.',
    fields: [
      {
        name: 'provider',
        label: 'Claude provider',
        kind: 'radio',
        options: [
          { value: 'anthropic', label: 'Anthropic' },
          { value: 'bedrock', label: 'AWS Bedrock' },
        ],
      },
      {
        name: 'awsRegion',
        label: 'AWS region',
        kind: 'text',
        showWhen: 'provider=bedrock',
        help: 'The region of your Bedrock inference profile, e.g. us-west-2. Bedrock works with GitHub Actions only.',
      },
    ],
  },
  {
    id: 'capacity',
    title: 'Capacity',
    intro: 'How much runs at once, and the caps of each run. Leave a field blank for its default.',
    fields: [
      { name: 'maxInProgressAiIssues', label: 'Concurrent runs (cap)', kind: 'number', placeholder: '3' },
      { name: 'maxTurns', label: 'maxTurns — Claude turns per run', kind: 'number', placeholder: '50' },
      {
        name: 'maxIterations',
        label: 'maxIterations — implement/review cycles',
        kind: 'number',
        placeholder: '3 (Anthropic), 2 (Bedrock)',
      },
      { name: 'maxJobMinutes', label: 'maxJobMinutes — job timeout', kind: 'number', placeholder: '90' },
      {
        name: 'maxCiFixAttempts',
        label: 'maxCiFixAttempts — ci-fix runs per pull request',
        kind: 'number',
        placeholder: '2',
        help: 'When a pull request’s checks fail, this many runs try to fix them before a person is asked; 0 turns it off.',
      },
      {
        name: 'ignoredChecks',
        label: 'ignoredChecks — checks whose failure starts no ci-fix run',
        kind: 'list',
        placeholder: 'e.g. coverage, preview-deploy',
        help: 'Comma-separated check names. Used when the base branch’s required checks cannot be read.',
      },
      {
        name: 'maxRunCostUsd',
        label: 'maxRunCostUsd — dollars one run may spend',
        kind: 'number',
        decimal: true,
        placeholder: 'no cap',
        help: 'Passed to Claude Code as --max-budget-usd; each pass gets what is left. A run that spends it fails with the reason on the ticket.',
      },
      {
        name: 'dailyBudgetUsd',
        label: 'dailyBudgetUsd — dollars per UTC day',
        kind: 'number',
        decimal: true,
        placeholder: 'no budget',
        help: 'Once spent, new runs wait with a budget blocker until 00:00 UTC.',
      },
      {
        name: 'monthlyBudgetUsd',
        label: 'monthlyBudgetUsd — dollars per calendar month (UTC)',
        kind: 'number',
        decimal: true,
        placeholder: 'no budget',
      },
      {
        name: 'maxPullRequestsAwaitingReview',
        label: 'maxPullRequestsAwaitingReview — open AI pull requests not yet approved',
        kind: 'number',
        placeholder: 'no limit',
        help: 'At this many, new tickets wait (review_capacity) until one is approved or merged; follow-ups still run.',
      },
    ],
  },
  {
    id: 'secrets',
    title: 'Secrets',
    intro: 'Credentials live in the target repository (or organization), never in this form.',
    fields: [],
  },
  {
    id: 'review',
    title: 'Review',
    intro: 'Check the project as the server will store it, defaults filled in.',
    fields: [{ name: 'paused', label: 'Paused: pick up no issues until it is resumed', kind: 'checkbox' }],
  },
];
