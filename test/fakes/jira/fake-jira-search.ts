import {
  fakeNow,
  fieldValue,
  findIssue,
  findProject,
  statusOf,
  type FakeField,
  type FakeIssue,
  type FakeJiraData,
  type FakeProject,
} from './fake-jira-data.ts';
import { JqlError, parseJql, type JqlNode } from './fake-jira-jql.ts';

/** A project the account may not browse, and how Jira says so when a query names it. */
export type ProjectDenial = 400 | 403;

/** A query naming a forbidden project, answered 403 (see `FakeJira.forbidProject`). */
export class ForbiddenError extends Error {}

const STATUS_CATEGORY_NAMES: Record<string, string> = {
  new: 'new',
  'to do': 'new',
  '2': 'new',
  indeterminate: 'indeterminate',
  'in progress': 'indeterminate',
  '4': 'indeterminate',
  done: 'done',
  complete: 'done',
  '3': 'done',
};

/**
 * Runs `jql` over the issues the account can see, as Jira's search does: validates every field,
 * project, option and issue key first (Jira's 400 messages), then filters and sorts (default:
 * key order). Throws `JqlError` (400) or `ForbiddenError` (403).
 */
export function searchIssues(
  data: FakeJiraData,
  jql: string,
  denied: ReadonlyMap<string, ProjectDenial>,
  options: { bounded: boolean },
): FakeIssue[] {
  const query = parseJql(jql);
  if (options.bounded && !query.where) {
    throw new JqlError([
      'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
    ]);
  }
  if (query.where) validate(data, query.where, denied);
  const visible = data.issues.filter((issue) => !denied.has(issue.projectKey));
  const matched = query.where
    ? visible.filter((issue) => matches(data, query.where as JqlNode, issue))
    : visible;
  const order = query.orderBy.length > 0 ? query.orderBy : [{ field: 'key', descending: false }];
  return [...matched].sort((a, b) => {
    for (const { field, descending } of order) {
      const compared = compareBy(field.toLowerCase(), a, b);
      if (compared !== 0) return descending ? -compared : compared;
    }
    return 0;
  });
}

function compareBy(field: string, a: FakeIssue, b: FakeIssue): number {
  if (field === 'created') return a.created.localeCompare(b.created);
  if (field === 'key' || field === 'issuekey' || field === 'id') {
    return a.projectKey.localeCompare(b.projectKey) || Number(a.id) - Number(b.id);
  }
  throw new JqlError([`Field '${field}' does not exist or you do not have permission to view it.`]);
}

function customField(data: FakeJiraData, name: string): FakeField | undefined {
  const number = /^cf\[(\d+)\]$/i.exec(name)?.[1];
  if (number) return data.fields.find((field) => field.id === `customfield_${number}`);
  return data.fields.find((field) => field.custom && field.name.toLowerCase() === name.toLowerCase());
}

function validate(data: FakeJiraData, node: JqlNode, denied: ReadonlyMap<string, ProjectDenial>): void {
  if (node.kind === 'and' || node.kind === 'or') {
    validate(data, node.left, denied);
    validate(data, node.right, denied);
    return;
  }
  if (node.kind === 'not') {
    validate(data, node.operand, denied);
    return;
  }
  const field = node.field.toLowerCase();
  const values = node.values;
  if (field === 'updated' || field === 'created') {
    if (node.operator === 'in' || node.operator === 'not in')
      throw new JqlError([`The operator '${node.operator}' is not supported by the '${node.field}' field.`]);
    for (const value of values) {
      if (dateValue(data, value) === undefined)
        throw new JqlError([
          `Date value '${value}' for field '${node.field}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`,
        ]);
    }
    return;
  }
  if (['>', '>=', '<', '<='].includes(node.operator))
    throw new JqlError([`The operator '${node.operator}' is not supported by the '${node.field}' field.`]);
  switch (field) {
    case 'project': {
      // Jira names every value it cannot resolve, not only the first (`project in (A, GONE, OLD)`).
      const unknown: string[] = [];
      for (const value of values) {
        const project = resolveProject(data, value);
        if (project && denied.get(project.key) === 403)
          throw new ForbiddenError(`You do not have permission to browse project '${value}'.`);
        if (!project || denied.has(project.key))
          unknown.push(`The value '${value}' does not exist for the field 'project'.`);
      }
      if (unknown.length > 0) throw new JqlError(unknown);
      return;
    }
    case 'key':
    case 'issuekey':
    case 'id':
    case 'parent':
      for (const value of values) {
        if (!findIssue(data, value))
          throw new JqlError([`An issue with key '${value}' does not exist for field '${node.field}'.`]);
      }
      return;
    case 'statuscategory':
      for (const value of values) {
        if (!STATUS_CATEGORY_NAMES[value.toLowerCase()])
          throw new JqlError([`The value '${value}' does not exist for the field 'statusCategory'.`]);
      }
      return;
    case 'status':
    case 'labels':
    case 'resolution':
      return;
    case 'summary':
    case 'description':
      throw new JqlError([`The operator '${node.operator}' is not supported by the '${node.field}' field.`]);
    default: {
      const custom = customField(data, node.field);
      if (!custom)
        throw new JqlError([
          `Field '${node.field}' does not exist or you do not have permission to view it.`,
        ]);
      if (custom.kind === 'text' && node.operator !== 'is' && node.operator !== 'is not') {
        throw new JqlError([
          `The operator '${node.operator}' is not supported by the '${custom.name}' field.`,
        ]);
      }
      for (const value of values) {
        if (!custom.options.some((option) => option.value.toLowerCase() === value.toLowerCase())) {
          throw new JqlError([`The option '${value}' for field '${custom.name}' does not exist.`]);
        }
      }
    }
  }
}

