/* global document, window, location, fetch, setInterval, clearInterval, URLSearchParams, Element */
// The admin UI's page script: plain JavaScript served as is (no build step). Pages render on
// the server and read fine without it; this adds the API actions (pause, delete, …), the live
// refresh of running jobs and job steps, and the environment checks that load after the page.
// Everything from the server is written with textContent, never innerHTML.
'use strict';

const REFRESH_MS = 5000;
const csrfToken = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';

/** Calls the JSON API with the session cookie and the page's CSRF token. */
async function api(method, path, body) {
  const headers = { accept: 'application/json', 'x-csrf-token': csrfToken };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) {
    // The session expired or was ended elsewhere: go to sign-in, then come back here.
    const params = new URLSearchParams({ next: location.pathname + location.search, expired: '1' });
    location.assign(`/admin/sign-in?${params}`);
    throw new Error('signed out');
  }
  let json = {};
  try {
    json = await response.json();
  } catch {
    // a body that is not JSON: keep the empty object
  }
  return { status: response.status, ok: response.ok, body: json };
}
window.aiImplementApi = api;

/** Shows `text` in the page's message box; `link` ({ href, text }) follows it, opening a new tab. */
function flash(text, tone, link) {
  const box = document.getElementById('flash');
  if (!box) return;
  box.textContent = text;
  if (link) {
    const anchor = el('a', link.text);
    anchor.href = link.href;
    anchor.target = '_blank';
    anchor.rel = 'noopener noreferrer';
    box.append(' ', anchor);
  }
  box.className = `flash message message-${tone}`;
}
window.aiImplementFlash = flash;

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

const TONES = {
  running: 'info',
  pending: 'info',
  started: 'info',
  succeeded: 'ok',
  completed: 'ok',
  failed: 'bad',
  skipped: 'neutral',
  waiting_for_input: 'warn',
};

function badge(status, label) {
  const text = label ?? String(status).replaceAll('_', ' ');
  return el('span', text, `badge badge-${TONES[status] ?? 'neutral'}`);
}

function formatDuration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

function row(cells) {
  const tr = document.createElement('tr');
  for (const cell of cells) {
    const td = document.createElement('td');
    for (const part of Array.isArray(cell) ? cell : [cell]) {
      td.append(typeof part === 'string' || typeof part === 'number' ? String(part) : part);
      td.append(' ');
    }
    tr.append(td);
  }
  return tr;
}

function emptyRow(columns, text) {
  const tr = document.createElement('tr');
  const td = el('td', text, 'empty');
  td.colSpan = columns;
  tr.append(td);
  return tr;
}

// --- Dialogs ------------------------------------------------------------------------------

// A button naming a <dialog> opens it as a modal (the Approve dialog shows the plan first).
document.addEventListener('click', (event) => {
  const opener = event.target instanceof Element ? event.target.closest('button[data-open-dialog]') : null;
  if (!opener) return;
  const dialog = document.getElementById(opener.getAttribute('data-open-dialog'));
  if (dialog?.tagName === 'DIALOG') dialog.showModal();
});

// --- API buttons -------------------------------------------------------------------------

document.addEventListener('click', async (event) => {
  const button = event.target instanceof Element ? event.target.closest('button[data-api-method]') : null;
  if (!button || button.disabled) return;
  const question = button.getAttribute('data-confirm');
  if (question && !window.confirm(question)) return;
  const raw = button.getAttribute('data-api-body');
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    const result = await api(
      button.getAttribute('data-api-method'),
      button.getAttribute('data-api-path'),
      raw ? JSON.parse(raw) : undefined,
    );
    if (!result.ok) {
      const missing = button.closest('[data-missing-route]');
      const noRoute = result.status === 404 && /^no route for/.test(result.body.message ?? '');
      flash(
        noRoute && missing
          ? missing.getAttribute('data-missing-route')
          : `Refused (${result.status}): ${result.body.message ?? 'no details'}`,
        'error',
      );
      return;
    }
    const then = button.getAttribute('data-then');
    if (then === 'remove-row') {
      const label = button.getAttribute('aria-label') ?? button.textContent.trim();
      button.closest('tr')?.remove();
      flash(`Done: ${label}.`, 'info');
    } else if (then === 'message') {
      // An answer naming a pull request (Sync workflows) links it.
      const pull = result.body.pullRequest;
      const link =
        pull && /^https:\/\//.test(pull.url)
          ? { href: pull.url, text: `Open pull request #${pull.number}` }
          : undefined;
      flash(result.body.message ?? `Done (${result.status}).`, 'info', link);
    } else {
      location.reload();
    }
  } catch (error) {
    if (String(error) !== 'Error: signed out') flash(`The request failed: ${error}`, 'error');
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
});

