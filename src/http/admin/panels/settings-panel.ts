import { html } from 'hono/html';
import { FLY_REGIONS } from '../../../fly/regions.ts';
import { SETTING_NAMES, type SettingsState } from '../../../orchestrator/platform/fly-settings.ts';
import type { Platform } from '../../../orchestrator/platform/platform.ts';
import type { PanelContent } from '../layout.ts';
import { badge, notAvailable, section } from '../render-helpers.ts';
import { csrfField, inputField, notice } from './form-parts.ts';

/** What the form sent back, with its errors, when a save was refused. */
export interface SettingsFormState {
  values: Record<string, string>;
  errors: Record<string, string>;
}

/**
 * The Settings panel (seed 002): `flySessionsApp` and `flySessionsRegion`, the running and the
 * stored value side by side, the env override flagged, a needed restart said; a form posting to
 * `/admin/settings` (same rules as `POST /api/settings`).
 */
export async function settingsPanel(
  platform: Platform | undefined,
  csrf: string,
  query: URLSearchParams,
  form?: SettingsFormState,
): Promise<PanelContent> {
  const base = { title: 'Settings', lead: 'Orchestrator-level settings: the Fly sessions app and region.' };
  if (!platform) return { ...base, body: notAvailable('settings', 'the platform services') };
  const state = await platform.settings.describe();
  const body = html`${query.has('saved') && !form ? notice('info', 'Settings saved.') : ''}
  ${form ? notice('error', 'Not saved: fix the fields marked below.') : ''}
  ${section('Current values', settingsTable(state))} ${section('Change', settingsForm(state, csrf, form))}`;
  return { ...base, body };
}

function settingsTable(state: SettingsState) {
  return html`<table>
    <thead>
      <tr>
        <th scope="col">Setting</th>
        <th scope="col">Running value</th>
        <th scope="col">Stored value</th>
        <th scope="col">Environment</th>
        <th scope="col">Restart</th>
      </tr>
    </thead>
    <tbody>
      ${SETTING_NAMES.map((name) => {
        const s = state[name];
        return html`<tr data-setting="${name}">
          <th scope="row"><code>${name}</code></th>
          <td>${s.value ?? html`<span class="muted">not set</span>`}</td>
          <td>${s.databaseValue ?? html`<span class="muted">not set</span>`}</td>
          <td>
            ${
              s.envOverride
                ? html`${badge('paused', 'env override')} <code>${s.envVar}</code> is set and wins over the
                    stored value`
                : html`<span class="muted"><code>${s.envVar}</code> not set</span>`
            }
          </td>
          <td>
            ${s.restartRequired ? badge('paused', 'restart required') : html`<span class="muted">—</span>`}
          </td>
        </tr>`;
      })}
    </tbody>
  </table>`;
}

function settingsForm(state: SettingsState, csrf: string, form?: SettingsFormState) {
  const value = (name: string) => form?.values[name] ?? state[name as 'flySessionsApp'].databaseValue ?? '';
  const region = value('flySessionsRegion');
  const regionError = form?.errors.flySessionsRegion;
  return html`<form method="post" action="/admin/settings" aria-label="Settings" novalidate>
    ${csrfField(csrf)}
    ${inputField({
      id: 'setting-flySessionsApp',
      name: 'flySessionsApp',
      label: 'Fly sessions app (flySessionsApp)',
      value: value('flySessionsApp'),
      error: form?.errors.flySessionsApp,
      help: 'Lowercase letters, digits and dashes. Leave empty to keep the stored value.',
    })}
    <div class="field">
      <label for="setting-flySessionsRegion">Default region (flySessionsRegion)</label>
      <select
        id="setting-flySessionsRegion"
        name="flySessionsRegion"
        ${regionError ? html`aria-invalid="true" aria-describedby="setting-flySessionsRegion-err"` : ''}
      >
        <option value="" ${region === '' ? 'selected' : ''}>— keep the stored value —</option>
        ${Object.entries(FLY_REGIONS).map(
          ([code, city]) =>
            html`<option value="${code}" ${code === region ? 'selected' : ''}>${code} — ${city}</option>`,
        )}
      </select>
      ${regionError ? html`<p class="field-error" id="setting-flySessionsRegion-err">${regionError}</p>` : ''}
    </div>
    <p class="help">Stored values take effect after a restart; an environment variable, when set, wins.</p>
    <button type="submit" class="btn btn-primary">Save settings</button>
  </form>`;
}
