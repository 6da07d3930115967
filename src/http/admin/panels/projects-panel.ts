import { html } from 'hono/html';
import type { Mapping } from '../../../domain/mapping.ts';
import { secretPrefix } from '../../../domain/secret-names.ts';
import type { OrchestratorContext } from '../../../orchestrator/context.ts';
import { listInFlight } from '../../../store/dispatches.ts';
import { listMappings } from '../../../store/mappings.ts';
import { nextCursorOf } from '../../api/cursor.ts';
import { capacityByMapping, countByBucket, type MappingCapacity } from '../../api/work-views.ts';
import { cursorPager, panelPage } from '../pager.ts';
import type { PanelContent } from '../layout.ts';
import { apiButton, badge, emptyRow, type Html } from '../render-helpers.ts';
import { ticketingScope } from './ticketing-scope.ts';

/**
 * Projects (seed 002, Configure): the mappings with pause/resume, edit, delete and Sync
 * workflows per row, and the way into the New project stepper. Every action is a call to the
 * mappings JSON API (`PATCH`/`DELETE /api/mappings/:teamKey`, `POST …/sync-workflows`).
 * `?saved=` names a mapping just created or saved by the stepper, for a confirmation line;
 * `?cursor=` is the keyset page (`PAGE_SIZE` projects by team key: 500 projects in one page were
 * 1.1 MB of HTML and a p99 around 50 ms).
 */
export async function projectsPanel(ctx: OrchestratorContext, query: URLSearchParams): Promise<PanelContent> {
  const saved = query.get('saved') ?? undefined;
  const page = panelPage(query, 1);
  const [all, inFlight] = await Promise.all([listMappings(ctx.db), listInFlight(ctx.db)]);
  // Keyset pages of `PAGE_SIZE` by team key. Sorted here (code-unit order), so the order and the
  // cursor's comparison agree whatever collation the database orders by.
  all.sort((a, b) => (a.teamKey < b.teamKey ? -1 : a.teamKey > b.teamKey ? 1 : 0));
  const after = page.after?.[0];
  const from = after === undefined ? 0 : firstAfter(all, String(after));
  const { rows: mappings, nextCursor } = nextCursorOf(
    all.slice(from, from + page.limit + 1),
    page.limit,
    (mapping) => [mapping.teamKey],
  );
  const capacity = new Map(
    capacityByMapping(mappings, countByBucket(inFlight)).map((entry) => [entry.teamKey, entry]),
  );
  const runningByTeam = Map.groupBy(inFlight, (run) => run.team_key);
  const savedMapping = all.find((mapping) => mapping.teamKey === saved);
  const body = html`${
      savedMapping
        ? html`<p class="message message-info" role="status">Project ${savedMapping.teamKey} saved.</p>`
        : ''
    }
    <p><a class="btn btn-primary" href="/admin/projects/new">+ New project</a></p>
    <table>
      <thead>
        <tr>
          <th scope="col">Project</th>
          <th scope="col">Tracker</th>
          <th scope="col">Repository</th>
          <th scope="col">Runner · provider</th>
          <th scope="col">In progress</th>
          <th scope="col">State</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        ${
          all.length === 0
            ? emptyRow(
                7,
                html`No projects yet. <a href="/admin/projects/new">Create a project</a> to connect a tracker
                  team to a repository.`,
              )
            : mappings.map((mapping) =>
                projectRow(
                  mapping,
                  capacity.get(mapping.teamKey),
                  runningByTeam.get(mapping.teamKey)?.length ?? 0,
                ),
              )
        }
      </tbody>
    </table>
    ${cursorPager('/admin/projects', page, nextCursor)}
    <p class="muted">
      Sync workflows opens or updates a pull request in the target repository with the workflow files and
      starter prompts; run it before the first issue is picked up, or the dispatch fails with a 404 from
      GitHub.
    </p>`;
  return {
    title: 'Projects',
    lead: 'Connect ticketing scopes (Linear teams or Jira JQL) to GitHub repositories and tune how runs are dispatched.',
    body,
  };
}

