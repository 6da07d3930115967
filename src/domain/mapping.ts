import { PHASES } from './phases.ts';
import { z } from 'zod';

/**
 * A project mapping: a ticketing scope (Linear team or Jira JQL) tied to a GitHub repository,
 * with how its runs are dispatched. Field names, defaults and rules follow the seed reference
 * "Configure project mappings" (`shared/seeds/001_…`).
 */

/** A string field whose absence reads "is required" rather than zod's type message. */
function requiredString() {
  return z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') });
}

const name = requiredString()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'may contain only letters, digits, ".", "_" and "-"');

const workflowFile = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.-]+\.ya?ml$/, 'must be a workflow file name ending in .yml or .yaml');

const positiveInt = (max: number) =>
  z.number().int('must be a whole number').min(1, 'must be at least 1').max(max);

/** An amount in US dollars: above 0, at most a million (a typo guard), cents or finer. */
const dollars = z
  .number({ error: 'must be a number of US dollars' })
  .positive('must be above 0')
  .max(1_000_000, 'must be at most 1000000');

export const LinearTicketingConfigSchema = z.object({ kind: z.literal('linear') }).strict();

export const JiraTicketingConfigSchema = z
  .object({
    kind: z.literal('jira'),
    jql: requiredString().trim().min(1, 'is required for Jira mappings'),
    repoFieldValue: requiredString().trim().min(1, 'is required for Jira mappings'),
    statusFieldOverride: z
      .string()
      .regex(/^customfield_\d+$/, 'must look like customfield_10500')
      .optional(),
    repoFieldOverride: z
      .string()
      .regex(/^customfield_\d+$/, 'must look like customfield_10501')
      .optional(),
  })
  .strict();

/** GitHub Issues (docs/decisions/github-issues.md): the issues of `repository`, default the mapping's own. */
export const GitHubTicketingConfigSchema = z
  .object({
    kind: z.literal('github'),
    repository: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, 'must be owner/repo, e.g. acme/planning')
      .optional(),
  })
  .strict();

export const TicketingConfigSchema = z.discriminatedUnion('kind', [
  LinearTicketingConfigSchema,
  JiraTicketingConfigSchema,
  GitHubTicketingConfigSchema,
]);

