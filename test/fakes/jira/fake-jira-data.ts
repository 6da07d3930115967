import type { AdfDoc } from '../../../src/ticketing/jira/adf-nodes.ts';
import { assertValidAdf } from './adf-validator.ts';

/**
 * The fake Jira site's state: projects with their workflow statuses, fields (the AI-Implement
 * custom fields among them) with their select options, issues, links and comments. Seeded by
 * tests the way an admin and a person use Jira; read and written by the fake's routes.
 */

export type StatusCategoryKey = 'new' | 'indeterminate' | 'done';

export interface FakeStatus {
  id: string;
  name: string;
  category: StatusCategoryKey;
}

export interface FakeProject {
  id: string;
  key: string;
  name: string;
  statuses: FakeStatus[];
  issueCount: number;
}

export interface FakeOption {
  id: string;
  value: string;
  disabled: boolean;
}

export interface FakeField {
  id: string;
  name: string;
  custom: boolean;
  /** `select`: single-select list; `text`: single-line text; `system`: a built-in field. */
  kind: 'select' | 'text' | 'system';
  contextId: string;
  options: FakeOption[];
}

export interface FakeComment {
  id: string;
  body: AdfDoc;
  created: string;
  /** Comment properties set with Add comment's `properties` (Jira returns them with `expand=properties`). */
  properties: { key: string; value: unknown }[];
}

export interface FakeIssue {
  id: string;
  key: string;
  projectKey: string;
  summary: string;
  description: AdfDoc | null;
  statusId: string;
  resolution: string | null;
  priority: string | null;
  /** Jira's timestamp format, e.g. `2026-03-01T10:00:00.000+0000`. */
  created: string;
  /**
   * When the issue last changed (Jira's format): stamped by creation, every field edit, every
   * transition and every comment, as Jira does (`touch`).
   */
  updated: string;
  labels: string[];
  parentKey: string | null;
  /** Custom field values by field id: an option id for select fields, a string for text fields. */
  custom: Record<string, string | null>;
  comments: FakeComment[];
}

/** A directed link: `from` <outward> `to`, e.g. Blocks: `from` blocks `to`, `to` is blocked by `from`. */
export interface FakeLink {
  id: string;
  type: 'Blocks' | 'Relates';
  from: string;
  to: string;
}

export interface FakeJiraData {
  projects: FakeProject[];
  fields: FakeField[];
  issues: FakeIssue[];
  links: FakeLink[];
  nextId: number;
  /** Added to `Date.now()` for the fake's clock (`fakeNow`): `updated` stamps and JQL relative dates. */
  clockOffsetMs: number;
}

export const LINK_TYPES = {
  Blocks: { id: '10000', name: 'Blocks', inward: 'is blocked by', outward: 'blocks' },
  Relates: { id: '10003', name: 'Relates', inward: 'relates to', outward: 'relates to' },
} as const;

/** Jira's default priorities, ids 1–5. */
export const PRIORITIES = ['Highest', 'High', 'Medium', 'Low', 'Lowest'];

export const DEFAULT_STATUSES: Omit<FakeStatus, 'id'>[] = [
  { name: 'To Do', category: 'new' },
  { name: 'In Progress', category: 'indeterminate' },
  { name: 'Done', category: 'done' },
];

const SYSTEM_FIELDS = [
  'summary',
  'description',
  'status',
  'priority',
  'created',
  'updated',
  'project',
  'resolution',
  'issuelinks',
  'parent',
  'labels',
];

export function createFakeJiraData(): FakeJiraData {
  const data: FakeJiraData = {
    projects: [],
    fields: [],
    issues: [],
    links: [],
    nextId: 10_000,
    clockOffsetMs: 0,
  };
  for (const id of SYSTEM_FIELDS) {
    data.fields.push({
      id,
      name: id[0]?.toUpperCase() + id.slice(1),
      custom: false,
      kind: 'system',
      contextId: '',
      options: [],
    });
  }
  return data;
}

