import { z } from 'zod';
import { SignInSchema } from '../auth-routes.ts';
import { ValidateJqlSchema } from '../jira-routes.ts';
import { RunnerModeBody, SecretBody, SettingsBody } from '../platform-routes.ts';
import type { RouteDescription } from './describe-route.ts';
import { SecretEntry, SignInAnswer } from './response-schemas.ts';

const FLY_ERRORS = {
  502: 'Fly refused or failed (its reason)',
  503: 'Fly is not configured, or rate-limits (Retry-After)',
};
const BAD_BODY = { 400: 'the body is not valid: `fields` names each field and why' };
const HANDLED = {
  200: { description: 'Handled, ignored or a duplicate delivery', schema: z.looseObject({}) },
};
const SETTING = z.looseObject({ value: z.string().nullable(), envVar: z.string() });

/** The team and global secrets routes share one shape (platform-routes.ts `secretRoutes`). */
function secretRoutes(base: string, scope: string): RouteDescription[] {
  return [
    {
      method: 'get',
      path: base,
      tag: 'Secrets',
      summary: `List the ${scope} secrets (names only)`,
      ok: { 200: { description: 'Names and when set', schema: z.object({ secrets: z.array(SecretEntry) }) } },
      errors: { 404: 'unknown mapping', ...FLY_ERRORS },
    },
    {
      method: 'post',
      path: base,
      tag: 'Secrets',
      summary: `Set a ${scope} secret`,
      body: SecretBody,
      ok: {
        201: {
          description: 'Stored (the value is never answered)',
          schema: z.object({ secret: SecretEntry }),
        },
      },
      errors: { ...BAD_BODY, 404: 'unknown mapping', ...FLY_ERRORS },
    },
    {
      method: 'delete',
      path: `${base}/:name`,
      tag: 'Secrets',
      summary: `Delete a ${scope} secret`,
      ok: { 200: { description: 'Deleted', schema: z.object({ deleted: z.string() }).strict() } },
      errors: { 404: 'no such secret', ...FLY_ERRORS },
    },
  ];
}

