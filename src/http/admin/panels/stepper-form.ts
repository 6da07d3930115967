import { html } from 'hono/html';
import type { Mapping } from '../../../domain/mapping.ts';
import type { Html } from '../render-helpers.ts';
import { STEPS, type StepField } from './stepper-steps.ts';

/** Form values by field path: strings for inputs, booleans for checkboxes. */
export type StepperValues = Record<string, string | boolean>;

/** A new project's starting values: the seed's defaults for the choices (blank text = default). */
export const NEW_PROJECT_VALUES: StepperValues = {
  ticketingProvider: 'linear',
  executionMode: 'github-actions',
  sessionMode: 'autonomous',
  provider: 'anthropic',
  planningEnabled: true,
  autoApprovePlans: true,
  paused: false,
};

/** An existing mapping as form values, for editing it. */
export function valuesOf(mapping: Mapping): StepperValues {
  const values: StepperValues = {};
  for (const [key, value] of Object.entries(mapping)) {
    if (key === 'ticketingConfig' || key === 'extraEnv' || key === 'pipelines' || value === undefined)
      continue;
    values[key] =
      typeof value === 'boolean' ? value : Array.isArray(value) ? value.join(', ') : String(value);
  }
  if (mapping.ticketingConfig.kind === 'jira' || mapping.ticketingConfig.kind === 'github') {
    for (const [key, value] of Object.entries(mapping.ticketingConfig)) {
      if (key !== 'kind' && value !== undefined) values[`ticketingConfig.${key}`] = String(value);
    }
  }
  values.extraEnv = Object.entries(mapping.extraEnv)
    .map(([name, value]) => `${name}=${value}`)
    .join('\n');
  // Kept through an edit: the stepper saves the whole mapping.
  values.pipelines = Object.entries(mapping.pipelines ?? {})
    .map(([phase, name]) => `${phase}=${name}`)
    .join('\n');
  return values;
}

/**
 * The stepper: all eight steps in one form, each a fieldset. The page script (stepper.js)
 * shows one step at a time, checks it with `POST /api/mappings/validate` before moving on, and
 * saves with `POST /api/mappings`; errors appear next to their field (`err-…`).
 */
export function stepperForm(options: { mode: 'create' | 'edit'; values: StepperValues }): Html {
  const { mode, values } = options;
  return html`<noscript>
      <p class="message message-error">
        The stepper needs JavaScript. Without it, create the project with <code>POST /api/mappings</code>.
      </p>
    </noscript>
    <ol class="stepper-nav" aria-label="Steps">
      ${STEPS.map(
        (step, index) =>
          html`<li data-nav-step="${index}">
            <span class="step-number" aria-hidden="true">${index + 1}</span>
            <span class="step-title">${step.title}</span>
          </li>`,
      )}
    </ol>
    <form
      id="project-stepper"
      class="stepper"
      data-mode="${mode}"
      ${mode === 'edit' ? html`data-team-key="${String(values.teamKey ?? '')}"` : ''}
      novalidate
    >
      ${STEPS.map(
        (step, index) =>
          html`<fieldset class="step" data-step="${index}" data-step-id="${step.id}">
            <legend><span class="muted">Step ${index + 1} of ${STEPS.length}:</span> ${step.title}</legend>
            <p class="help">${step.intro}</p>
            <p class="step-error message message-error" role="alert" hidden></p>
            ${step.fields.map((field) => fieldHtml(field, index, values, mode))}
            ${step.id === 'secrets' ? secretsInfo() : ''}
            ${
              step.id === 'review'
                ? html`<div class="review-summary" data-review-summary aria-live="polite">
                    <p class="muted">The summary appears once the earlier steps check out.</p>
                  </div>`
                : ''
            }
          </fieldset>`,
      )}
      <div class="stepper-buttons">
        <button type="button" class="btn" data-step-back>Back</button>
        <button type="button" class="btn btn-primary" data-step-next>Next</button>
        <button type="submit" class="btn btn-primary" data-step-submit hidden>
          ${mode === 'create' ? 'Create project' : 'Save project'}
        </button>
      </div>
    </form>`;
}

/** `ticketingConfig.jql` → `ticketingConfig-jql`: a safe id fragment. */
function idOf(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '-');
}

