/* global document, window, location */
// The New project stepper (served as is, no build step). One step at a time; "Next" sends the
// draft so far to POST /api/mappings/validate — the API's own rules, nothing duplicated here —
// and shows each field error next to its field. "Create project" posts to /api/mappings.
'use strict';

const form = document.getElementById('project-stepper');
if (form) setUpStepper(form);

function setUpStepper(form) {
  const api = window.aiImplementApi;
  const steps = [...form.querySelectorAll('fieldset.step')];
  const nav = [...document.querySelectorAll('[data-nav-step]')];
  const back = form.querySelector('[data-step-back]');
  const next = form.querySelector('[data-step-next]');
  const submit = form.querySelector('[data-step-submit]');
  const mode = form.getAttribute('data-mode');
  const last = steps.length - 1;
  let current = 0;

  function fieldValue(name) {
    const checked = form.querySelector(`[data-field="${name}"][type="radio"]:checked`);
    if (checked) return checked.value;
    const input = form.querySelector(`[data-field="${name}"]`);
    return input ? input.value : '';
  }

  function applyShowWhen() {
    for (const node of form.querySelectorAll('[data-show-when]')) {
      const [name, value] = node.getAttribute('data-show-when').split('=');
      node.hidden = fieldValue(name) !== value;
    }
  }

  function show(index) {
    current = index;
    steps.forEach((step, i) => (step.hidden = i !== index));
    nav.forEach((item, i) => {
      item.classList.toggle('done', i < index);
      if (i === index) item.setAttribute('aria-current', 'step');
      else item.removeAttribute('aria-current');
    });
    back.disabled = index === 0;
    next.hidden = index === last;
    submit.hidden = index !== last;
  }

  function focusStep(index) {
    const target =
      steps[index].querySelector('[aria-invalid="true"]') ??
      steps[index].querySelector('input:not([type="hidden"]):not([readonly]), select, textarea');
    (target ?? steps[index].querySelector('legend'))?.focus();
  }

  /** The draft mapping from the visible fields of steps 0…upTo, as the API expects it. */
  function collect(upTo) {
    const draft = {};
    const problems = [];
    for (const input of form.querySelectorAll('[data-field]')) {
      if (Number(input.getAttribute('data-step')) > upTo || input.closest('[hidden]:not(fieldset.step)'))
        continue;
      const name = input.getAttribute('data-field');
      const kind = input.getAttribute('data-kind');
      let value;
      if (kind === 'radio') {
        if (!input.checked) continue;
        value = input.value;
      } else if (kind === 'checkbox') {
        value = input.checked;
      } else if (kind === 'env') {
        value = {};
        for (const line of input.value
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean)) {
          const at = line.indexOf('=');
          if (at <= 0)
            problems.push({ field: name, message: 'write each variable as NAME=value, one per line' });
          else value[line.slice(0, at).trim()] = line.slice(at + 1);
        }
      } else if (kind === 'list') {
        value = input.value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean);
      } else {
        const text = input.value.trim();
        if (text === '') continue;
        value = kind === 'number' && Number.isFinite(Number(text)) ? Number(text) : text;
      }
      const path = name.split('.');
      let target = draft;
      for (const key of path.slice(0, -1)) target = target[key] ??= {};
      target[path.at(-1)] = value;
    }
    if (draft.ticketingProvider === 'jira' || draft.ticketingProvider === 'github')
      draft.ticketingConfig = { kind: draft.ticketingProvider, ...draft.ticketingConfig };
    else delete draft.ticketingConfig;
    return { draft, problems };
  }

  function clearErrors() {
    for (const node of form.querySelectorAll('.field-error, .step-error')) {
      node.hidden = true;
      node.textContent = '';
    }
    for (const node of form.querySelectorAll('[aria-invalid]')) node.removeAttribute('aria-invalid');
  }

  /** The input an API error path belongs to: exact name, else the nearest enclosing field. */
  function inputFor(path) {
    const inputs = [...form.querySelectorAll('[data-field]')];
    return (
      inputs.find((i) => i.getAttribute('data-field') === path) ??
      inputs
        .filter((i) => path.startsWith(`${i.getAttribute('data-field')}.`))
        .sort((a, b) => b.getAttribute('data-field').length - a.getAttribute('data-field').length)[0] ??
      inputs.find((i) => i.getAttribute('data-field').startsWith(`${path}.`) && !i.closest('[hidden]'))
    );
  }

  /** Shows the errors of steps 0…upTo next to their fields; returns the first step with one, or -1. */
  function showErrors(fields, upTo) {
    let first = -1;
    const mark = (step) => (first = first === -1 ? step : Math.min(first, step));
    for (const { field, message } of fields) {
      const input = inputFor(field);
      const step = input ? Number(input.getAttribute('data-step')) : current;
      if (step > upTo) continue;
      mark(step);
      const box = input
        ? document.getElementById(`err-${input.getAttribute('data-field').replace(/[^A-Za-z0-9_-]/g, '-')}`)
        : steps[step].querySelector('.step-error');
      const label = input && field !== input.getAttribute('data-field') ? `${field}: ` : '';
      box.textContent = box.textContent ? `${box.textContent} ${label}${message}` : `${label}${message}`;
      box.hidden = false;
      input?.setAttribute('aria-invalid', 'true');
    }
    return first;
  }

  function stepProblem(step, text) {
    const box = steps[step].querySelector('.step-error');
    box.textContent = text;
    box.hidden = false;
  }

  function renderSummary(mapping) {
    const box = form.querySelector('[data-review-summary]');
    const list = document.createElement('dl');
    // `paused` is the checkbox on this step itself; the list shows what the earlier steps gave.
    for (const [key, value] of Object.entries(mapping).filter(([name]) => name !== 'paused')) {
      const term = document.createElement('dt');
      term.textContent = key;
      const detail = document.createElement('dd');
      detail.textContent = typeof value === 'object' ? JSON.stringify(value) : String(value);
      list.append(term, detail);
    }
    const note = document.createElement('p');
    note.className = 'muted';
    note.textContent =
      'Run caps left blank are not listed: runs use their defaults (50 turns, 3 or 2 iterations, 90 minutes).';
    box.replaceChildren(list, note);
  }

  async function goNext() {
    clearErrors();
    const { draft, problems } = collect(current);
    if (showErrors(problems, current) !== -1) return focusStep(current);
    next.disabled = true;
    try {
      const result = await api('POST', '/api/mappings/validate', draft);
      if (result.status === 400) {
        const first = showErrors(result.body.fields ?? [], current);
        if (first !== -1) {
          show(first);
          return focusStep(first);
        }
      } else if (!result.ok) {
        return stepProblem(
          current,
          `The server refused the check (${result.status}): ${result.body.message ?? ''}`,
        );
      } else if (mode === 'create' && result.body.exists) {
        showErrors(
          [
            {
              field: 'teamKey',
              message: 'a project with this team key exists already: edit it from Projects',
            },
          ],
          last,
        );
        show(0);
        return focusStep(0);
      }
      if (current + 1 === last) {
        if (!result.ok) return stepProblem(current, 'Some fields still need attention.');
        renderSummary(result.body.mapping);
      }
      show(current + 1);
      focusStep(current);
    } catch (error) {
      if (String(error) !== 'Error: signed out') stepProblem(current, `The check failed: ${error}`);
    } finally {
      next.disabled = false;
    }
  }

  async function save() {
    clearErrors();
    const { draft, problems } = collect(last);
    const early = showErrors(problems, last);
    if (early !== -1) {
      show(early);
      return focusStep(early);
    }
    submit.disabled = true;
    try {
      const result = await api('POST', '/api/mappings', draft);
      if (result.ok) {
        const teamKey = result.body.mapping.teamKey;
        const failed = await saveSecrets(teamKey);
        if (failed.length === 0) {
          location.assign(`/admin/projects?saved=${encodeURIComponent(teamKey)}`);
          return;
        }
        return stepProblem(
          last,
          `Project ${teamKey} saved, but not every secret: ${failed.join('; ')}. Add them on the Secrets panel.`,
        );
      }
      const first = showErrors(result.body.fields ?? [], last);
      if (first === -1)
        return stepProblem(last, `Not saved (${result.status}): ${result.body.message ?? ''}`);
      show(first);
      focusStep(first);
    } catch (error) {
      if (String(error) !== 'Error: signed out') stepProblem(last, `Saving failed: ${error}`);
    } finally {
      submit.disabled = false;
    }
  }

  /** Stores the Secrets step's rows as the project's secrets; returns what failed, never a value. */
  async function saveSecrets(teamKey) {
    const failed = [];
    for (const row of form.querySelectorAll('[data-secret-row]')) {
      const name = row.querySelector('[data-secret-name]').value.trim();
      const value = row.querySelector('[data-secret-value]').value;
      if (name === '' && value === '') continue;
      const answer = await api('POST', `/api/mappings/${encodeURIComponent(teamKey)}/secrets`, {
        name,
        value,
      });
      if (answer.ok) row.querySelector('[data-secret-value]').value = '';
      else failed.push(`${name || '(no name)'}: ${answer.body.message ?? answer.status}`);
    }
    return failed;
  }

  /**
   * The repository picker: the GitHub App's repositories (GET /api/github/repositories) offered
   * for the issues repository and, through one "owner/repo" field, for the code repository —
   * picking one fills owner, repository name and default branch. Typing by hand still works; an
   * orchestrator without a GitHub App, or one GitHub refuses, simply offers nothing.
   */
  /**
   * Offers the Linear teams the API key can see as suggestions for the team key (a datalist:
   * free text stays possible; the server refuses a team Linear does not have). Only while Linear
   * is the chosen tracker: for Jira and GitHub Issues the key is a label of the operator's.
   */
  async function offerTeams() {
    const key = form.querySelector('[data-field="teamKey"]');
    if (!key || key.readOnly) return;
    const { ok, body } = await api('GET', '/api/ticketing/teams?provider=linear');
    if (!ok || body.teams.length === 0) return;
    const list = document.createElement('datalist');
    list.id = 'tracker-teams';
    for (const team of body.teams) {
      const option = document.createElement('option');
      option.value = team.key;
      option.label = team.name;
      list.append(option);
    }
    form.append(list);
    const help = document.createElement('p');
    help.className = 'help';
    help.id = 'tracker-teams-help';
    help.textContent = `Linear teams this API key can see: ${body.teams.map((team) => team.key).join(', ')}.`;
    key.after(help);
    const follow = () => {
      const linear = form.querySelector('input[data-field="ticketingProvider"][value="linear"]');
      const chosen = !linear || linear.checked;
      if (chosen) key.setAttribute('list', list.id);
      else key.removeAttribute('list');
      help.hidden = !chosen;
    };
    form.addEventListener('change', follow);
    follow();
  }

  /**
   * Offers the Jira projects the account can see beside the JQL (a select under it): picking one
   * writes `project = KEY` into an empty JQL (or one that names only a project) and suggests the
   * key as the team key while that is empty. Typing stays possible; the server refuses a JQL
   * naming a project Jira does not have, with the list. Only while Jira is the chosen tracker.
   */
  async function offerJiraProjects() {
    const jql = form.querySelector('[data-field="ticketingConfig.jql"]');
    if (!jql) return;
    const { ok, body } = await api('GET', '/api/jira/projects');
    if (!ok || body.projects.length === 0) return;
    const picker = document.createElement('select');
    picker.id = 'jira-projects';
    const prompt = document.createElement('option');
    prompt.value = '';
    prompt.textContent = 'pick one to fill the JQL…';
    picker.append(prompt);
    for (const project of body.projects) {
      const option = document.createElement('option');
      option.value = project.key;
      option.textContent = `${project.key} — ${project.name}`;
      picker.append(option);
    }
    const label = document.createElement('label');
    label.htmlFor = picker.id;
    label.textContent = 'Jira project ';
    const line = document.createElement('p');
    line.className = 'help';
    line.append(label, picker);
    jql.after(line);
    picker.addEventListener('change', () => {
      if (!picker.value) return;
      if (jql.value.trim() === '' || /^project\s*=\s*"?[A-Za-z0-9_]+"?$/i.test(jql.value.trim())) {
        jql.value = `project = ${picker.value}`;
      }
      const key = form.querySelector('[data-field="teamKey"]');
      if (key && !key.readOnly && key.value.trim() === '') key.value = picker.value;
    });
  }

  async function offerRepositories() {
    const { ok, body } = await api('GET', '/api/github/repositories');
    if (!ok || body.repositories.length === 0) return;
    const list = document.createElement('datalist');
    list.id = 'github-repositories';
    for (const repository of body.repositories) {
      const option = document.createElement('option');
      option.value = repository.fullName;
      list.append(option);
    }
    form.append(list);
    form.querySelector('[data-field="ticketingConfig.repository"]')?.setAttribute('list', list.id);
    const owner = form.querySelector('[data-field="owner"]');
    const repo = form.querySelector('[data-field="repo"]');
    const branch = form.querySelector('[data-field="defaultBranch"]');
    if (!owner || !repo || owner.readOnly || repo.readOnly) return;
    const field = document.createElement('div');
    field.className = 'field';
    const label = document.createElement('label');
    label.htmlFor = 'repository-picker';
    label.textContent = 'Pick a repository of the GitHub App';
    const picker = document.createElement('input');
    picker.id = 'repository-picker';
    picker.setAttribute('list', list.id);
    picker.placeholder = 'owner/repo';
    picker.autocomplete = 'off';
    const help = document.createElement('p');
    help.className = 'help';
    help.textContent = `${body.repositories.length} repositories${body.truncated ? ' (the first ones)' : ''}; or fill in the fields below.`;
    picker.addEventListener('change', () => {
      const wanted = picker.value.trim().toLowerCase();
      const chosen = body.repositories.find((repository) => repository.fullName.toLowerCase() === wanted);
      if (!chosen) return;
      owner.value = chosen.owner;
      repo.value = chosen.repo;
      if (branch && !branch.readOnly) branch.value = chosen.defaultBranch;
    });
    field.append(label, picker, help);
    owner.closest('.field').before(field);
  }

  form.addEventListener('change', applyShowWhen);
  form.addEventListener('submit', (event) => {
    // Enter in a field submits the form: on a middle step that means "Next".
    event.preventDefault();
    if (current === last) save();
    else goNext();
  });
  next.addEventListener('click', goNext);
  back.addEventListener('click', () => {
    clearErrors();
    show(Math.max(0, current - 1));
    focusStep(current);
  });
  for (const legend of form.querySelectorAll('legend')) legend.tabIndex = -1;
  applyShowWhen();
  show(0);
  offerRepositories().catch(() => undefined);
  offerTeams().catch(() => undefined);
  offerJiraProjects().catch(() => undefined);
}
