import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Platform } from '../../orchestrator/platform/platform.ts';
import { PlatformRefusal } from '../../orchestrator/platform/platform-refusal.ts';
import { RUNNER_MODES } from '../../orchestrator/platform/runner-mode-setting.ts';
import { SETTING_NAMES, settingProblem, type SettingName } from '../../orchestrator/platform/fly-settings.ts';
import type { SecretScope } from '../../orchestrator/platform/secrets.ts';
import { badRequest, readJson, type FieldError } from '../validation.ts';

/**
 * The Platform API (seed 002 admin API table, CONTRACTS.md §9):
 * - `GET /api/runner-mode` → `{ mode, source, databaseValue, envLock }`; `POST { mode }` stores it
 *   (200 with the new state; `envLock: true` while RUNNER_MODE still wins).
 * - `GET /api/settings` → `{ flySessionsApp: { value, databaseValue, envVar, envOverride,
 *   restartRequired }, flySessionsRegion: {…} }`; `POST { flySessionsApp?, flySessionsRegion? }`.
 * - `GET|POST /api/global-secrets`, `DELETE /api/global-secrets/:name`;
 *   `GET|POST /api/mappings/:teamKey/secrets`, `DELETE /api/mappings/:teamKey/secrets/:name`:
 *   list `{ secrets: [{ name, storedAs, updatedAt }] }`, set `{ name, value }` → 201
 *   `{ secret: { name, storedAs, updatedAt } }`, delete → 200 `{ deleted: name }`.
 * - `POST /api/mappings/:teamKey/github-secrets { name, value }` → 201 `{ secret: { name,
 *   repository, created } }`: the secret sealed into the mapping's repository's Actions secrets.
 * Bad input → 400 naming the field and the rule; unknown mapping or secret → 404; Fly not
 * configured → 503 saying what to set; Fly refusing or failing → 502 (503 + Retry-After for a
 * rate limit) with Fly's reason. A secret's value is never in any answer.
 */
export function platformRoutes(platform: Platform): Hono {
  const app = new Hono();

  app.get('/api/runner-mode', async (c) => c.json(await platform.runnerMode.describe()));
  app.post('/api/runner-mode', async (c) => {
    const body = await readJson(c, RunnerModeBody);
    if (!body.ok) return body.response;
    const unavailable = platform.runnerMode.unavailable(body.value.mode);
    if (unavailable) return badRequest(c, `mode: ${unavailable}`, [{ field: 'mode', message: unavailable }]);
    const state = await platform.runnerMode.set(body.value.mode, new Date());
    return c.json({
      ...state,
      ...(state.envLock
        ? {
            message: `stored, but RUNNER_MODE=${state.mode} is set in the environment and wins until it is removed and the orchestrator restarted`,
          }
        : {}),
    });
  });

  app.get('/api/settings', async (c) => c.json(await platform.settings.describe()));
  app.post('/api/settings', async (c) => {
    const body = await readJson(c, SettingsBody);
    if (!body.ok) return body.response;
    const problems: FieldError[] = [];
    for (const name of SETTING_NAMES) {
      const value = body.value[name];
      const problem = value === undefined ? undefined : settingProblem(name, value);
      if (problem) problems.push({ field: name, message: problem });
    }
    if (problems.length > 0)
      return badRequest(c, problems.map((p) => `${p.field} ${p.message}`).join('; '), problems);
    return c.json(await platform.settings.set(body.value, new Date()));
  });

  const secretRoutes = (base: string, scopeOf: (c: Context) => SecretScope) => {
    app.get(base, (c) => answer(c, async () => ({ secrets: await platform.secrets.list(scopeOf(c)) })));
    app.post(base, async (c) => {
      const body = await readJson(c, SecretBody);
      if (!body.ok) return body.response;
      return answer(
        c,
        async () => ({
          secret: await platform.secrets.set(scopeOf(c), body.value.name, body.value.value, actorOf(c)),
        }),
        201,
      );
    });
    app.delete(`${base}/:name`, (c) =>
      answer(c, async () => {
        await platform.secrets.remove(scopeOf(c), c.req.param('name'), actorOf(c));
        return { deleted: c.req.param('name') };
      }),
    );
  };
  // A team secret written into the mapping's repository's Actions secrets (GitHub Actions runs).
  app.post('/api/mappings/:teamKey/github-secrets', async (c) => {
    const body = await readJson(c, SecretBody);
    if (!body.ok) return body.response;
    const service = platform.githubSecrets;
    if (!service) return c.json({ error: 'not_configured', message: 'no GitHub App client here' }, 503);
    return answer(
      c,
      async () => ({
        secret: await service.write(c.req.param('teamKey'), body.value.name, body.value.value, actorOf(c)),
      }),
      201,
    );
  });
  secretRoutes('/api/global-secrets', () => ({ kind: 'global' }));
  secretRoutes('/api/mappings/:teamKey/secrets', (c) => ({
    kind: 'team',
    teamKey: c.req.param('teamKey') ?? '',
  }));
  return app;
}

export const RunnerModeBody = z.object({
  mode: z.enum(RUNNER_MODES as [string, ...string[]], {
    error: `must be one of ${RUNNER_MODES.join(', ')}`,
  }) as unknown as z.ZodType<(typeof RUNNER_MODES)[number]>,
});

export const SettingsBody = z
  .strictObject({
    flySessionsApp: z.string({ error: 'must be a string' }).trim().optional(),
    flySessionsRegion: z.string({ error: 'must be a string' }).trim().optional(),
  })
  .refine((body) => SETTING_NAMES.some((name) => body[name] !== undefined), {
    error: `give at least one of ${SETTING_NAMES.join(', ')}`,
  }) as z.ZodType<Partial<Record<SettingName, string>>>;

// The value is not trimmed or echoed: it is sent to Fly exactly as given.
export const SecretBody = z.object({
  name: z.string({ error: 'is required and must be a string' }).trim(),
  value: z.string({ error: 'is required and must be a string' }),
});

/** Who made a change, for the audit: a script with a bearer token, or the admin UI's session. */
export function actorOf(c: Context): string {
  return c.req.header('authorization') ? 'API token' : 'admin UI';
}

/** Runs `work` and answers its result, or the status a `PlatformRefusal` stands for. */
async function answer(c: Context, work: () => Promise<object>, status: 200 | 201 = 200): Promise<Response> {
  try {
    return c.json(await work(), status);
  } catch (error) {
    if (error instanceof PlatformRefusal) return refusalResponse(c, error);
    throw error;
  }
}

/** The HTTP answer for a refusal (see PlatformRefusal). */
export function refusalResponse(c: Context, refusal: PlatformRefusal): Response {
  switch (refusal.kind) {
    case 'invalid':
      return badRequest(
        c,
        refusal.message,
        refusal.field ? [{ field: refusal.field, message: refusal.message }] : [],
      );
    case 'not_found':
      return c.json({ error: 'not_found', message: refusal.message }, 404);
    case 'unconfigured':
      return c.json({ error: 'not_configured', message: refusal.message }, 503);
    case 'upstream':
      if (refusal.retryAfterMs !== undefined && refusal.category === 'rate_limited') {
        c.header('Retry-After', String(Math.ceil(refusal.retryAfterMs / 1000)));
        return c.json({ error: `${refusal.service}_rate_limited`, message: refusal.message }, 503);
      }
      return c.json(
        {
          error: `${refusal.service ?? 'upstream'}_error`,
          category: refusal.category,
          message: refusal.message,
        },
        502,
      );
  }
}
