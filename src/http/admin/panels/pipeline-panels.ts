import { html } from 'hono/html';
import type { Catalog, ModuleEntry } from '../../../pipeline/catalog.ts';
import { customFiles } from '../../../pipeline/customizations.ts';
import { describeProblem, type PipelineLoop, type PipelineStep } from '../../../pipeline/load-pipeline.ts';
import type { PanelContent } from '../layout.ts';
import { badge, emptyRow, section, timeCell, type Html } from '../render-helpers.ts';

/**
 * Pipelines & steps (seed 002, Configure) and Customizations (Developer): the catalog the
 * orchestrator checked at start-up, read again for the page — the same loader as
 * `GET /api/pipelines-steps` and `GET /api/customizations` (pipeline-routes.ts).
 */

const SOURCE_WORDS = { 'built-in': 'built-in', override: 'override', additive: 'additive' } as const;

/** Problems of the files, when any (start-up refused them; a file changed since shows here). */
function problemList(catalog: Catalog) {
  if (catalog.problems.length === 0) return '';
  return html`<div class="error-text" role="alert">
    <p>
      <strong>These files have problems.</strong> The orchestrator does not start with them, and runs refuse
      to start:
    </p>
    <ul>
      ${catalog.problems.map((problem) => html`<li><code>${describeProblem(problem)}</code></li>`)}
    </ul>
  </div>`;
}

function stepItem(step: PipelineStep) {
  const notes = [
    step.module.id !== step.id ? `module ${step.module.id}` : '',
    step.when ? `when ${step.when.text}` : '',
    step.continueOnFailure ? 'continues on failure' : '',
  ].filter(Boolean);
  return html`<li>
    ${step.name} <code>${step.id}</code>
    ${notes.length > 0 ? html`<span class="muted">(${notes.join('; ')})</span>` : ''}
  </li>`;
}

function loopItem(loop: PipelineLoop) {
  return html`<li>
    ${loop.name}
    <span class="muted">(repeated up to ${loop.max} times until ${loop.until.text})</span>
    <ol>
      ${loop.steps.map(stepItem)}
    </ol>
  </li>`;
}

export function pipelinesStepsPanel(catalog: Catalog): PanelContent {
  const pipelines = html`${catalog.pipelines.map(
    (entry) =>
      html`<details data-pipeline="${entry.name}">
        <summary>
          <strong>${entry.name}</strong> ${badge(entry.source, SOURCE_WORDS[entry.source])}
          <code>${entry.path}</code>
        </summary>
        ${
          entry.pipeline
            ? html`${entry.pipeline.description ? html`<p>${entry.pipeline.description}</p>` : ''}
                <ol>
                  ${entry.pipeline.steps.map((step) => (step.kind === 'loop' ? loopItem(step) : stepItem(step)))}
                </ol>
                ${
                  entry.pipeline.always.length > 0
                    ? html`<p>Then, whatever happened:</p>
                        <ol>
                          ${entry.pipeline.always.map(stepItem)}
                        </ol>`
                    : ''
                }`
            : html`<p>This file has problems (above); it is not used.</p>`
        }
      </details>`,
  )}`;
  const modules = moduleTable('Step module', catalog.steps);
  const providers = moduleTable('Provider', catalog.providers);
  const body = html`${problemList(catalog)}
    <p>
      Each run follows the pipeline of its phase (a project may choose another per phase). A file in
      <code>custom/pipelines/</code> or <code>custom/steps/</code> with a built-in's name replaces it; a new
      name adds one. See <code>custom/README.md</code>.
    </p>
    ${section('Pipelines', pipelines)} ${section('Step modules', modules)}
    ${section('Model providers', providers)}`;
  return {
    title: 'Pipelines & steps',
    lead: 'The pipeline definitions and the step modules they run, with override status.',
    body,
  };
}

function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}

export function customizationsPanel(catalog: Catalog): PanelContent {
  const files = customFiles(catalog);
  const body = html`${problemList(catalog)}
    <table>
      <thead>
        <tr>
          <th scope="col">Path</th>
          <th scope="col">Category</th>
          <th scope="col">Status</th>
          <th scope="col">Shadows</th>
          <th scope="col">Size</th>
          <th scope="col">Modified</th>
        </tr>
      </thead>
      <tbody>
        ${
          files.length === 0
            ? emptyRow(6, html`No files under <code>custom/</code>.`)
            : files.map(
                (file) =>
                  html`<tr>
                    <td><code>${file.path}</code></td>
                    <td>${file.category}</td>
                    <td>${file.status === 'other' ? '—' : badge(file.status)}</td>
                    <td>${file.shadows ? html`<code>${file.shadows}</code>` : '—'}</td>
                    <td>${formatSize(file.sizeBytes)}</td>
                    <td>${timeCell(file.modifiedAt)}</td>
                  </tr>`,
              )
        }
      </tbody>
    </table>
    <p class="muted">
      Pull requests to this repository that change <code>custom/</code> beyond
      <code>custom/README.md</code> and <code>.gitkeep</code> files are flagged by the
      <code>protect-custom</code> workflow: a warning, or a failure when the repository variable
      <code>PROTECT_CUSTOM_STRICT</code> is <code>true</code>.
    </p>`;
  return {
    title: 'Customizations',
    lead: 'Files under custom/ that override or add to the built-in pipelines, steps and providers.',
    body,
  };
}

/** The table of one kind of module (step modules, provider adapters): where each comes from. */
function moduleTable(kind: string, entries: ModuleEntry<{ description: string }>[]): Html {
  return html`<table>
    <thead>
      <tr>
        <th scope="col">${kind}</th>
        <th scope="col">Built-in path</th>
        <th scope="col">Custom override path</th>
        <th scope="col">Status</th>
      </tr>
    </thead>
    <tbody>
      ${entries.map(
        (entry) =>
          html`<tr>
            <td><code>${entry.id}</code> <span class="muted">${entry.value.description}</span></td>
            <td>${entry.builtInPath ? html`<code>${entry.builtInPath}</code>` : '—'}</td>
            <td>${entry.customPath ? html`<code>${entry.customPath}</code>` : '—'}</td>
            <td>${badge(entry.status, SOURCE_WORDS[entry.status])}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