function matches(data: FakeJiraData, node: JqlNode, issue: FakeIssue): boolean {
  switch (node.kind) {
    case 'and':
      return matches(data, node.left, issue) && matches(data, node.right, issue);
    case 'or':
      return matches(data, node.left, issue) || matches(data, node.right, issue);
    case 'not':
      return !matches(data, node.operand, issue);
    default: {
      const field = node.field.toLowerCase();
      if (field === 'updated' || field === 'created') {
        const at = Date.parse(issue[field].replace('+0000', 'Z'));
        const wanted = dateValue(data, node.values[0] ?? '') ?? Number.NaN;
        if (node.operator === '>') return at > wanted;
        if (node.operator === '>=') return at >= wanted;
        if (node.operator === '<') return at < wanted;
        if (node.operator === '<=') return at <= wanted;
        if (node.operator === '!=') return at !== wanted;
        return node.operator === 'is not' || (node.operator === '=' && at === wanted);
      }
      const actual = valuesOf(data, field, issue).map((v) => v.toLowerCase());
      const wanted = node.values.map((v) => v.toLowerCase());
      const hit = actual.some((value) => wanted.includes(value));
      switch (node.operator) {
        case '=':
        case 'in':
          return hit;
        // Jira's negative operators never match issues where the field is empty.
        case '!=':
        case 'not in':
          return actual.length > 0 && !hit;
        case 'is':
          return actual.length === 0;
        case 'is not':
          return actual.length > 0;
        default:
          return false;
      }
    }
  }
}

/** Every value an issue has for a JQL field, in the forms a query may name it. */
function valuesOf(data: FakeJiraData, field: string, issue: FakeIssue): string[] {
  switch (field) {
    case 'project': {
      const project = findProject(data, issue.projectKey);
      return [issue.projectKey, project?.id ?? '', project?.name ?? ''];
    }
    case 'key':
    case 'issuekey':
    case 'id':
      return [issue.key, issue.id];
    case 'parent': {
      const parent = issue.parentKey ? findIssue(data, issue.parentKey) : undefined;
      return parent ? [parent.key, parent.id] : [];
    }
    case 'status': {
      const status = statusOf(data, issue);
      return [status.name, status.id];
    }
    case 'statuscategory': {
      const category = statusOf(data, issue).category;
      return Object.keys(STATUS_CATEGORY_NAMES).filter((name) => STATUS_CATEGORY_NAMES[name] === category);
    }
    case 'labels':
      return issue.labels;
    case 'resolution':
      return issue.resolution ? [issue.resolution] : [];
    default: {
      const custom = customField(data, field);
      const value = custom ? fieldValue(data, issue, custom.id) : null;
      return value === null ? [] : [value];
    }
  }
}

/**
 * A JQL date value in ms since the epoch, as Jira reads it for `created` and `updated`: a period
 * relative to now on the fake's clock (`"-5m"`, `-2h`, `"-1w 2d"`; units w, d, h, m, minutes when
 * none), or `yyyy/MM/dd [HH:mm]` / `yyyy-MM-dd [HH:mm]` in the user's time zone (UTC here).
 * https://support.atlassian.com/jira-software-cloud/docs/jql-fields/ (Created, Updated).
 * `undefined` when it is neither.
 */
function dateValue(data: FakeJiraData, value: string): number | undefined {
  const text = value.trim();
  const absolute = /^(\d{4})[/-](\d{2})[/-](\d{2})(?: (\d{2}):(\d{2}))?$/.exec(text);
  if (absolute) {
    const [, y, mo, d, h = '0', mi = '0'] = absolute;
    return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi));
  }
  const period = /^([-+]?)((?:\d+[wdhm]?\s*)+)$/.exec(text);
  if (!period) return undefined;
  const unitMs: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000 };
  let ms = 0;
  for (const [, amount, unit] of (period[2] ?? '').matchAll(/(\d+)([wdhm]?)/g))
    ms += Number(amount) * (unitMs[unit || 'm'] ?? 60_000);
  return fakeNow(data).getTime() + (period[1] === '-' ? -ms : ms);
}

/**
 * The project a JQL value names: by key (case-insensitive), else by id, else by name, as Jira
 * resolves `project = …` (https://support.atlassian.com/jira-software-cloud/docs/jql-fields/ (Project; `project in (JRA,CONF)` and `project = "New office"`: https://support.atlassian.com/jira-software-cloud/docs/jql-keywords/)).
 */
function resolveProject(data: FakeJiraData, value: string): FakeProject | undefined {
  const wanted = value.toLowerCase();
  return (
    findProject(data, value) ??
    data.projects.find((project) => project.id === value) ??
    data.projects.find((project) => project.name.toLowerCase() === wanted)
  );
}