// A plain form that destroys something (a secret's Delete) asks first, as the API buttons do.
document.addEventListener('submit', (event) => {
  const form = event.target instanceof Element ? event.target.closest('form[data-confirm]') : null;
  const question = form?.getAttribute('data-confirm');
  if (question && !window.confirm(question)) event.preventDefault();
});

// --- Live durations ----------------------------------------------------------------------

setInterval(() => {
  for (const node of document.querySelectorAll('[data-since]')) {
    const since = Date.parse(node.getAttribute('data-since'));
    if (!Number.isNaN(since)) node.textContent = formatDuration((Date.now() - since) / 1000);
  }
}, 1000);

// --- Live tables -------------------------------------------------------------------------

/** Runs `refresh` every REFRESH_MS while the page is visible; stops when it returns false. */
function every(refresh) {
  let timer;
  const tick = async () => {
    if (document.hidden) return;
    try {
      if ((await refresh()) === false) clearInterval(timer);
    } catch (error) {
      if (String(error) !== 'Error: signed out') flash(`Live refresh failed: ${error}`, 'error');
    }
  };
  timer = setInterval(tick, REFRESH_MS);
}

function jobLink(job) {
  const link = el('a', job.issue.identifier);
  link.href = `/admin/jobs/${encodeURIComponent(job.jobId)}`;
  return link;
}

/** The row under a cut running-jobs table, as the server renders it. */
function moreRunning(count) {
  const link = el('a', 'all under Pipelines');
  link.href = '/admin/jobs';
  const td = el('td', `${count} more running — `, 'muted');
  td.colSpan = 7;
  td.append(link);
  const tr = el('tr', undefined, 'more');
  tr.append(td);
  return tr;
}

const runningTable = document.querySelector('table[data-live="running-jobs"]');
if (runningTable) {
  every(async () => {
    const { ok, body } = await api('GET', runningTable.getAttribute('data-src'));
    if (!ok) return;
    const tbody = runningTable.tBodies[0];
    const shown = Number(runningTable.getAttribute('data-shown') ?? Infinity);
    tbody.replaceChildren(
      ...(body.runningJobs.length === 0
        ? [emptyRow(7, 'No runs in flight.')]
        : body.runningJobs.slice(0, shown).map((job) => {
            const since = el('span', formatDuration(job.durationSeconds));
            since.setAttribute('data-since', job.startedAt);
            return row([
              [jobLink(job), el('span', job.issue.title, 'muted')],
              job.phase,
              // A run waiting for a person's answer to its agent's question (issue 21).
              badge(job.waitingForInput === null ? job.status : 'waiting_for_input'),
              job.repo,
              job.teamKey,
              job.dispatchNumber,
              since,
            ]);
          })),
      ...(body.runningJobs.length > shown ? [moreRunning(body.runningJobs.length - shown)] : []),
    );
    const kpis = {
      running: body.runningJobs.length,
      failed: body.failedLast24h.count,
      utilization: `${Math.round(body.capacity.utilization * 100)}%`,
      slots:
        body.capacity.byMapping.length === 0
          ? 'no projects yet'
          : `${body.capacity.inProgress} of ${body.capacity.cap} run slots in use`,
      'at-cap': body.projectsAtCap.length,
    };
    for (const [key, value] of Object.entries(kpis)) {
      const node = document.querySelector(`[data-kpi="${key}"]`);
      if (node) node.textContent = String(value);
    }
  });
}

/** The job page's run log, as the server renders it (jobs-panel.ts runLogSection). */
function renderRunLog(lines, phases) {
  const log = document.querySelector('[data-live="run-log"]');
  if (!log) return;
  if (lines.length === 0) return;
  log.replaceChildren(
    ...lines.map((line) => {
      const item = el('li');
      const time = el('time', line.receivedAt.slice(11, 19));
      time.setAttribute('datetime', line.receivedAt);
      item.append(
        time,
        ' ',
        el('span', phases.get(line.dispatchId) ?? line.dispatchId, 'muted'),
        ' ',
        line.text,
      );
      if (line.detail) item.append(el('pre', line.detail, 'log-detail'));
      return item;
    }),
  );
}

