import { z } from 'zod';
import { MappingPatchSchema } from '../../../domain/mapping.ts';
import { AnalyticsQuerySchema } from '../analytics-routes.ts';
import type { RouteDescription } from './describe-route.ts';
import {
  Analytics,
  BlockersPage,
  ConfigStatus,
  DedupPage,
  IssuesPage,
  JobSteps,
  LogPage,
  MappingSchema,
  Overview,
  PullsPage,
} from './response-schemas.ts';

const PageQuery = z.object({
  limit: z
    .string()
    .optional()
    .meta({ description: 'Rows per page (a whole number; default and maximum per list)' }),
  cursor: z.string().optional().meta({ description: "The previous page's `nextCursor`, as it is" }),
});
const BAD_PAGE = { 400: '`limit` or `cursor` is not valid (the field is named)' };
const BAD_BODY = { 400: 'the body is not valid: `fields` names each field and why' };

/** Projects, the Work panels, Overview, Analytics and templates (src/http/api/*-routes.ts). */
export const WORK_ROUTES: RouteDescription[] = [
  {
    method: 'get',
    path: '/api/mappings',
    tag: 'Projects',
    summary: 'List the project mappings',
    ok: {
      200: { description: 'Every mapping', schema: z.object({ mappings: z.array(MappingSchema) }).strict() },
    },
  },
  {
    method: 'post',
    path: '/api/mappings',
    tag: 'Projects',
    summary: 'Create or replace a project mapping',
    body: MappingSchema,
    ok: {
      200: { description: 'Replaced', schema: z.object({ mapping: MappingSchema }).strict() },
      201: { description: 'Created', schema: z.object({ mapping: MappingSchema }).strict() },
    },
    errors: BAD_BODY,
  },
  {
    method: 'post',
    path: '/api/mappings/validate',
    tag: 'Projects',
    summary: "Check a mapping with POST's rules without saving it",
    body: MappingSchema,
    ok: {
      200: {
        description: 'Valid: the mapping with its defaults filled in; `exists` when the teamKey is taken',
        schema: z.object({ valid: z.literal(true), mapping: MappingSchema, exists: z.boolean() }).strict(),
      },
    },
    errors: BAD_BODY,
  },
  {
    method: 'patch',
    path: '/api/mappings/:teamKey',
    tag: 'Projects',
    summary: 'Change maxInProgressAiIssues or paused',
    body: MappingPatchSchema,
    ok: {
      200: { description: 'The updated mapping', schema: z.object({ mapping: MappingSchema }).strict() },
    },
    errors: { ...BAD_BODY, 404: 'no mapping with that teamKey' },
  },
  {
    method: 'delete',
    path: '/api/mappings/:teamKey',
    tag: 'Projects',
    summary: "Delete a mapping (with `deleteSecrets=true`, first its team's Fly secrets)",
    query: z.object({ deleteSecrets: z.enum(['true', 'false']).optional() }),
    ok: {
      200: {
        description: 'Deleted',
        schema: z.object({ deleted: z.string(), deletedSecrets: z.array(z.string()).optional() }).strict(),
      },
    },
    errors: {
      404: 'no mapping with that teamKey',
      502: 'Fly refused',
      503: 'Fly is not configured or rate-limits',
    },
  },
  {
    method: 'post',
    path: '/api/mappings/:teamKey/sync-workflows',
    tag: 'Templates',
    summary: "Open or update the repository's workflow sync pull request",
    ok: {
      200: {
        description: 'opened, updated, unchanged or up_to_date',
        schema: z.looseObject({ status: z.string(), message: z.string() }),
      },
    },
    errors: {
      404: 'no mapping with that teamKey',
      409: "the repository's mappings conflict (`fields` names the field)",
      502: 'GitHub refused',
      503: 'no template sync here, or GitHub rate-limits (Retry-After)',
    },
  },
  {
    method: 'get',
    path: '/api/admin/template-status',
    tag: 'Templates',
    summary: 'Workflow templates and where each repository stands',
    ok: {
      200: {
        description: 'Templates and repositories',
        schema: z.object({
          templates: z.array(z.object({ name: z.string(), version: z.string() })),
          repos: z.array(z.looseObject({ repository: z.string(), status: z.string() })),
        }),
      },
    },
    errors: { 503: 'no template sync here (no GitHub App client)' },
  },
  {
    method: 'get',
    path: '/api/admin/config-status',
    tag: 'Overview',
    summary: 'Environment checks, run now',
    ok: { 200: { description: 'Each check', schema: ConfigStatus } },
  },
  {
    method: 'get',
    path: '/api/overview',
    tag: 'Overview',
    summary: "The Overview panel's numbers",
    ok: { 200: { description: 'Running jobs, failures, capacity, the 24-hour trend', schema: Overview } },
  },
  {
    method: 'get',
    path: '/api/analytics',
    tag: 'Analytics',
    summary: 'Outcomes and spend of a window (JSON, or CSV with format=csv)',
    description: 'The window is `[from, to)`, default the last 30 days, at most 366 days.',
    query: AnalyticsQuerySchema,
    ok: {
      200: { description: 'The figures (JSON; `format=csv` answers text/csv)', schema: Analytics },
    },
    errors: { 400: 'a parameter is not valid (named in `fields`)' },
  },
  {
    method: 'get',
    path: '/api/log',
    tag: 'Work',
    summary: 'Dispatch log: one page of dispatches grouped into jobs, newest first',
    query: PageQuery,
    ok: { 200: { description: 'One page', schema: LogPage } },
    errors: BAD_PAGE,
  },
  {
    method: 'get',
    path: '/api/issues',
    tag: 'Work',
    summary: 'Issues inbox: one page by team and identifier',
    query: PageQuery,
    ok: { 200: { description: 'One page', schema: IssuesPage } },
    errors: BAD_PAGE,
  },
  {
    method: 'get',
    path: '/api/blockers',
    tag: 'Work',
    summary: 'Why tickets are held back: counts and one page of blockers',
    query: PageQuery,
    ok: { 200: { description: 'One page', schema: BlockersPage } },
    errors: BAD_PAGE,
  },
  {
    method: 'get',
    path: '/api/pulls',
    tag: 'Work',
    summary: 'Pull requests the agent opened, with their follow-up loop',
    query: PageQuery,
    ok: { 200: { description: 'One page', schema: PullsPage } },
    errors: BAD_PAGE,
  },
  {
    method: 'get',
    path: '/api/dedup',
    tag: 'Work',
    summary: 'Issues inside the dedup window',
    query: PageQuery,
    ok: { 200: { description: 'One page', schema: DedupPage } },
    errors: BAD_PAGE,
  },
  {
    method: 'delete',
    path: '/api/dedup/:issueId',
    tag: 'Work',
    summary: 'Remove an issue from the dedup window',
    ok: { 200: { description: 'Removed', schema: z.object({ removed: z.string() }).strict() } },
    errors: { 404: 'the issue is not in the dedup window' },
  },
  {
    method: 'get',
    path: '/api/jobs/:jobId/steps',
    tag: 'Work',
    summary: "A job's dispatches, usage and runner steps",
    ok: { 200: { description: 'The job', schema: JobSteps } },
    errors: { 404: 'no such job' },
  },
  {
    method: 'post',
    path: '/api/issues/:issueId/approve-plan',
    tag: 'Work',
    summary: "Approve the issue's plan and dispatch its implementation",
    ok: {
      202: {
        description: 'Approved; the implementation dispatch (null when it was held back)',
        schema: z.object({ approved: z.literal(true), jobId: z.string(), dispatch: z.unknown() }).strict(),
      },
    },
    errors: { 404: 'no dispatch for the issue', 409: 'no plan awaits approval' },
  },
  {
    method: 'post',
    path: '/api/issues/:issueId/clear-breaker',
    tag: 'Work',
    summary: "Clear the issue's failure breaker",
    ok: { 200: { description: 'Cleared', schema: z.object({ cleared: z.string() }).strict() } },
    errors: { 404: 'the issue is not parked' },
  },
  {
    method: 'get',
    path: '/api/dispatches/:dispatchId',
    tag: 'Work',
    summary: 'One dispatch row of the ledger',
    ok: {
      200: { description: 'The dispatch', schema: z.object({ dispatch: z.looseObject({ id: z.string() }) }) },
    },
    errors: { 404: 'no such dispatch' },
  },
];
