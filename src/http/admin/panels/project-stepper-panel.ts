import { html } from 'hono/html';
import type { OrchestratorContext } from '../../../orchestrator/context.ts';
import { getMapping } from '../../../store/mappings.ts';
import type { PanelContent } from '../layout.ts';
import { NEW_PROJECT_VALUES, stepperForm, valuesOf } from './stepper-form.ts';

/** Configure → Projects → + New project: the eight-step stepper (seed 002). */
export function newProjectPanel(): PanelContent {
  return {
    title: 'New project',
    lead: 'Eight steps; each is checked by the server before the next. For a first run the defaults are reasonable.',
    body: html`<p><a href="/admin/projects">← Back to projects</a></p>
      ${stepperForm({ mode: 'create', values: NEW_PROJECT_VALUES })}`,
    scripts: ['stepper.js'],
  };
}

/** The same stepper over an existing mapping; saving replaces it (`POST /api/mappings`, 200). */
export async function editProjectPanel(
  ctx: OrchestratorContext,
  teamKey: string,
): Promise<PanelContent | undefined> {
  const mapping = await getMapping(ctx.db, teamKey);
  if (!mapping) return undefined;
  return {
    title: `Edit project ${mapping.teamKey}`,
    lead: 'Change any step, then save from Review. The team key is the project’s name and stays as it is.',
    body: html`<p><a href="/admin/projects">← Back to projects</a></p>
      ${stepperForm({ mode: 'edit', values: valuesOf(mapping) })}`,
    scripts: ['stepper.js'],
  };
}
