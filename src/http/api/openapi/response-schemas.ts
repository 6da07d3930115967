import { z } from 'zod';
import { MappingInputSchema } from '../../../domain/mapping.ts';

/*
 * The answers of the admin API as zod schemas, for the OpenAPI description (issue 16). The key
 * answers (mappings, work lists, overview, analytics, errors) are strict, so a field added to a
 * view without being described here fails the OpenAPI test; the rest name their top-level fields
 * and let the provider-shaped details through.
 */

const iso = z.string().meta({ description: 'ISO-8601 time (UTC)', example: '2026-12-01T09:30:00.000Z' });
const usd = z.number().meta({ description: 'US dollars' });

/** Every error: `{ error, message }`; 400s add `fields` naming each bad field and why. */
export const ErrorSchema = z
  .object({
    error: z.string().meta({ example: 'not_found' }),
    message: z.string(),
    fields: z.array(z.object({ field: z.string(), message: z.string() }).strict()).optional(),
    category: z.string().optional(),
  })
  .strict()
  .meta({ id: 'Error' });

export const MappingSchema = MappingInputSchema.meta({ id: 'Mapping' });

export const SignInAnswer = z.object({ token: z.string(), expiresAt: iso }).strict();

const NextCursor = z
  .string()
  .nullable()
  .meta({ description: 'Pass as `cursor` for the next page; null on the last page.' });

const Usage = z
  .object({
    costUsd: usd.nullable(),
    inputTokens: z.number().int().nullable(),
    outputTokens: z.number().int().nullable(),
    cacheReadTokens: z.number().int().nullable(),
    cacheCreationTokens: z.number().int().nullable(),
    turns: z.number().int().nullable(),
    model: z.string().nullable(),
    passes: z.array(z.unknown()),
  })
  .strict();

const Dispatch = z
  .object({
    dispatchId: z.string(),
    phase: z.string(),
    status: z.string(),
    dispatchNumber: z.number().int(),
    createdAt: iso,
    dispatchedAt: iso.nullable(),
    finishedAt: iso.nullable(),
    error: z.string().nullable(),
    prUrl: z.string().nullable(),
    costUsd: usd.nullable(),
  })
  .strict();

const Job = z
  .object({
    jobId: z.string(),
    issue: z
      .object({
        id: z.string(),
        identifier: z.string(),
        title: z.string(),
        url: z.string(),
        provider: z.string(),
      })
      .strict(),
    repo: z.string(),
    teamKey: z.string(),
    runnerMode: z.string(),
    image: z.string().nullable(),
    status: z.string(),
    prUrl: z.string().nullable(),
    createdAt: iso,
    dispatches: z.array(Dispatch),
  })
  .strict();

export const LogPage = z
  .object({ jobs: z.array(Job), dispatches: z.number().int(), nextCursor: NextCursor })
  .strict()
  .meta({ id: 'JobLogPage' });

const MappingCapacity = z
  .object({
    teamKey: z.string(),
    bucket: z.string(),
    inProgress: z.number().int(),
    cap: z.number().int(),
    paused: z.boolean(),
  })
  .strict();

const Issue = z
  .object({
    issueId: z.string(),
    identifier: z.string(),
    title: z.string(),
    url: z.string(),
    teamKey: z.string(),
    provider: z.string(),
    state: z.object({ name: z.string(), type: z.string() }).strict().nullable(),
    stage: z.string(),
    jobId: z.string().nullable(),
    blocker: z.object({ reason: z.string(), detail: z.string() }).strict().nullable(),
    readyForImplementation: z.boolean(),
    lastDispatchAt: iso.nullable(),
    costUsd: usd.nullable(),
  })
  .strict();

export const IssuesPage = z
  .object({ issues: z.array(Issue), inProgressByMapping: z.array(MappingCapacity), nextCursor: NextCursor })
  .strict()
  .meta({ id: 'IssuesPage' });

export const BlockersPage = z
  .object({
    total: z.number().int(),
    teamsAffected: z.number().int(),
    blockedByConcurrencyCap: z.number().int(),
    blockedByDedupWindow: z.number().int(),
    byReason: z.record(z.string(), z.number().int()),
    blockers: z.array(
      z
        .object({
          issueId: z.string(),
          identifier: z.string(),
          title: z.string(),
          url: z.string(),
          mapping: z.string(),
          bucket: z.string(),
          reason: z.string().meta({
            description: 'paused, breaker, dependency, in_flight, dedup, capacity, budget or review_capacity',
          }),
          detail: z.string(),
          blocking: z
            .array(z.looseObject({ identifier: z.string(), url: z.string() }))
            .meta({ description: 'The open tickets a `dependency` blocker waits for' }),
          recordedAt: iso,
        })
        .strict(),
    ),
    nextCursor: NextCursor,
  })
  .strict()
  .meta({ id: 'BlockersPage' });

export const PullsPage = z
  .object({
    pulls: z.array(
      z
        .object({
          repo: z.string(),
          number: z.number().int(),
          url: z.string(),
          branch: z.string(),
          issue: z.object({ id: z.string(), identifier: z.string(), url: z.string() }).strict(),
          teamKey: z.string(),
          jobId: z.string(),
          status: z.string(),
          iteration: z.number().int(),
          costUsd: usd.nullable(),
          lastDispatchAt: iso,
          secondsSinceLastDispatch: z.number().int(),
          state: z.string().meta({ description: 'open, merged or closed' }),
          followUpRuns: z.object({ used: z.number().int(), budget: z.number().int() }).strict(),
          pendingFeedback: z.number().int(),
          handedOver: z.boolean(),
          checks: z
            .object({
              state: z.string().nullable(),
              headSha: z.string().nullable(),
              summary: z.string().nullable(),
            })
            .strict(),
          ciFixRuns: z.object({ used: z.number().int(), max: z.number().int() }).strict(),
          links: z.object({ pullRequest: z.string(), issue: z.string(), branch: z.string() }).strict(),
        })
        .strict(),
    ),
    nextCursor: NextCursor,
  })
  .strict()
  .meta({ id: 'PullsPage' });