/** What a client sends to create or replace a mapping; defaults fill what it leaves out. */
export const MappingInputSchema = z
  .object({
    teamKey: requiredString()
      .trim()
      .min(1, 'is required')
      .max(50, 'must be at most 50 characters')
      .regex(/^[A-Za-z0-9_-]+$/, 'may contain only letters, digits, "_" and "-"'),
    owner: name,
    repo: name,
    workflowFile: workflowFile.default('claude-implement.yml'),
    defaultBranch: z
      .string({ error: 'is required: the branch pull requests target, e.g. main' })
      .trim()
      .min(1, 'is required: the branch pull requests target, e.g. main'),
    maxInProgressAiIssues: positiveInt(100).default(3),
    executionMode: z.enum(['github-actions', 'fly-machines']).default('github-actions'),
    sessionMode: z.enum(['autonomous', 'interactive', 'hybrid']).default('autonomous'),
    machineCpus: positiveInt(64).default(2),
    machineMemoryMb: z
      .number()
      .int('must be a whole number')
      .min(256, 'must be at least 256 (Fly Machines minimum)')
      .max(131072)
      .default(4096),
    planningEnabled: z.boolean().default(true),
    planningWorkflowFile: workflowFile.default('claude-plan.yml'),
    autoApprovePlans: z.boolean().default(true),
    extraEnv: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment variable names use letters, digits and _'),
        z.string(),
      )
      .default({}),
    provider: z.enum(['anthropic', 'bedrock']).default('anthropic'),
    awsRegion: z
      .string()
      .trim()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-west-2')
      .optional(),
    ticketingProvider: z.enum(['linear', 'jira', 'github']).default('linear'),
    ticketingConfig: TicketingConfigSchema.optional(),
    paused: z.boolean().default(false),
    maxTurns: positiveInt(1000).optional(),
    maxIterations: positiveInt(20).optional(),
    maxJobMinutes: positiveInt(360).optional(),
    /**
     * Checks whose failure never starts a ci-fix run (flaky or advisory ones), by check-run name
     * or status context; used when the base branch's required checks cannot be read (issue 17).
     */
    ignoredChecks: z
      .array(z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'))
      .max(100, 'may list at most 100 checks')
      .default([]),
    /** ci-fix runs one PR may have before it is handed to a person (issue 17); 0 turns ci-fix off. */
    maxCiFixAttempts: z
      .number()
      .int('must be a whole number')
      .min(0, 'must be at least 0')
      .max(10)
      .default(2),
    /**
     * Dollars one run may spend on the agent, passed to Claude Code as `--max-budget-usd` per
     * pass (issue 16); unlimited when unset.
     */
    maxRunCostUsd: dollars.optional(),
    /** Dollars the team's runs may spend per UTC day / calendar month (UTC); enforced by the gate. */
    dailyBudgetUsd: dollars.optional(),
    monthlyBudgetUsd: dollars.optional(),
    /**
     * New pickups wait (`review_capacity`) while this many of the team's AI pull requests are
     * open and not approved; unlimited when unset. Follow-up runs on existing PRs still go.
     */
    maxPullRequestsAwaitingReview: positiveInt(1000).optional(),
    /**
     * Which pipeline each phase runs (issue 20): phase → pipeline name (src/pipeline/*.yml or
     * custom/pipelines/*.yml); a phase left out runs the pipeline named like it. That the name
     * exists is checked when the mapping is saved (mapping-checks.ts) — it depends on custom/.
     */
    pipelines: z
      .partialRecord(
        z.enum(PHASES),
        z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'must be a pipeline name like implementation'),
      )
      .optional(),
    /** A custom runner image for Fly and local runs; otherwise AI_IMPLEMENT_RUNNER_IMAGE. */
    runnerImage: z.string().trim().min(1).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.provider === 'bedrock' && !value.awsRegion) {
      ctx.addIssue({ code: 'custom', path: ['awsRegion'], message: 'is required when provider is bedrock' });
    }
    if (value.provider === 'bedrock' && value.executionMode === 'fly-machines') {
      ctx.addIssue({
        code: 'custom',
        path: ['provider'],
        message: 'bedrock is not supported with executionMode fly-machines; use github-actions',
      });
    }
    const kind = value.ticketingConfig?.kind ?? value.ticketingProvider;
    if (kind !== value.ticketingProvider) {
      ctx.addIssue({
        code: 'custom',
        path: ['ticketingConfig', 'kind'],
        message: `must be "${value.ticketingProvider}" to match ticketingProvider`,
      });
    }
    if (value.ticketingProvider === 'jira' && !value.ticketingConfig) {
      ctx.addIssue({
        code: 'custom',
        path: ['ticketingConfig'],
        message: 'is required for Jira mappings: { kind: "jira", jql, repoFieldValue }',
      });
    }
  })
  .transform((value) => ({
    ...value,
    ticketingConfig:
      value.ticketingConfig ??
      (value.ticketingProvider === 'github' ? { kind: 'github' as const } : { kind: 'linear' as const }),
  }));

export type MappingInput = z.input<typeof MappingInputSchema>;
export type Mapping = z.output<typeof MappingInputSchema>;
export type TicketingConfig = z.output<typeof TicketingConfigSchema>;

/** The fields `PATCH /api/mappings/:teamKey` may change. */
export const MappingPatchSchema = z
  .object({
    maxInProgressAiIssues: positiveInt(100).optional(),
    paused: z.boolean().optional(),
  })
  .strict()
  .refine((patch) => patch.maxInProgressAiIssues !== undefined || patch.paused !== undefined, {
    message: 'send maxInProgressAiIssues and/or paused',
  });

export type MappingPatch = z.output<typeof MappingPatchSchema>;

/** Implement/review iterations when the mapping leaves it unset: 3 on Anthropic, 2 on Bedrock. */
export function defaultMaxIterations(mapping: Pick<Mapping, 'provider'>): number {
  return mapping.provider === 'bedrock' ? 2 : 3;
}

/** Default `maxJobMinutes` (seed 001); also the basis of the deadline for runs that never report. */
export const DEFAULT_MAX_JOB_MINUTES = 90;

/**
 * The capacity bucket a mapping's runs count against (seed 003, step 1): Linear groups by team
 * key — every mapping of one team shares a cap — while Jira and GitHub Issues group by mapping.
 */
export function capacityBucket(
  mapping: Pick<Mapping, 'teamKey' | 'ticketingProvider'>,
  ticketTeamKey?: string,
): string {
  return mapping.ticketingProvider === 'linear'
    ? `linear:${(ticketTeamKey ?? mapping.teamKey).toUpperCase()}`
    : `${mapping.ticketingProvider}:${mapping.teamKey}`;
}
