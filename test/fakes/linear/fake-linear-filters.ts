import {
  findIssue,
  labelsOf,
  stateOf,
  teamOf,
  type Workspace,
  type WorkspaceComment,
  type WorkspaceIssue,
  type WorkspaceLabel,
  type WorkspaceState,
  type WorkspaceTeam,
} from '../../../src/ticketing/memory/workspace.ts';

/**
 * Linear's filter language (https://linear.app/developers/filtering) over the fake's data: the
 * comparators, `and`/`or`, nested entity filters and collection filters (`some`, `every`,
 * `length`). A filter field the fake does not know throws, so a test can never pass because a
 * filter was silently ignored.
 */

type Scalar = string | number | boolean | null;
export type EntityKind = 'Issue' | 'Team' | 'IssueLabel' | 'WorkflowState' | 'Comment';
type FilterInput = Record<string, unknown>;

/** How one filter field reads its entity. Getters take `never` so each spec can name its own type. */
type Rule =
  | { scalar: (entity: never) => Scalar }
  | { one: EntityKind; get: (entity: never) => object | null }
  | { many: EntityKind; get: (entity: never) => object[] };

function specs(data: Workspace): Record<EntityKind, Record<string, Rule>> {
  const inverseBlocks = (issue: WorkspaceIssue) =>
    data.relations.filter((relation) => relation.type === 'blocks' && relation.relatedIssueId === issue.id);
  const blocks = (issue: WorkspaceIssue) =>
    data.relations.filter((relation) => relation.type === 'blocks' && relation.issueId === issue.id);
  return {
    Issue: {
      id: { scalar: (issue: WorkspaceIssue) => issue.id },
      number: { scalar: (issue: WorkspaceIssue) => issue.number },
      title: { scalar: (issue: WorkspaceIssue) => issue.title },
      description: { scalar: (issue: WorkspaceIssue) => issue.description },
      priority: { scalar: (issue: WorkspaceIssue) => issue.priority },
      createdAt: { scalar: (issue: WorkspaceIssue) => issue.createdAt },
      updatedAt: { scalar: (issue: WorkspaceIssue) => issue.updatedAt },
      hasBlockedByRelations: { scalar: (issue: WorkspaceIssue) => inverseBlocks(issue).length > 0 },
      hasBlockingRelations: { scalar: (issue: WorkspaceIssue) => blocks(issue).length > 0 },
      team: { one: 'Team', get: (issue: WorkspaceIssue) => teamOf(data, issue.teamId) },
      state: { one: 'WorkflowState', get: (issue: WorkspaceIssue) => stateOf(data, issue) },
      parent: {
        one: 'Issue',
        get: (issue: WorkspaceIssue) => (issue.parentId ? (findIssue(data, issue.parentId) ?? null) : null),
      },
      labels: {
        many: 'IssueLabel',
        get: (issue: WorkspaceIssue) => labelsOf(data, issue),
      },
      children: {
        many: 'Issue',
        get: (issue: WorkspaceIssue) => data.issues.filter((i) => i.parentId === issue.id),
      },
      comments: {
        many: 'Comment',
        get: (issue: WorkspaceIssue) => data.comments.filter((c) => c.issueId === issue.id),
      },
    },
    Team: {
      id: { scalar: (team: WorkspaceTeam) => team.id },
      key: { scalar: (team: WorkspaceTeam) => team.key },
      name: { scalar: (team: WorkspaceTeam) => team.name },
      createdAt: { scalar: (team: WorkspaceTeam) => team.createdAt },
      issues: {
        many: 'Issue',
        get: (team: WorkspaceTeam) => data.issues.filter((i) => i.teamId === team.id),
      },
    },
    IssueLabel: {
      id: { scalar: (label: WorkspaceLabel) => label.id },
      name: { scalar: (label: WorkspaceLabel) => label.name },
      createdAt: { scalar: (label: WorkspaceLabel) => label.createdAt },
      isGroup: { scalar: () => false },
      team: {
        one: 'Team',
        get: (label: WorkspaceLabel) => (label.teamId ? teamOf(data, label.teamId) : null),
      },
    },
    WorkflowState: {
      id: { scalar: (state: WorkspaceState) => state.id },
      name: { scalar: (state: WorkspaceState) => state.name },
      type: { scalar: (state: WorkspaceState) => state.type },
      position: { scalar: (state: WorkspaceState) => state.position },
      createdAt: { scalar: (state: WorkspaceState) => state.createdAt },
      team: { one: 'Team', get: (state: WorkspaceState) => teamOf(data, state.teamId) },
    },
    Comment: {
      id: { scalar: (comment: WorkspaceComment) => comment.id },
      body: { scalar: (comment: WorkspaceComment) => comment.body },
      createdAt: { scalar: (comment: WorkspaceComment) => comment.createdAt },
      issue: {
        one: 'Issue',
        get: (comment: WorkspaceComment) => findIssue(data, comment.issueId) ?? null,
      },
    },
  };
}