const stepsTable = document.querySelector('table[data-live="job-steps"][data-active="true"]');
if (stepsTable) {
  every(async () => {
    const { ok, body } = await api('GET', stepsTable.getAttribute('data-src'));
    if (!ok) return;
    const phases = new Map(body.dispatches.map((d) => [d.dispatchId, `${d.phase} #${d.dispatchNumber}`]));
    stepsTable.tBodies[0].replaceChildren(
      ...(body.stepRows.length === 0
        ? [emptyRow(5, 'No progress reported yet.')]
        : body.stepRows.map((step) =>
            row([
              phases.get(step.dispatchId) ?? step.dispatchId,
              step.step,
              badge(step.status),
              step.elapsedMs === null ? '—' : formatDuration(step.elapsedMs / 1000),
              step.lastReportedAt.slice(0, 16).replace('T', ' ') + ' UTC',
            ]),
          )),
    );
    renderRunLog(body.log, phases);
    const inFlight = body.dispatches.some((d) => d.status === 'pending' || d.status === 'running');
    // The run ended: render the page once more from the server for the final dispatch states.
    if (!inFlight) location.reload();
    return inFlight;
  });
}

// --- Checks that load after the page -----------------------------------------------------

async function loadInto(box, render) {
  const target = box;
  try {
    const result = await api('GET', target.getAttribute('data-src'));
    target.replaceChildren(...render(result));
  } catch (error) {
    if (String(error) !== 'Error: signed out')
      target.replaceChildren(el('p', `Could not load: ${error}`, 'error-text'));
  }
}

const configBox = document.querySelector('[data-live="config-status"]');
if (configBox) {
  loadInto(configBox, ({ ok, body }) => {
    if (!ok) return [el('p', body.message ?? 'The checks could not run.', 'error-text')];
    const list = el('ul', undefined, 'checks');
    for (const check of body.checks) {
      const item = el('li');
      item.append(
        badge(check.ok ? 'succeeded' : 'failed', check.ok ? 'ok' : 'needs attention'),
        ' ',
        el('strong', check.label ?? check.name),
        ' — ',
        check.detail,
      );
      if (!check.ok && check.fix) {
        const fix = el('a', check.fix.text);
        fix.href = check.fix.href;
        item.append(' ', fix);
      }
      list.append(item);
    }
    return body.checks.length === 0 ? [el('p', 'No checks configured.', 'muted')] : [list];
  });
}

const templateBox = document.querySelector('[data-live="template-status"]');
if (templateBox) {
  loadInto(templateBox, ({ ok, status, body }) => {
    if (status === 404) {
      return [
        el(
          'p',
          'Not available yet: arrives with Sync workflows and the workflow templates.',
          'not-available',
        ),
      ];
    }
    if (!ok) return [el('p', body.message ?? `Template status failed (${status}).`, 'error-text')];
    const stale = body.repos.filter((repo) => repo.status !== 'current');
    if (body.repos.length === 0) {
      const none = el('p', 'No repositories to compare yet: ');
      const link = el('a', 'create a project');
      link.href = '/admin/projects/new';
      none.append(link, '.');
      return [none];
    }
    if (stale.length === 0) {
      const count =
        body.repos.length === 1 ? 'The one repository has' : `All ${body.repos.length} repositories have`;
      return [el('p', `${count} current workflow templates.`)];
    }
    const list = el('ul', undefined, 'checks');
    for (const repo of stale) {
      const item = el('li');
      item.append(
        badge(repo.status === 'unknown' ? 'pending' : 'failed', repo.status),
        ' ',
        el('strong', repo.repository),
      );
      item.append(` — project ${repo.teamKeys.join(', ')}${repo.error ? `: ${repo.error}` : ''}`);
      list.append(item);
    }
    const hint = el('p', 'Run Sync workflows for these projects from ', 'muted');
    const projects = el('a', 'Projects');
    projects.href = '/admin/projects';
    hint.append(projects, '.');
    return [list, hint];
  });
}