/** Sign-in, Platform, sessions, reaper, tracker and GitHub helpers, and the signed webhooks. */
export const PLATFORM_ROUTES: RouteDescription[] = [
  {
    method: 'post',
    path: '/api/auth',
    tag: 'Sign-in',
    summary: 'Exchange ADMIN_ACCESS_CODE for a bearer token',
    open: true,
    body: SignInSchema,
    ok: { 200: { description: 'A session token', schema: SignInAnswer } },
    errors: { ...BAD_BODY, 401: 'wrong access code', 429: 'too many wrong codes (Retry-After)' },
  },
  {
    method: 'post',
    path: '/api/auth/sign-out',
    tag: 'Sign-in',
    summary: "End the caller's session",
    ok: { 200: { description: 'Signed out', schema: z.object({ signedOut: z.literal(true) }).strict() } },
  },
  {
    method: 'get',
    path: '/api/runner-mode',
    tag: 'Platform',
    summary: 'The runner mode and where it comes from',
    ok: {
      200: {
        description: 'The mode',
        schema: z.looseObject({
          mode: z.string(),
          source: z.string(),
          databaseValue: z.string().nullable(),
          envLock: z.boolean(),
        }),
      },
    },
  },
  {
    method: 'post',
    path: '/api/runner-mode',
    tag: 'Platform',
    summary: 'Store the runner mode',
    body: RunnerModeBody,
    ok: {
      200: {
        description: 'The new state',
        schema: z.looseObject({ mode: z.string(), envLock: z.boolean() }),
      },
    },
    errors: BAD_BODY,
  },
  {
    method: 'get',
    path: '/api/settings',
    tag: 'Platform',
    summary: 'Fly sessions settings',
    ok: {
      200: {
        description: 'Each setting',
        schema: z.object({ flySessionsApp: SETTING, flySessionsRegion: SETTING }),
      },
    },
  },
  {
    method: 'post',
    path: '/api/settings',
    tag: 'Platform',
    summary: 'Store Fly sessions settings',
    body: SettingsBody,
    ok: {
      200: {
        description: 'Each setting',
        schema: z.object({ flySessionsApp: SETTING, flySessionsRegion: SETTING }),
      },
    },
    errors: BAD_BODY,
  },
  ...secretRoutes('/api/global-secrets', 'global'),
  ...secretRoutes('/api/mappings/:teamKey/secrets', "team's"),
  {
    method: 'post',
    path: '/api/mappings/:teamKey/github-secrets',
    tag: 'Secrets',
    summary: "Write a team secret into its repository's Actions secrets",
    body: SecretBody,
    ok: {
      201: {
        description: 'Written',
        schema: z.object({
          secret: z.looseObject({ name: z.string(), repository: z.string(), created: z.boolean() }),
        }),
      },
    },
    errors: { ...BAD_BODY, 404: 'unknown mapping', 502: 'GitHub refused', 503: 'no GitHub App client here' },
  },
  {
    method: 'get',
    path: '/api/sessions',
    tag: 'Sessions',
    summary: "The Fly sessions app's live Machines",
    ok: { 200: { description: 'Sessions', schema: z.object({ sessions: z.array(z.looseObject({})) }) } },
    errors: FLY_ERRORS,
  },
  {
    method: 'delete',
    path: '/api/sessions/:machineId',
    tag: 'Sessions',
    summary: 'Destroy a session Machine and end its run',
    ok: { 200: { description: 'Destroyed', schema: z.object({ destroyed: z.string() }).strict() } },
    errors: { 400: 'not a Fly Machine id', 404: 'no such Machine', ...FLY_ERRORS },
  },
  {
    method: 'get',
    path: '/api/reaper/summary',
    tag: 'Reaper',
    summary: "The reaper's last 24 hours",
    ok: {
      200: {
        description: 'Counts by rule',
        schema: z.looseObject({
          windowHours: z.number(),
          total: z.number().int(),
          byRule: z.record(z.string(), z.number()),
          dryRun: z.boolean(),
        }),
      },
    },
  },
  {
    method: 'get',
    path: '/api/reaper/recent',
    tag: 'Reaper',
    summary: "The reaper's recent actions, newest first",
    query: z.object({ limit: z.string().optional().meta({ description: '1–500, default 50' }) }),
    ok: { 200: { description: 'Actions', schema: z.object({ actions: z.array(z.looseObject({})) }) } },
    errors: { 400: '`limit` is not 1–500' },
  },
  {
    method: 'get',
    path: '/api/shadow-runs',
    tag: 'Reaper',
    summary: 'Shadow mode: each GitHub Actions run beside its Fly shadow (outcome, duration, cost)',
    query: z.object({ limit: z.string().optional().meta({ description: '1–500, default 50' }) }),
    ok: {
      200: {
        description: 'Comparisons, newest first',
        schema: z.object({
          runs: z.array(
            z.looseObject({
              shadowId: z.string(),
              dispatchId: z.string(),
              primary: z.looseObject({ status: z.string() }),
              shadow: z.looseObject({ status: z.string() }),
            }),
          ),
        }),
      },
    },
    errors: { 400: '`limit` is not 1–500' },
  },
  {
    method: 'post',
    path: '/api/jira/validate-jql',
    tag: 'Trackers',
    summary: 'Check a JQL query against Jira',
    body: ValidateJqlSchema,
    ok: {
      200: {
        description: '`{ valid: true, count }` or `{ valid: false, errors }`',
        schema: z.looseObject({ valid: z.boolean() }),
      },
    },
    errors: { ...BAD_BODY, 502: 'Jira failed', 503: 'Jira rate-limits' },
  },
  {
    method: 'get',
    path: '/api/jira/projects',
    tag: 'Trackers',
    summary: "The Jira projects the account may browse (the stepper's picker)",
    ok: {
      200: {
        description: 'Projects',
        schema: z.object({ projects: z.array(z.looseObject({ key: z.string(), name: z.string() })) }),
      },
    },
    errors: { 400: 'Jira is not configured', 502: 'Jira failed', 503: 'Jira rate-limits' },
  },
  {
    method: 'get',
    path: '/api/jira/fields',
    tag: 'Trackers',
    summary: 'Jira custom fields and how the AI-Implement fields resolve',
    ok: { 200: { description: 'Fields', schema: z.looseObject({}) } },
    errors: { 400: 'Jira is not configured', 502: 'Jira failed', 503: 'Jira rate-limits' },
  },
  {
    method: 'get',
    path: '/api/jira/field-options',
    tag: 'Trackers',
    summary: "A Jira select field's options",
    query: z.object({ fieldId: z.string().regex(/^customfield_\d+$/) }),
    ok: { 200: { description: 'Options', schema: z.looseObject({}) } },
    errors: {
      400: '`fieldId` is not a custom field id, or Jira is not configured',
      404: 'no such field',
      502: 'Jira failed',
    },
  },
  {
    method: 'get',
    path: '/api/ticketing/teams',
    tag: 'Trackers',
    summary: "The tracker's teams (Linear), for the project stepper",
    query: z.object({ provider: z.enum(['linear', 'jira', 'github']).optional() }),
    ok: {
      200: {
        description: 'Teams',
        schema: z.object({
          provider: z.string(),
          teams: z.array(z.object({ key: z.string(), name: z.string() })),
        }),
      },
    },
    errors: {
      400: 'the tracker has no teams to list',
      502: 'the tracker refused',
      503: 'the tracker is not configured',
    },
  },
  {
    method: 'get',
    path: '/api/github/repositories',
    tag: 'Trackers',
    summary: "The repositories the GitHub App's installations reach",
    ok: {
      200: {
        description: 'Repositories',
        schema: z.object({
          repositories: z.array(z.looseObject({ fullName: z.string() })),
          truncated: z.boolean(),
        }),
      },
    },
    errors: { 502: 'GitHub refused', 503: 'no GitHub App, or GitHub rate-limits (Retry-After)' },
  },
  {
    method: 'get',
    path: '/api/linear/oauth/install',
    tag: 'Linear agent',
    summary: "Redirect to Linear's consent screen to install the agent",
    ok: { 302: { description: "To Linear's consent screen" } },
    errors: { 503: 'LINEAR_OAUTH_CLIENT_ID / _SECRET are unset' },
  },
  {
    method: 'get',
    path: '/api/linear/oauth/callback',
    tag: 'Linear agent',
    summary: "Linear's redirect after the install: stores the agent's token",
    query: z.object({ code: z.string(), state: z.string() }),
    ok: {
      200: {
        description: 'Installed',
        schema: z
          .object({ installed: z.literal(true), organizationId: z.string(), appUserId: z.string() })
          .strict(),
      },
    },
    errors: {
      400: 'missing code, or a bad or expired state',
      502: 'Linear refused the code',
      503: 'the agent is not configured',
    },
  },
  ...(
    [
      ['github', 'GitHub webhook (X-Hub-Signature-256; GITHUB_WEBHOOK_SECRET)'],
      ['linear', 'Linear webhook (Linear-Signature; LINEAR_WEBHOOK_SECRET)'],
      ['jira', 'Jira webhook (X-Hub-Signature; JIRA_WEBHOOK_SECRET)'],
    ] as const
  ).map(([source, summary]): RouteDescription => ({
    method: 'post',
    path: `/api/${source}/webhook`,
    tag: 'Webhooks',
    summary,
    description: "Authenticated by the delivery's signature, not by the admin API's token.",
    open: true,
    ok:
      source === 'github'
        ? {
            ...HANDLED,
            202: { description: 'Accepted; the follow-up runs after the answer', schema: z.looseObject({}) },
          }
        : HANDLED,
    errors: { 401: 'bad or stale signature', 413: 'body too large', 503: 'the secret is not set' },
  })),
];