export function nextId(data: FakeJiraData): string {
  data.nextId += 1;
  return String(data.nextId);
}

export interface ProjectSeed {
  key: string;
  name?: string;
  statuses?: Omit<FakeStatus, 'id'>[];
}

export function addProject(data: FakeJiraData, seed: ProjectSeed): FakeProject {
  if (findProject(data, seed.key)) throw new Error(`Project ${seed.key} already exists`);
  const project: FakeProject = {
    id: nextId(data),
    key: seed.key.toUpperCase(),
    name: seed.name ?? seed.key,
    statuses: (seed.statuses ?? DEFAULT_STATUSES).map((status) => ({ ...status, id: nextId(data) })),
    issueCount: 0,
  };
  data.projects.push(project);
  return project;
}

export interface FieldSeed {
  name: string;
  kind?: 'select' | 'text';
  options?: string[];
  /** Defaults to the next free `customfield_105NN`. */
  id?: string;
}

export function addField(data: FakeJiraData, seed: FieldSeed): FakeField {
  const customCount = data.fields.filter((field) => field.custom).length;
  const field: FakeField = {
    id: seed.id ?? `customfield_${10_500 + customCount}`,
    name: seed.name,
    custom: true,
    kind: seed.kind ?? 'select',
    contextId: nextId(data),
    options: (seed.options ?? []).map((value) => ({ id: nextId(data), value, disabled: false })),
  };
  if (data.fields.some((other) => other.id === field.id)) throw new Error(`Field ${field.id} already exists`);
  data.fields.push(field);
  return field;
}

export interface IssueSeed {
  project: string;
  summary?: string;
  description?: AdfDoc | null;
  /** A status name of the project (default: its first `new` status). */
  status?: string;
  resolution?: string | null;
  /** A priority name (`Highest` … `Lowest`) or null (default `Medium`). */
  priority?: string | null;
  /** ISO timestamp. */
  created?: string;
  /** ISO timestamp of the last change (default: now, as creation stamps it). */
  updated?: string;
  labels?: string[];
  parent?: string;
  /** Custom field values by field id or name: option values for select fields. */
  fields?: Record<string, string | null>;
}

export function addIssue(data: FakeJiraData, seed: IssueSeed): FakeIssue {
  const project = requireProject(data, seed.project);
  if (seed.description) assertValidAdf(seed.description, 'seeded description');
  project.issueCount += 1;
  const issue: FakeIssue = {
    id: nextId(data),
    key: `${project.key}-${project.issueCount}`,
    projectKey: project.key,
    summary: seed.summary ?? `Issue ${project.key}-${project.issueCount}`,
    description: seed.description ?? null,
    statusId: statusNamed(project, seed.status).id,
    resolution: seed.resolution ?? null,
    priority: seed.priority === undefined ? 'Medium' : seed.priority,
    created: jiraTimestamp(
      seed.created === undefined
        ? new Date(Date.UTC(2026, 0, 1) + data.nextId * 1000)
        : new Date(seed.created),
    ),
    updated: jiraTimestamp(fakeNow(data)),
    labels: seed.labels ?? [],
    parentKey: seed.parent === undefined ? null : requireIssue(data, seed.parent).key,
    custom: {},
    comments: [],
  };
  data.issues.push(issue);
  for (const [field, value] of Object.entries(seed.fields ?? {})) setFieldValue(data, issue, field, value);
  if (seed.updated !== undefined) issue.updated = jiraTimestamp(new Date(seed.updated));
  return issue;
}

/** The fake's clock: now, plus what a test advanced it by. */
export function fakeNow(data: FakeJiraData): Date {
  return new Date(Date.now() + data.clockOffsetMs);
}

/**
 * Stamps `updated` as Jira does on every change of an issue (field edit, transition, comment,
 * creation): https://support.atlassian.com/jira-software-cloud/docs/jql-fields/ (Updated:
 * "the date and time an issue was last updated").
 */
