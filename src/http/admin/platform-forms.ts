import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import { teamSecretStoredName } from '../../domain/secret-names.ts';
import type { OrchestratorContext } from '../../orchestrator/context.ts';
import { SETTING_NAMES, settingProblem, type SettingName } from '../../orchestrator/platform/fly-settings.ts';
import type { Platform } from '../../orchestrator/platform/platform.ts';
import { PlatformRefusal } from '../../orchestrator/platform/platform-refusal.ts';
import { RUNNER_MODES } from '../../orchestrator/platform/runner-mode-setting.ts';
import type { RunnerModeOverride } from '../../orchestrator/context.ts';
import type { SecretScope } from '../../orchestrator/platform/secrets.ts';
import type { AdminEnv } from './admin-env.ts';
import { renderPage, type PanelContent } from './layout.ts';
import { reaperPanel, runnersPanel } from './panels/platform-panels.ts';
import { secretsPanel } from './panels/secrets-panel.ts';
import { sessionsPanel } from './panels/sessions-panel.ts';
import { settingsPanel } from './panels/settings-panel.ts';
import { isCsrfTokenValid } from './session-cookie.ts';

/**
 * The Platform panels' forms, plain HTML posts that work without JavaScript (seed 002 Reaper,
 * Runners, Secrets, Settings). Each checks the session's CSRF field, calls the same service as
 * the JSON API (same rules), then redirects back (303) on success, or renders the panel again
 * with the error next to its field (400) — a secret's value is never rendered back.
 *
 * - `POST /admin/runner-mode` (mode, back=reaper|runners)
 * - `POST /admin/settings` (flySessionsApp, flySessionsRegion; empty keeps the stored value)
 * - `POST /admin/secrets` (scope=global|teamKey, name, value)
 * - `POST /admin/secrets/delete` (scope, name)
 * - `POST /admin/secrets/github` (scope=teamKey, name, value): into the repository's Actions secrets
 * - `POST /admin/sessions/destroy` (machineId): the confirmation form of the Sessions panel
 */
