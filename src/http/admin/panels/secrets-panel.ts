import { html } from 'hono/html';
import type { Mapping } from '../../../domain/mapping.ts';
import { SECRET_NAME_PATTERN, secretPrefix } from '../../../domain/secret-names.ts';
import type { Platform } from '../../../orchestrator/platform/platform.ts';
import { PlatformRefusal } from '../../../orchestrator/platform/platform-refusal.ts';
import type { SecretEntry } from '../../../orchestrator/platform/secrets.ts';
import { listMappings } from '../../../store/mappings.ts';
import type { OrchestratorContext } from '../../../orchestrator/context.ts';
import type { PanelContent } from '../layout.ts';
import { emptyRow, externalLink, notAvailable, section, timeCell, type Html } from '../render-helpers.ts';
import { csrfField, inputField, notice } from './form-parts.ts';

/** A refused add, re-rendered beside its form: the name is kept, the value never. */
export interface SecretsFormState {
  /** `global` or a teamKey: which add form. */
  scope: string;
  name: string;
  errors: Record<string, string>;
  /** A refusal that is not about one field (Fly failed). */
  message?: string;
}

/**
 * The Secrets panel (seed 002): per-project and global Fly app secrets of the sessions app —
 * name, stored-as name, last change — with add and delete forms posting to /admin/secrets
 * (same rules as the secrets API), and the recent changes (who, when, which name; never a
 * value). Projects on GitHub Actions are told where their runs read secrets from.
 */
export async function secretsPanel(
  ctx: OrchestratorContext,
  platform: Platform | undefined,
  csrf: string,
  query: URLSearchParams,
  form?: SecretsFormState,
): Promise<PanelContent> {
  const base = {
    title: 'Secrets',
    lead: 'Per-project and global secrets, stored as Fly app secrets of the sessions app.',
  };
  if (!platform) return { ...base, body: notAvailable('secrets', 'the platform services') };
  const mappings = await listMappings(ctx.db);
  const target = platform.secrets.target();
  let listing: Awaited<ReturnType<Platform['secrets']['listAll']>> | undefined;
  let problem: string | undefined = 'problem' in target ? target.problem : undefined;
  if (!problem) {
    try {
      listing = await platform.secrets.listAll();
    } catch (error) {
      if (!(error instanceof PlatformRefusal)) throw error;
      problem = error.message;
    }
  }
  const changes = await platform.secrets.changes(20);
  const body = html`${flash(query, form)}
  ${problem ? notice('error', html`Secrets cannot be listed or changed: ${problem}`) : ''}
  ${'app' in target ? html`<p class="muted">Sessions app: <code>${target.app}</code></p>` : ''}
  ${section(
    'Per-project secrets',
    mappings.length === 0
      ? html`<p class="muted">
          No projects yet: <a href="/admin/projects/new">create a project</a>, then give it its secrets here.
        </p>`
      : html`${mappings.map((mapping) => teamBlock(mapping, listing?.byTeam.get(mapping.teamKey), csrf, form, !problem))}`,
  )}
  ${section(
    'Global secrets',
    html`<p class="help">
        A run gets a global secret when its WORKFLOW.md lists the name under <code>secrets:</code> (its
        project’s own secret of that name wins). A global name may not start with a project’s prefix
        (${mappings.length === 0 ? 'none yet' : mappings.map((m) => secretPrefix(m.teamKey)).join(', ')}).
      </p>
      ${secretTable('global', listing?.global, csrf, 'Global')}
      ${!problem ? addForm('global', 'global secret', csrf, form) : ''}`,
  )}
  ${section('Recent changes', changesTable(changes))}`;
  return { ...base, body };
}

function flash(query: URLSearchParams, form?: SecretsFormState): Html | string {
  if (form) return '';
  const saved = query.get('saved');
  const deleted = query.get('deleted');
  const github = query.get('github-saved');
  const repository = query.get('repository') ?? '';
  if (github && SECRET_NAME_PATTERN.test(github) && /^[\w.-]+\/[\w.-]+$/.test(repository)) {
    return notice(
      'info',
      html`Secret <code>${github}</code> written to the Actions secrets of ${repository}.`,
    );
  }
  // Only names that pass the naming rule are echoed (still escaped): no free text from a link.
  if (saved && SECRET_NAME_PATTERN.test(saved))
    return notice('info', html`Secret <code>${saved}</code> saved.`);
  if (deleted && SECRET_NAME_PATTERN.test(deleted))
    return notice('info', html`Secret <code>${deleted}</code> deleted.`);
  return '';
}

function teamBlock(
  mapping: Mapping,
  entries: SecretEntry[] | undefined,
  csrf: string,
  form: SecretsFormState | undefined,
  writable: boolean,
): Html {
  const settingsUrl = `https://github.com/${encodeURIComponent(mapping.owner)}/${encodeURIComponent(mapping.repo)}/settings/secrets/actions`;
  return html`<div class="team-secrets" data-team-key="${mapping.teamKey}">
    <h3>
      ${mapping.teamKey}
      <span class="muted">stored as <code>${secretPrefix(mapping.teamKey)}NAME</code></span>
    </h3>
    ${
      mapping.executionMode === 'github-actions'
        ? html`<p class="help">
            This project runs on GitHub Actions: its runs read secrets from the repository’s GitHub secrets
            (${externalLink(settingsUrl, `${mapping.owner}/${mapping.repo} → Settings → Secrets and variables → Actions`)}),
            not from Fly. The Fly secrets below are for Fly Machines runs.
          </p>`
        : ''
    }
    ${mapping.executionMode === 'github-actions' ? githubForm(mapping, csrf, form) : ''}
    ${secretTable(mapping.teamKey, entries, csrf, mapping.teamKey)}
    ${writable ? addForm(mapping.teamKey, `secret for ${mapping.teamKey}`, csrf, form) : ''}
  </div>`;
}