/** The index of the first mapping whose team key sorts after `teamKey` (`length` when none). */
function firstAfter(sorted: Mapping[], teamKey: string): number {
  const index = sorted.findIndex((mapping) => mapping.teamKey > teamKey);
  return index === -1 ? sorted.length : index;
}

function projectRow(mapping: Mapping, capacity: MappingCapacity | undefined, running: number): Html {
  const key = encodeURIComponent(mapping.teamKey);
  const deleting = deleteWords(mapping.teamKey, running);
  return html`<tr data-team-key="${mapping.teamKey}">
    <th scope="row">${mapping.teamKey}</th>
    <td>${ticketingScope(mapping)}</td>
    <td>${mapping.owner}/${mapping.repo} <span class="muted">@ ${mapping.defaultBranch}</span></td>
    <td>
      ${mapping.executionMode} · ${mapping.provider}${mapping.awsRegion ? ` (${mapping.awsRegion})` : ''}
    </td>
    <td>${capacity?.inProgress ?? 0} / ${mapping.maxInProgressAiIssues}</td>
    <td>${mapping.paused ? badge('paused') : badge('active')}</td>
    <td class="actions">
      ${apiButton({
        label: mapping.paused ? 'Resume' : 'Pause',
        method: 'PATCH',
        path: `/api/mappings/${key}`,
        body: { paused: !mapping.paused },
        accessibleLabel: `${mapping.paused ? 'Resume' : 'Pause'} ${mapping.teamKey}`,
      })}
      <a class="btn btn-small" href="/admin/projects/${key}/edit" aria-label="Edit ${mapping.teamKey}"
        >Edit</a
      >
      <span
        data-missing-route="Sync workflows is not available on this orchestrator yet: it arrives with the workflow templates."
      >
        ${apiButton({
          label: 'Sync workflows',
          method: 'POST',
          path: `/api/mappings/${key}/sync-workflows`,
          then: 'message',
          accessibleLabel: `Sync workflows into ${mapping.owner}/${mapping.repo}`,
        })}
      </span>
      ${apiButton({
        label: 'Delete',
        method: 'DELETE',
        path: `/api/mappings/${key}`,
        confirm: `Delete project ${mapping.teamKey}? ${deleting}`,
        tone: 'danger',
        then: 'remove-row',
        accessibleLabel: `Delete ${mapping.teamKey}`,
      })}
      ${apiButton({
        label: 'Delete with secrets',
        method: 'DELETE',
        path: `/api/mappings/${key}?deleteSecrets=true`,
        confirm:
          `Delete project ${mapping.teamKey} and its Fly secrets (${secretPrefix(mapping.teamKey)}*)? ` +
          `The secrets are deleted first; if Fly refuses, nothing is deleted. ${deleting}`,
        tone: 'danger',
        then: 'remove-row',
        accessibleLabel: `Delete ${mapping.teamKey} and its secrets`,
      })}
    </td>
  </tr>`;
}

/**
 * What deleting a project does to its work, for the Delete confirmations: runs in flight go on
 * and report back (run-results.ts records them), but nothing follows them, as every next step
 * reads the mapping (continueAfterPlanning, the pull-request follow-ups, cancelRun).
 */
function deleteWords(teamKey: string, running: number): string {
  const stop = 'No new issues are picked up.';
  if (running === 0) return `${teamKey} has no runs in flight. ${stop}`;
  const runs =
    running === 1
      ? 'Its run in flight goes on to the end and reports back'
      : `Its ${running} runs in flight go on to the end and report back`;
  return (
    `${runs} (a pull request opened stays open), but nothing follows: ` +
    `no implementation after a plan, no review or CI fixes, and no cancelling from here. ${stop}`
  );
}