export const DedupPage = z
  .object({
    windowHours: z.number(),
    entries: z.array(
      z
        .object({
          issueId: z.string(),
          identifier: z.string(),
          title: z.string(),
          teamKey: z.string(),
          dispatchedAt: iso,
          expiresAt: iso,
          issueUrl: z.string().nullable(),
          jobId: z.string().nullable(),
          phase: z.string().nullable(),
          status: z.string().nullable(),
          inFlight: z.boolean().meta({ description: "The issue's newest run is pending or running" }),
          prUrl: z.string().nullable(),
        })
        .strict(),
    ),
    nextCursor: NextCursor,
  })
  .strict()
  .meta({ id: 'DedupPage' });

export const JobSteps = z
  .object({
    jobId: z.string(),
    issue: z.object({ id: z.string(), identifier: z.string(), title: z.string(), url: z.string() }).strict(),
    repo: z.string(),
    teamKey: z.string(),
    dispatches: z.array(Dispatch.omit({ costUsd: true }).extend({ usage: Usage.nullable() })),
    costUsd: usd.nullable(),
    stepRows: z.array(z.looseObject({})),
    plan: z.looseObject({}).nullable(),
    log: z
      .array(
        z
          .object({
            dispatchId: z.string(),
            receivedAt: iso,
            text: z.string(),
            detail: z.string().nullable(),
          })
          .strict(),
      )
      .meta({ description: 'Every progress report in words, oldest first' }),
    steps: z.array(
      z
        .object({
          dispatchId: z.string(),
          step: z.string(),
          status: z.string(),
          elapsedMs: z.number().nullable(),
          output: z.unknown(),
          receivedAt: iso,
        })
        .strict(),
    ),
  })
  .strict()
  .meta({ id: 'JobSteps' });

export const Overview = z
  .object({
    generatedAt: iso,
    runningJobs: z.array(
      z
        .object({
          jobId: z.string(),
          dispatchId: z.string(),
          issue: z
            .object({ id: z.string(), identifier: z.string(), title: z.string(), url: z.string() })
            .strict(),
          repo: z.string(),
          teamKey: z.string(),
          phase: z.string(),
          status: z.string(),
          dispatchNumber: z.number().int(),
          runnerMode: z.string(),
          startedAt: iso,
          durationSeconds: z.number(),
          waitingForInput: z
            .string()
            .nullable()
            .meta({ description: "The open question of a run waiting for a person's answer, or null" }),
        })
        .strict(),
    ),
    failedLast24h: z
      .object({
        count: z.number().int(),
        jobs: z.array(
          z
            .object({
              jobId: z.string(),
              identifier: z.string(),
              title: z.string(),
              url: z.string(),
              phase: z.string(),
              error: z.string().nullable(),
            })
            .strict(),
        ),
      })
      .strict(),
    capacity: z
      .object({
        inProgress: z.number().int(),
        cap: z.number().int(),
        utilization: z.number(),
        byMapping: z.array(MappingCapacity),
      })
      .strict(),
    projectsAtCap: z.array(MappingCapacity),
    trend: z.array(
      z
        .object({
          start: iso,
          total: z.number().int(),
          succeeded: z.number().int(),
          failed: z.number().int(),
          inFlight: z.number().int(),
        })
        .strict(),
    ),
  })
  .strict()
  .meta({ id: 'Overview' });

const Quantiles = z
  .object({ median: z.number().nullable(), p90: z.number().nullable(), count: z.number().int() })
  .strict()
  .meta({ description: 'Seconds; null without data.' });

export const Analytics = z
  .object({
    from: iso,
    to: iso,
    teamKey: z.string().nullable(),
    runs: z.array(z.object({ phase: z.string(), outcome: z.string(), count: z.number().int() }).strict()),
    pullRequests: z
      .object({
        opened: z.number().int(),
        merged: z.number().int(),
        closedUnmerged: z.number().int(),
        open: z.number().int(),
      })
      .strict(),
    mergeRate: z.number().min(0).max(1).nullable(),
    pickupToPrSeconds: Quantiles,
    prToMergeSeconds: Quantiles,
    reviewFixPassesPerMergedPr: z.number().nullable(),
    costPerMergedPrUsd: usd.nullable(),
    costByTeamWeek: z.array(z.object({ teamKey: z.string(), weekStart: iso, costUsd: usd }).strict()),
    topFailureReasons: z.array(z.object({ reason: z.string(), count: z.number().int() }).strict()),
  })
  .strict()
  .meta({ id: 'Analytics' });

export const ConfigStatus = z
  .object({
    ok: z.boolean(),
    checks: z.array(
      z
        .object({
          name: z.string(),
          label: z.string(),
          ok: z.boolean(),
          detail: z.string(),
          fix: z
            .object({ href: z.string(), text: z.string() })
            .strict()
            .optional()
            .meta({ description: 'Where a check that needs attention is fixed' }),
        })
        .strict(),
    ),
  })
  .strict();

export const SecretEntry = z.looseObject({
  name: z.string(),
  storedAs: z.string(),
  updatedAt: iso.nullable(),
});
