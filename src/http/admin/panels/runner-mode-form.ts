import { html } from 'hono/html';
import type { RunnerModeOverride } from '../../../orchestrator/context.ts';
import { RUNNER_MODES, type RunnerModeState } from '../../../orchestrator/platform/runner-mode-setting.ts';
import type { Html } from '../render-helpers.ts';
import { csrfField, notice } from './form-parts.ts';

const LABELS: Record<string, string> = {
  default: 'default — each project’s own mode',
  gha: 'gha — every run on GitHub Actions',
  fly: 'fly — every run on Fly Machines',
  local: 'local — every run as a local child process',
  shadow: 'shadow — GitHub Actions, and a Fly Machine beside each run whose result is only compared',
};

/**
 * The runner-mode toggle (seed 002: top of the Reaper panel, and the Runners panel's mode
 * card): a plain form posting to `/admin/runner-mode`, which stores the mode like
 * `POST /api/runner-mode`. Says where the effective mode comes from, and flags the env lock.
 */
export function runnerModeForm(
  state: RunnerModeState,
  csrf: string,
  back: 'reaper' | 'runners',
  error?: string,
  unavailableMode: (mode: RunnerModeOverride) => string | undefined = () => undefined,
): Html {
  return html`<form
    method="post"
    action="/admin/runner-mode"
    class="runner-mode-form"
    aria-label="Runner mode"
  >
    ${csrfField(csrf)}
    <input type="hidden" name="back" value="${back}" />
    <p>
      Effective runner mode: <strong data-runner-mode="${state.mode}">${state.mode}</strong>
      <span class="muted"
        >(from
        ${state.source === 'env' ? 'RUNNER_MODE' : state.source === 'database' ? 'the stored setting' : 'the default'})</span
      >
    </p>
    ${
      state.envLock
        ? notice(
            'error',
            html`Env-var lock: <code>RUNNER_MODE=${state.mode}</code> is set on the orchestrator and wins. A
              mode saved here is stored (now: ${state.databaseValue ?? 'none'}) but has no effect until the
              variable is removed and the orchestrator restarted.`,
          )
        : ''
    }
    ${error ? notice('error', error) : ''}
    <fieldset class="field-choice">
      <legend>Stored runner mode</legend>
      ${RUNNER_MODES.map((mode) => {
        const unavailable = unavailableMode(mode);
        const checked = (state.databaseValue ?? 'default') === mode;
        return html`<label class="choice">
          <input
            type="radio"
            name="mode"
            value="${mode}"
            ${checked ? 'checked' : ''}
            ${unavailable ? 'disabled' : ''}
          />
          ${LABELS[mode] ?? mode}${unavailable ? html` <span class="muted">(needs FLY_SESSIONS_TOKEN)</span>` : ''}
        </label>`;
      })}
    </fieldset>
    <button type="submit" class="btn btn-primary">Save runner mode</button>
  </form>`;
}