/** True when `entity` (of `kind`) satisfies a Linear filter input such as an `IssueFilter`. */
export function matchesFilter(
  data: Workspace,
  kind: EntityKind,
  entity: object,
  filter: FilterInput,
): boolean {
  const rules = specs(data)[kind];
  return Object.entries(filter).every(([key, value]) => {
    if (value === null || value === undefined) return true;
    if (key === 'and')
      return (value as FilterInput[]).every((part) => matchesFilter(data, kind, entity, part));
    if (key === 'or') return (value as FilterInput[]).some((part) => matchesFilter(data, kind, entity, part));
    const rule = rules[key];
    if (!rule) throw new Error(`fake Linear: filter field ${kind}.${key} is not implemented`);
    if ('scalar' in rule) return compare(rule.scalar(entity as never), value as FilterInput);
    if ('one' in rule) return matchesOne(data, rule.one, rule.get(entity as never), value as FilterInput);
    return matchesCollection(data, rule.many, rule.get(entity as never), value as FilterInput);
  });
}

/** A nested filter on a to-one relation; `null: true|false` tests for its absence (Nullable*Filter). */
function matchesOne(data: Workspace, kind: EntityKind, target: object | null, filter: FilterInput): boolean {
  const { null: wantNull, ...rest } = filter;
  if (typeof wantNull === 'boolean' && wantNull !== (target === null)) return false;
  if (Object.keys(rest).length === 0) return true;
  return target !== null && matchesFilter(data, kind, target, rest);
}

/** A `*CollectionFilter`: `some`, `every`, `length`, `null`, `and`, `or`; plain fields apply as `some`. */
function matchesCollection(data: Workspace, kind: EntityKind, items: object[], filter: FilterInput): boolean {
  const elementFilter: FilterInput = {};
  for (const [key, value] of Object.entries(filter)) {
    if (value === null || value === undefined) continue;
    if (!COLLECTION_OPERATORS.has(key)) elementFilter[key] = value;
    else if (!collectionOperator(data, kind, items, key, value)) return false;
  }
  return (
    Object.keys(elementFilter).length === 0 ||
    items.some((item) => matchesFilter(data, kind, item, elementFilter))
  );
}

const COLLECTION_OPERATORS = new Set(['some', 'every', 'length', 'null', 'and', 'or']);

function collectionOperator(
  data: Workspace,
  kind: EntityKind,
  items: object[],
  key: string,
  value: unknown,
): boolean {
  switch (key) {
    case 'some':
      return items.some((item) => matchesFilter(data, kind, item, value as FilterInput));
    case 'every':
      return items.every((item) => matchesFilter(data, kind, item, value as FilterInput));
    case 'length':
      return compare(items.length, value as FilterInput);
    case 'null':
      return value === (items.length === 0);
    case 'and':
      return (value as FilterInput[]).every((part) => matchesCollection(data, kind, items, part));
    default:
      return (value as FilterInput[]).some((part) => matchesCollection(data, kind, items, part));
  }
}

/** One comparator object (`StringComparator`, `NumberComparator`, `DateComparator`, …); all its operators must hold. */
function compare(actual: Scalar, comparator: FilterInput): boolean {
  const lower = (value: unknown) => String(value).toLowerCase();
  const text = actual === null ? '' : String(actual);
  return Object.entries(comparator).every(([operator, expected]) => {
    if (expected === null || expected === undefined) return true;
    switch (operator) {
      case 'eq':
        return actual === expected;
      case 'neq':
        return actual !== expected;
      case 'in':
        return (expected as Scalar[]).includes(actual);
      case 'nin':
        return !(expected as Scalar[]).includes(actual);
      case 'eqIgnoreCase':
        return actual !== null && lower(actual) === lower(expected);
      case 'neqIgnoreCase':
        return actual === null || lower(actual) !== lower(expected);
      case 'contains':
        return text.includes(String(expected));
      case 'notContains':
        return !text.includes(String(expected));
      case 'containsIgnoreCase':
        return lower(text).includes(lower(expected));
      case 'notContainsIgnoreCase':
        return !lower(text).includes(lower(expected));
      case 'startsWith':
        return text.startsWith(String(expected));
      case 'startsWithIgnoreCase':
        return lower(text).startsWith(lower(expected));
      case 'notStartsWith':
        return !text.startsWith(String(expected));
      case 'endsWith':
        return text.endsWith(String(expected));
      case 'notEndsWith':
        return !text.endsWith(String(expected));
      case 'null':
        return expected === (actual === null);
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte':
        return actual !== null && order(actual, expected, operator);
      default:
        throw new Error(`fake Linear: comparator operator "${operator}" is not implemented`);
    }
  });
}

function order(
  actual: string | number | boolean,
  expected: unknown,
  operator: 'lt' | 'lte' | 'gt' | 'gte',
): boolean {
  if (typeof expected === 'string' && /^-?P/.test(expected)) {
    throw new Error('fake Linear: relative durations in date comparators are not implemented');
  }
  const a = typeof actual === 'string' ? Date.parse(actual) : Number(actual);
  const b = typeof expected === 'string' ? Date.parse(expected) : Number(expected);
  if (operator === 'lt') return a < b;
  if (operator === 'lte') return a <= b;
  if (operator === 'gt') return a > b;
  return a >= b;
}