export function touch(data: FakeJiraData, issue: FakeIssue): void {
  issue.updated = jiraTimestamp(fakeNow(data));
}

/** Sets a custom field the way the issue view does: by option value for select lists. */
export function setFieldValue(
  data: FakeJiraData,
  issue: FakeIssue,
  fieldIdOrName: string,
  value: string | null,
): void {
  const field = data.fields.find((f) => f.custom && (f.id === fieldIdOrName || f.name === fieldIdOrName));
  if (!field) throw new Error(`No custom field ${fieldIdOrName}`);
  touch(data, issue);
  if (value === null || field.kind === 'text') {
    issue.custom[field.id] = value;
    return;
  }
  const option = field.options.find((o) => o.value.toLowerCase() === value.toLowerCase());
  if (!option) throw new Error(`${field.name} has no option ${value}`);
  issue.custom[field.id] = option.id;
}

export function setStatus(
  data: FakeJiraData,
  issue: FakeIssue,
  statusName: string,
  resolution?: string | null,
): void {
  const status = statusNamed(requireProject(data, issue.projectKey), statusName);
  touch(data, issue);
  issue.statusId = status.id;
  issue.resolution = resolution !== undefined ? resolution : status.category === 'done' ? 'Done' : null;
}

/**
 * Projects by key, rebuilt when one was added (projects are never removed or renamed): a search
 * looks up an issue's project per issue, which at the scale bench's 500 projects × 20 issues made
 * one search cost ~40 ms of the fake's CPU.
 */
const projectIndexes = new WeakMap<FakeJiraData, { count: number; byKey: Map<string, FakeProject> }>();

export function findProject(data: FakeJiraData, key: string): FakeProject | undefined {
  let index = projectIndexes.get(data);
  if (index?.count !== data.projects.length) {
    index = { count: data.projects.length, byKey: new Map(data.projects.map((p) => [p.key, p])) };
    projectIndexes.set(data, index);
  }
  return index.byKey.get(key.toUpperCase());
}

export function requireProject(data: FakeJiraData, key: string): FakeProject {
  const project = findProject(data, key);
  if (!project) throw new Error(`No project ${key}`);
  return project;
}

export function findIssue(data: FakeJiraData, idOrKey: string): FakeIssue | undefined {
  return data.issues.find((issue) => issue.id === idOrKey || issue.key === idOrKey.toUpperCase());
}

export function requireIssue(data: FakeJiraData, idOrKey: string): FakeIssue {
  const issue = findIssue(data, idOrKey);
  if (!issue) throw new Error(`No issue ${idOrKey}`);
  return issue;
}

export function statusOf(data: FakeJiraData, issue: FakeIssue): FakeStatus {
  const status = requireProject(data, issue.projectKey).statuses.find((s) => s.id === issue.statusId);
  if (!status) throw new Error(`Issue ${issue.key} has an unknown status`);
  return status;
}

export function statusNamed(project: FakeProject, name: string | undefined): FakeStatus {
  const status =
    name === undefined
      ? project.statuses.find((s) => s.category === 'new')
      : project.statuses.find((s) => s.name.toLowerCase() === name.toLowerCase());
  if (!status) throw new Error(`Project ${project.key} has no status ${name ?? 'in category new'}`);
  return status;
}

/** The option value (select) or text of a custom field on an issue. */
export function fieldValue(data: FakeJiraData, issue: FakeIssue, fieldId: string): string | null {
  const raw = issue.custom[fieldId] ?? null;
  const field = data.fields.find((f) => f.id === fieldId);
  if (raw === null || !field || field.kind !== 'select') return raw;
  return field.options.find((o) => o.id === raw)?.value ?? null;
}

/** `2026-03-01T10:00:00.000+0000`: Jira's format, which is not ISO 8601's `Z`. */
export function jiraTimestamp(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}