export function platformFormRoutes(ctx: OrchestratorContext, platform: Platform): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();
  const page = (
    c: Context<AdminEnv>,
    content: PanelContent,
    active: string,
    status: 200 | 400 | 403 | 404 = 200,
  ) => c.html(renderPage({ ...content, active, csrf: c.get('session').csrf, tenant: ctx.tenant }), status);

  app.use('/admin/*', async (c, next) => {
    if (c.req.method !== 'POST' || !FORM_PATHS.has(c.req.path)) return next();
    const form = await c.req.parseBody();
    if (!isCsrfTokenValid(c.get('session').token, typeof form.csrf === 'string' ? form.csrf : undefined)) {
      return c.html(
        renderPage({
          title: 'Refused',
          active: '',
          csrf: c.get('session').csrf,
          tenant: ctx.tenant,
          body: refusedBody(),
        }),
        403,
      );
    }
    return next();
  });

  app.post('/admin/runner-mode', async (c) => {
    const form = await c.req.parseBody();
    const back = form.back === 'runners' ? 'runners' : 'reaper';
    const mode = String(form.mode ?? '');
    const problem = !(RUNNER_MODES as readonly string[]).includes(mode)
      ? `mode must be one of ${RUNNER_MODES.join(', ')}`
      : platform.runnerMode.unavailable(mode as RunnerModeOverride);
    if (problem) {
      const csrf = c.get('session').csrf;
      const content =
        back === 'runners'
          ? await runnersPanel(ctx, new URLSearchParams(), csrf, platform, problem)
          : await reaperPanel(ctx, new URLSearchParams(), csrf, platform, problem);
      return page(c, content, back, 400);
    }
    await platform.runnerMode.set(mode as RunnerModeOverride, ctx.clock());
    return c.redirect(`/admin/${back}?saved=runner-mode`, 303);
  });

  app.post('/admin/settings', async (c) => {
    const form = await c.req.parseBody();
    const values: Partial<Record<SettingName, string>> = {};
    const raw: Record<string, string> = {};
    const errors: Record<string, string> = {};
    for (const name of SETTING_NAMES) {
      const value = typeof form[name] === 'string' ? form[name].trim() : '';
      raw[name] = value;
      if (value === '') continue;
      const problem = settingProblem(name, value);
      if (problem) errors[name] = `${name} ${problem}`;
      else values[name] = value;
    }
    if (Object.keys(errors).length === 0 && Object.keys(values).length === 0) {
      errors.flySessionsApp = 'Enter a value for at least one setting.';
    }
    if (Object.keys(errors).length > 0) {
      const content = await settingsPanel(platform, c.get('session').csrf, new URLSearchParams(), {
        values: raw,
        errors,
      });
      return page(c, content, 'settings', 400);
    }
    await platform.settings.set(values, ctx.clock());
    return c.redirect('/admin/settings?saved=1', 303);
  });

  app.post('/admin/secrets', async (c) => {
    const form = await c.req.parseBody();
    const scopeName = typeof form.scope === 'string' ? form.scope : '';
    const name = typeof form.name === 'string' ? form.name.trim() : '';
    const value = typeof form.value === 'string' ? form.value : '';
    try {
      const saved = await platform.secrets.set(scopeOf(scopeName), name, value, 'admin UI');
      return c.redirect(`/admin/secrets?saved=${encodeURIComponent(saved.storedAs)}`, 303);
    } catch (error) {
      if (!(error instanceof PlatformRefusal)) throw error;
      const state = {
        scope: scopeName,
        name,
        errors: error.field ? { [error.field]: error.message } : {},
        ...(error.field ? {} : { message: error.message }),
      };
      const content = await secretsPanel(ctx, platform, c.get('session').csrf, new URLSearchParams(), state);
      return page(c, content, 'secrets', 400);
    }
  });

  app.post('/admin/secrets/github', async (c) => {
    const form = await c.req.parseBody();
    const teamKey = typeof form.scope === 'string' ? form.scope : '';
    const name = typeof form.name === 'string' ? form.name.trim() : '';
    const value = typeof form.value === 'string' ? form.value : '';
    try {
      if (!platform.githubSecrets) throw new PlatformRefusal('unconfigured', 'no GitHub App client here');
      const saved = await platform.githubSecrets.write(teamKey, name, value, 'admin UI');
      const query = new URLSearchParams({ 'github-saved': saved.name, repository: saved.repository });
      return c.redirect(`/admin/secrets?${query.toString()}`, 303);
    } catch (error) {
      if (!(error instanceof PlatformRefusal)) throw error;
      const state = {
        scope: `github:${teamKey}`,
        name,
        errors: error.field ? { [error.field]: error.message } : {},
        ...(error.field ? {} : { message: error.message }),
      };
      const content = await secretsPanel(ctx, platform, c.get('session').csrf, new URLSearchParams(), state);
      return page(c, content, 'secrets', 400);
    }
  });

  app.post('/admin/secrets/delete', async (c) => {
    const form = await c.req.parseBody();
    const scopeName = typeof form.scope === 'string' ? form.scope : '';
    const name = typeof form.name === 'string' ? form.name : '';
    try {
      await platform.secrets.remove(scopeOf(scopeName), name, 'admin UI');
      const storedAs = scopeName === 'global' ? name : teamSecretStoredName(scopeName, name);
      return c.redirect(`/admin/secrets?deleted=${encodeURIComponent(storedAs)}`, 303);
    } catch (error) {
      if (!(error instanceof PlatformRefusal)) throw error;
      const content = await secretsPanel(ctx, platform, c.get('session').csrf, new URLSearchParams(), {
        scope: scopeName,
        name: '',
        errors: {},
        message: error.message,
      });
      return page(c, content, 'secrets', 400);
    }
  });
  app.post('/admin/sessions/destroy', async (c) => {
    const form = await c.req.parseBody();
    const machineId = typeof form.machineId === 'string' ? form.machineId : '';
    try {
      if (!platform.sessions)
        throw new PlatformRefusal('unconfigured', 'Fly Machine sessions are not wired here');
      if (!/^[a-z0-9]{1,40}$/.test(machineId)) {
        throw new PlatformRefusal(
          'invalid',
          'machineId must be a Fly Machine id: lowercase letters and digits',
        );
      }
      await platform.sessions.destroy(machineId);
      return c.redirect(`/admin/sessions?destroyed=${encodeURIComponent(machineId)}`, 303);
    } catch (error) {
      if (!(error instanceof PlatformRefusal)) throw error;
      const content = await sessionsPanel(
        platform,
        new URLSearchParams(),
        c.get('session').csrf,
        error.message,
      );
      return page(c, content, 'sessions', error.kind === 'not_found' ? 404 : 400);
    }
  });
  return app;
}

const FORM_PATHS = new Set([
  '/admin/sessions/destroy',
  '/admin/runner-mode',
  '/admin/settings',
  '/admin/secrets',
  '/admin/secrets/delete',
  '/admin/secrets/github',
]);

function scopeOf(scope: string): SecretScope {
  return scope === 'global' ? { kind: 'global' } : { kind: 'team', teamKey: scope };
}

function refusedBody() {
  return html`<p class="message message-error" role="alert">
    The form was refused: its security token did not match this session. Reload the page and try again.
  </p>`;
}
