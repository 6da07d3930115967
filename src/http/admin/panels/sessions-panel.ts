import { html } from 'hono/html';
import type { Platform } from '../../../orchestrator/platform/platform.ts';
import { PlatformRefusal } from '../../../orchestrator/platform/platform-refusal.ts';
import type { Session } from '../../../orchestrator/sessions/sessions.ts';
import type { PanelContent } from '../layout.ts';
import {
  emptyRow,
  externalLink,
  formatDuration,
  liveDuration,
  section,
  type Html,
} from '../render-helpers.ts';
import { csrfField, notice } from './form-parts.ts';
import { runLink } from './reaper-cards.ts';

/**
 * The Sessions panel (seed 002): the sessions app's Machines in created, starting or started —
 * Machine id and name, state, uptime, the issue (linked to its tracker) and the repository —
 * each with a Destroy button. Destroying asks first, without JavaScript: the button opens a
 * confirmation (`?confirm=<id>`) whose form posts to `/admin/sessions/destroy`
 * (platform-forms.ts). The Runners panel shows the first eight (`liveSessionsTable`).
 */

/** The sessions, or why they cannot be listed (Fly not configured or failing). */
export async function readSessions(
  platform: Platform | undefined,
): Promise<{ sessions: Session[]; problem?: string }> {
  if (!platform?.sessions) {
    return {
      sessions: [],
      problem:
        'Fly Machines sessions are not set up on this orchestrator (FLY_SESSIONS_TOKEN is not set): runs go to GitHub Actions.',
    };
  }
  try {
    return { sessions: await platform.sessions.list() };
  } catch (error) {
    if (error instanceof PlatformRefusal) return { sessions: [], problem: error.message };
    throw error;
  }
}

/** The sessions table; with `csrf`, each row has its Destroy button. */
export function liveSessionsTable(sessions: Session[], options: { destroy: boolean }): Html {
  const columns = options.destroy ? 7 : 6;
  return html`<table class="sessions">
    <thead>
      <tr>
        <th scope="col">Machine</th>
        <th scope="col">Name</th>
        <th scope="col">State</th>
        <th scope="col">Uptime</th>
        <th scope="col">Issue</th>
        <th scope="col">Repository</th>
        ${options.destroy ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : ''}
      </tr>
    </thead>
    <tbody>
      ${
        sessions.length === 0
          ? emptyRow(
              columns,
              html`No live sessions: one starts when a project that runs on Fly Machines picks up a ticket —
                see <a href="/admin/runners">Runners</a> for where each project runs.`,
            )
          : sessions.map(
              (s) =>
                html`<tr data-machine-id="${s.machineId}">
                  <td><code>${s.machineId}</code></td>
                  <td>${s.name}${s.image ? html`<br /><code class="muted">${s.image}</code>` : ''}</td>
                  <td>
                    <span class="badge badge-${s.state === 'started' ? 'info' : 'neutral'}">${s.state}</span>
                  </td>
                  <td>
                    ${s.createdAt ? liveDuration(s.createdAt, s.uptimeSeconds) : formatDuration(s.uptimeSeconds)}
                  </td>
                  <td>
                    ${s.issueIdentifier ? externalLink(s.issueUrl, s.issueIdentifier) : html`<span class="muted">—</span>`}
                    ${s.dispatchId && s.issueIdentifier ? html`<span class="muted">(${runLink(s.dispatchId, 'job')})</span>` : ''}
                  </td>
                  <td>${s.repo ?? html`<span class="muted">—</span>`}</td>
                  ${
                    options.destroy
                      ? html`<td>
                          <a
                            class="btn btn-small btn-danger"
                            href="/admin/sessions?confirm=${encodeURIComponent(s.machineId)}#confirm"
                            aria-label="Destroy ${s.machineId}"
                            >Destroy…</a
                          >
                        </td>`
                      : ''
                  }
                </tr>`,
            )
      }
    </tbody>
  </table>`;
}

/** The confirmation box for destroying one Machine. */
function confirmBox(session: Session, csrf: string): Html {
  return html`<form
    method="post"
    action="/admin/sessions/destroy"
    id="confirm"
    class="confirm-box"
    aria-label="Confirm destroy"
  >
    ${csrfField(csrf)}
    <input type="hidden" name="machineId" value="${session.machineId}" />
    <p role="alert">
      Destroy Machine
      <code>${session.machineId}</code>
      (${session.name})${session.issueIdentifier ? html` running ${session.issueIdentifier}` : ''}? The run
      ends as failed (<em>session destroyed</em>) and the ticket is picked up again on the next poll.
    </p>
    <button type="submit" class="btn btn-danger">Destroy ${session.machineId}</button>
    <a class="btn" href="/admin/sessions">Cancel</a>
  </form>`;
}

export async function sessionsPanel(
  platform: Platform | undefined,
  query: URLSearchParams,
  csrf: string,
  error?: string,
): Promise<PanelContent> {
  const { sessions, problem } = await readSessions(platform);
  const confirm = query.get('confirm');
  const toConfirm = confirm ? sessions.find((s) => s.machineId === confirm) : undefined;
  const destroyed = query.get('destroyed');
  const body = html`${destroyed && !error ? notice('info', html`Machine <code>${destroyed}</code> destroyed; its ticket is asked again.`) : ''}
  ${error ? notice('error', error) : ''}
  ${problem ? notice('error', html`${problem} <a href="/admin/setup#h-fix-fly-sessions">How to set up Fly Machines</a>`) : ''}
  ${confirm && !toConfirm && !problem ? notice('error', `No live session ${confirm}: it may have ended already.`) : ''}
  ${toConfirm ? confirmBox(toConfirm, csrf) : ''}
  ${section(`Live sessions (${sessions.length})`, liveSessionsTable(sessions, { destroy: true }), 'live-sessions')}`;
  return {
    title: 'Sessions',
    lead: 'Fly Machine sessions in started, starting or created state, and destroying a stuck one.',
    body,
  };
}
