import { html } from 'hono/html';
import type { Mapping } from '../../../domain/mapping.ts';
import type { OrchestratorContext } from '../../../orchestrator/context.ts';
import { resolveExecutionMode } from '../../../orchestrator/execution-mode.ts';
import { listMappings } from '../../../store/mappings.ts';
import type { PanelContent } from '../layout.ts';
import { badge, emptyRow, kpiCards, type Html } from '../render-helpers.ts';
import { ticketingScope } from './ticketing-scope.ts';

/**
 * Models & providers (seed 002): read-only provider and region per mapping, with the tracker it
 * takes tickets from (Linear, Jira or GitHub Issues). Model ids live in
 * each repository's WORKFLOW.md / PLANNING.md front matter, so they are not shown or edited here.
 */
export async function modelsPanel(ctx: OrchestratorContext): Promise<PanelContent> {
  const [mappings, override] = await Promise.all([listMappings(ctx.db), ctx.runnerMode()]);
  const bedrock = mappings.filter((mapping) => mapping.provider === 'bedrock');
  const regions = new Set(bedrock.map((mapping) => mapping.awsRegion).filter(Boolean));
  const body = html`${kpiCards([
      { label: 'Projects', value: mappings.length },
      { label: 'Anthropic', value: mappings.length - bedrock.length },
      { label: 'Bedrock', value: bedrock.length },
      { label: 'Bedrock regions', value: regions.size },
    ])}
    <table>
      <thead>
        <tr>
          <th scope="col">Team</th>
          <th scope="col">Repo</th>
          <th scope="col">Tickets from</th>
          <th scope="col">Provider</th>
          <th scope="col">Bedrock region</th>
          <th scope="col">Planning</th>
          <th scope="col">Runner mode</th>
        </tr>
      </thead>
      <tbody>
        ${
          mappings.length === 0
            ? emptyRow(7, html`No projects yet — <a href="/admin/projects/new">create a project</a>.`)
            : mappings.map(
                (mapping) =>
                  html`<tr>
                    <td>${mapping.teamKey}</td>
                    <td>${mapping.owner}/${mapping.repo}</td>
                    <td>${ticketingScope(mapping)}</td>
                    <td>${badge(mapping.provider)}</td>
                    <td>${regionCell(mapping)}</td>
                    <td>${planningOf(mapping)}</td>
                    <td>${runnerModeOf(mapping, resolveExecutionMode(mapping, override))}</td>
                  </tr>`,
              )
        }
      </tbody>
    </table>
    <p class="muted">Model ids are set in each repository’s WORKFLOW.md and PLANNING.md front matter.</p>`;
  return {
    title: 'Models & providers',
    lead: 'Which Claude provider and region each project uses.',
    body,
  };
}

function regionCell(mapping: Mapping): Html | string {
  if (mapping.provider !== 'bedrock') return html`<span class="muted">—</span>`;
  // The API refuses bedrock without a region; a mapping stored before that rule can still lack one.
  return mapping.awsRegion ? mapping.awsRegion : badge('missing');
}

function planningOf(mapping: Mapping): string {
  if (!mapping.planningEnabled) return 'off';
  return mapping.autoApprovePlans ? 'on, auto-approved' : 'on, approved by a person';
}

/** The configured mode, and the effective one when a global RUNNER_MODE override changes it. */
export function runnerModeOf(mapping: Mapping, effective: string): Html {
  return effective === mapping.executionMode
    ? html`${mapping.executionMode}`
    : html`${mapping.executionMode} <span class="muted">→ ${effective} (override)</span>`;
}
