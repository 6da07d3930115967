import {
  LINK_TYPES,
  PRIORITIES,
  fieldValue,
  findIssue,
  statusOf,
  type FakeComment,
  type FakeField,
  type FakeIssue,
  type FakeJiraData,
  type FakeStatus,
} from './fake-jira-data.ts';

/**
 * JSON bodies shaped as Jira Cloud REST v3 documents them
 * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/), checked in the tests by
 * jira.js's zod models with `onSchemaMismatch: 'throw'`.
 */

const CATEGORIES = {
  new: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  done: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
} as const;

export const FAKE_USER = { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'AI-Implement Bot' };

export function fieldJson(field: FakeField): Record<string, unknown> {
  const number = field.id.replace('customfield_', '');
  const schema = field.custom
    ? {
        type: field.kind === 'select' ? 'option' : 'string',
        custom: `com.atlassian.jira.plugin.system.customfieldtypes:${field.kind === 'select' ? 'select' : 'textfield'}`,
        customId: Number(number),
      }
    : { type: field.id === 'created' || field.id === 'updated' ? 'datetime' : 'string', system: field.id };
  return {
    id: field.id,
    key: field.id,
    name: field.name,
    untranslatedName: field.name,
    custom: field.custom,
    orderable: true,
    navigable: true,
    searchable: true,
    clauseNames: field.custom ? [`cf[${number}]`, field.name] : [field.id],
    schema,
  };
}

/**
 * Which fields to render: Jira's `fields` parameter (names, `*all`, `*navigable`, `-name`);
 * `fallback` when the request gives none (search: ids only; get issue: all).
 */
export function fieldSelection(
  requested: string[] | undefined,
  fallback: 'none' | 'all',
): (name: string) => boolean {
  const names = (requested ?? [])
    .flatMap((entry) => entry.split(','))
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) return () => fallback === 'all';
  const all = names.includes('*all') || names.includes('*navigable');
  const excluded = new Set(names.filter((name) => name.startsWith('-')).map((name) => name.slice(1)));
  return (name) => !excluded.has(name) && (all || names.includes(name));
}

export function issueJson(
  data: FakeJiraData,
  issue: FakeIssue,
  include: (name: string) => boolean,
  baseUrl: string,
): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const put = (name: string, value: () => unknown) => {
    if (include(name)) fields[name] = value();
  };
  put('summary', () => issue.summary);
  put('description', () => issue.description);
  put('status', () => statusJson(statusOf(data, issue), baseUrl));
  put('priority', () => priorityJson(issue.priority, baseUrl));
  put('created', () => issue.created);
  put('updated', () => issue.updated);
  put('labels', () => issue.labels);
  put('resolution', () =>
    issue.resolution
      ? { self: `${baseUrl}/rest/api/3/resolution/1`, id: '1', name: issue.resolution, description: '' }
      : null,
  );
  put('project', () => {
    const project = data.projects.find((p) => p.key === issue.projectKey);
    return {
      self: `${baseUrl}/rest/api/3/project/${project?.id}`,
      id: project?.id,
      key: issue.projectKey,
      name: project?.name,
      projectTypeKey: 'software',
      simplified: false,
    };
  });
  put('issuelinks', () =>
    data.links
      .filter((link) => link.from === issue.key || link.to === issue.key)
      .map((link) => {
        const other = findIssue(data, link.from === issue.key ? link.to : link.from);
        const direction = link.to === issue.key ? 'inwardIssue' : 'outwardIssue';
        const type = LINK_TYPES[link.type];
        return {
          id: link.id,
          self: `${baseUrl}/rest/api/3/issueLink/${link.id}`,
          type: { ...type, self: `${baseUrl}/rest/api/3/issueLinkType/${type.id}` },
          [direction]: other ? linkedJson(data, other, baseUrl) : undefined,
        };
      }),
  );
  if (issue.parentKey && include('parent')) {
    const parent = findIssue(data, issue.parentKey);
    if (parent) fields.parent = linkedJson(data, parent, baseUrl);
  }
  for (const field of data.fields.filter((f) => f.custom)) {
    if (!include(field.id)) continue;
    const value = fieldValue(data, issue, field.id);
    const optionId = issue.custom[field.id];
    fields[field.id] =
      value === null
        ? null
        : field.kind === 'select'
          ? { self: `${baseUrl}/rest/api/3/customFieldOption/${optionId}`, value, id: optionId }
          : value;
  }
  return {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: issue.id,
    self: `${baseUrl}/rest/api/3/issue/${issue.id}`,
    key: issue.key,
    fields,
  };
}

/** A linked issue or a parent, as Jira embeds them: key fields only. */
function linkedJson(data: FakeJiraData, issue: FakeIssue, baseUrl: string): Record<string, unknown> {
  return {
    id: issue.id,
    key: issue.key,
    self: `${baseUrl}/rest/api/3/issue/${issue.id}`,
    fields: {
      summary: issue.summary,
      status: statusJson(statusOf(data, issue), baseUrl),
      priority: priorityJson(issue.priority, baseUrl),
      issuetype: {
        self: `${baseUrl}/rest/api/3/issuetype/10001`,
        id: '10001',
        name: 'Task',
        subtask: false,
        hierarchyLevel: 0,
      },
    },
  };
}

export function statusJson(status: FakeStatus, baseUrl: string): Record<string, unknown> {
  return {
    self: `${baseUrl}/rest/api/3/status/${status.id}`,
    description: '',
    iconUrl: `${baseUrl}/images/icons/statuses/generic.png`,
    name: status.name,
    id: status.id,
    statusCategory: {
      self: `${baseUrl}/rest/api/3/statuscategory/${CATEGORIES[status.category].id}`,
      ...CATEGORIES[status.category],
    },
  };
}

function priorityJson(name: string | null, baseUrl: string): Record<string, unknown> | null {
  if (name === null) return null;
  const id = String(PRIORITIES.indexOf(name) + 1);
  return {
    self: `${baseUrl}/rest/api/3/priority/${id}`,
    iconUrl: `${baseUrl}/images/icons/priorities/${name.toLowerCase()}.svg`,
    name,
    id,
  };
}

export function userJson(baseUrl: string): Record<string, unknown> {
  return {
    self: `${baseUrl}/rest/api/3/user?accountId=${FAKE_USER.accountId}`,
    accountId: FAKE_USER.accountId,
    accountType: 'atlassian',
    displayName: FAKE_USER.displayName,
    active: true,
    timeZone: 'Etc/UTC',
    locale: 'en_US',
  };
}

export function commentJson(
  issue: FakeIssue,
  comment: FakeComment,
  baseUrl: string,
  /** `expand=properties` (Get comments by IDs only). */
  options: { properties?: boolean } = {},
): Record<string, unknown> {
  const author = { ...userJson(baseUrl) };
  delete author.locale;
  return {
    self: `${baseUrl}/rest/api/3/issue/${issue.id}/comment/${comment.id}`,
    id: comment.id,
    author,
    body: comment.body,
    updateAuthor: author,
    created: comment.created,
    updated: comment.created,
    jsdPublic: true,
    ...(options.properties ? { properties: comment.properties } : {}),
  };
}

/** Jira's offset page (`startAt`/`maxResults`/`total`/`isLast`/`values`). */
export function pageJson<T>(items: T[], startAt: number, maxResults: number): Record<string, unknown> {
  const values = items.slice(startAt, startAt + maxResults);
  return {
    maxResults,
    startAt,
    total: items.length,
    isLast: startAt + values.length >= items.length,
    values,
  };
}