function fieldHtml(field: StepField, step: number, values: StepperValues, mode: 'create' | 'edit'): Html {
  const id = `f-${idOf(field.name)}`;
  const describedBy = `${field.help ? `help-${idOf(field.name)} ` : ''}err-${idOf(field.name)}`;
  const value = values[field.name];
  const common = html`data-field="${field.name}" data-kind="${field.kind}" data-step="${step}"`;
  const help = field.help ? html`<p class="help" id="help-${idOf(field.name)}">${field.help}</p>` : '';
  const error = html`<p class="field-error" id="err-${idOf(field.name)}" hidden></p>`;
  const showWhen = field.showWhen ? html`data-show-when="${field.showWhen}"` : '';
  if (field.kind === 'radio') {
    return html`<fieldset class="field field-choice" ${showWhen} aria-describedby="${describedBy}">
      <legend>${field.label}</legend>
      ${(field.options ?? []).map(
        (option) =>
          html`<label class="choice">
            <input
              type="radio"
              name="${field.name}"
              value="${option.value}"
              ${common}
              ${value === option.value ? 'checked' : ''}
            />
            ${option.label}
          </label>`,
      )}
      ${help}${error}
    </fieldset>`;
  }
  if (field.kind === 'checkbox') {
    return html`<div class="field field-check" ${showWhen}>
      <label for="${id}">
        <input
          type="checkbox"
          id="${id}"
          name="${field.name}"
          ${common}
          ${value === true ? 'checked' : ''}
          aria-describedby="${describedBy}"
        />
        ${field.label}
      </label>
      ${help}${error}
    </div>`;
  }
  const fixed = mode === 'edit' && field.fixedOnEdit;
  const control =
    field.kind === 'select'
      ? html`<select id="${id}" name="${field.name}" ${common} aria-describedby="${describedBy}">
          ${(field.options ?? []).map(
            (option) =>
              html`<option value="${option.value}" ${value === option.value ? 'selected' : ''}>
                ${option.label}
              </option>`,
          )}
        </select>`
      : field.kind === 'env'
        ? html`<textarea
            id="${id}"
            name="${field.name}"
            rows="3"
            ${common}
            aria-describedby="${describedBy}"
            spellcheck="false"
          >
${typeof value === 'string' ? value : ''}</textarea>`
        : html`<input
            id="${id}"
            name="${field.name}"
            type="${field.kind === 'number' ? 'number' : 'text'}"
            ${
              field.kind === 'number'
                ? field.decimal
                  ? html`inputmode="decimal" step="0.01"`
                  : html`inputmode="numeric" step="1"`
                : ''
            }
            ${common}
            value="${typeof value === 'string' ? value : ''}"
            ${field.placeholder ? html`placeholder="${field.placeholder}"` : ''}
            ${field.required ? html`aria-required="true"` : ''}
            ${fixed ? 'readonly' : ''}
            aria-describedby="${describedBy}"
            autocomplete="off"
          />`;
  return html`<div class="field" ${showWhen}>
    <label for="${id}"
      >${field.label}${field.required ? html` <span class="required">(required)</span>` : ''}</label
    >
    ${control} ${help}${error}
  </div>`;
}

/**
 * The Secrets step: what to set where, by provider, and up to three project secrets that the
 * page script stores with `POST /api/mappings/:teamKey/secrets` right after the project is saved.
 */
function secretsInfo(): Html {
  return html`<div data-show-when="provider=anthropic">
      <p>
        Add <code>CLAUDE_CODE_OAUTH_TOKEN</code> (preferred) or <code>ANTHROPIC_API_KEY</code> as a secret of
        the target repository or its organization. Runs read it from there.
      </p>
    </div>
    <div data-show-when="provider=bedrock">
      <p>
        Add <code>AWS_BEDROCK_ROLE_ARN</code> as a repository secret. The provider and region set here travel
        in every run's dispatch, comment-triggered gap-fill runs included, so the repository needs no variable
        for them.
      </p>
    </div>
    <fieldset class="field-choice" data-secret-rows>
      <legend>Project secrets (optional)</legend>
      <p class="help">
        Stored as Fly app secrets of the sessions app under <code>&lt;TEAMKEY&gt;_&lt;NAME&gt;</code> once the
        project is saved (letters, digits and underscores); a run gets one when its WORKFLOW.md lists the name
        under <code>secrets:</code>. Values are write-only. More on the Secrets panel, which can also write a
        secret into the repository’s GitHub Actions secrets.
      </p>
      ${[1, 2, 3].map(
        (row) =>
          html`<div class="secret-row" data-secret-row>
            <label for="stepper-secret-name-${row}">Secret ${row} name</label>
            <input
              id="stepper-secret-name-${row}"
              type="text"
              data-secret-name
              autocomplete="off"
              spellcheck="false"
            />
            <label for="stepper-secret-value-${row}">Secret ${row} value</label>
            <input id="stepper-secret-value-${row}" type="password" data-secret-value autocomplete="off" />
          </div>`,
      )}
    </fieldset>`;
}