/** Writes a team secret into the repository's Actions secrets through the GitHub App. */
function githubForm(mapping: Mapping, csrf: string, form: SecretsFormState | undefined): Html {
  const mine = form?.scope === `github:${mapping.teamKey}` ? form : undefined;
  const id = `github-secret-${mapping.teamKey}`;
  const what = `GitHub Actions secret for ${mapping.teamKey}`;
  return html`<form
    method="post"
    action="/admin/secrets/github"
    class="secret-form"
    aria-label="Write ${what}"
    novalidate
  >
    ${csrfField(csrf)}
    <input type="hidden" name="scope" value="${mapping.teamKey}" />
    <p class="help">
      Write a secret into ${mapping.owner}/${mapping.repo}’s Actions secrets through the GitHub App (sealed
      with the repository’s public key; the App needs the repository permission “Secrets: Read and write”).
    </p>
    ${mine?.message ? notice('error', mine.message) : ''}
    ${inputField({ id: `${id}-name`, name: 'name', label: `Name of the ${what}`, value: mine?.name, error: mine?.errors.name, required: true })}
    ${inputField({
      id: `${id}-value`,
      name: 'value',
      label: 'Value (write-only: never shown again)',
      type: 'password',
      error: mine?.errors.value,
      required: true,
    })}
    <button type="submit" class="btn">Write to GitHub</button>
  </form>`;
}

function secretTable(scope: string, entries: SecretEntry[] | undefined, csrf: string, label: string): Html {
  return html`<table aria-label="${label} secrets">
    <thead>
      <tr>
        <th scope="col">Name</th>
        <th scope="col">Stored as</th>
        <th scope="col">Last changed</th>
        <th scope="col">Actions</th>
      </tr>
    </thead>
    <tbody>
      ${
        entries === undefined
          ? emptyRow(4, 'Not available: see the message above.')
          : entries.length === 0
            ? emptyRow(4, 'No secrets yet: add one with the form below.')
            : entries.map(
                (entry) =>
                  html`<tr data-secret="${entry.storedAs}">
                    <th scope="row"><code>${entry.name}</code></th>
                    <td><code>${entry.storedAs}</code></td>
                    <td>${timeCell(entry.updatedAt)}</td>
                    <td class="actions">
                      <form
                        method="post"
                        action="/admin/secrets/delete"
                        class="inline-form"
                        data-confirm="Delete ${entry.storedAs}? Runs dispatched from now on no longer get it; runs already started keep the value they were given."
                      >
                        ${csrfField(csrf)}
                        <input type="hidden" name="scope" value="${scope}" />
                        <input type="hidden" name="name" value="${entry.name}" />
                        <button
                          type="submit"
                          class="btn btn-small btn-danger"
                          aria-label="Delete ${entry.storedAs}"
                        >
                          Delete
                        </button>
                      </form>
                    </td>
                  </tr>`,
              )
      }
    </tbody>
  </table>`;
}

function addForm(scope: string, what: string, csrf: string, form: SecretsFormState | undefined): Html {
  const mine = form?.scope === scope ? form : undefined;
  const id = `secret-${scope}`;
  return html`<form
    method="post"
    action="/admin/secrets"
    class="secret-form"
    aria-label="Add ${what}"
    novalidate
  >
    ${csrfField(csrf)}
    <input type="hidden" name="scope" value="${scope}" />
    ${mine?.message ? notice('error', mine.message) : ''}
    ${inputField({
      id: `${id}-name`,
      name: 'name',
      label: `Name of the ${what}`,
      value: mine?.name,
      error: mine?.errors.name,
      help: 'Letters, digits and underscores.',
      required: true,
    })}
    ${inputField({
      id: `${id}-value`,
      name: 'value',
      label: 'Value (write-only: never shown again)',
      type: 'password',
      error: mine?.errors.value,
      required: true,
    })}
    <button type="submit" class="btn btn-primary">Save ${what}</button>
  </form>`;
}

function changesTable(changes: Awaited<ReturnType<Platform['secrets']['changes']>>): Html {
  return html`<table aria-label="Recent secret changes">
    <thead>
      <tr>
        <th scope="col">When</th>
        <th scope="col">Who</th>
        <th scope="col">Change</th>
        <th scope="col">Secret</th>
        <th scope="col">Where</th>
      </tr>
    </thead>
    <tbody>
      ${
        changes.length === 0
          ? emptyRow(5, 'No changes recorded yet.')
          : changes.map(
              (change) =>
                html`<tr>
                  <td>${timeCell(change.at)}</td>
                  <td>${change.actor}</td>
                  <td>${change.action === 'set' ? 'set' : 'deleted'}</td>
                  <td>
                    <code>${change.storedAs}</code
                    >${change.teamKey ? html` <span class="muted">(${change.teamKey})</span>` : ''}
                  </td>
                  <td>${change.target}</td>
                </tr>`,
            )
      }
    </tbody>
  </table>`;
}
