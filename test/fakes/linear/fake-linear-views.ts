import { linearError } from './fake-linear-errors.ts';
import { matchesFilter, type EntityKind } from './fake-linear-filters.ts';
import {
  findIssue,
  issueUrl,
  labelsOf,
  stateOf,
  teamOf,
  teamStates,
  type WorkspaceComment,
  type WorkspaceIssue,
  type WorkspaceLabel,
  type WorkspaceRelation,
  type WorkspaceState,
  type WorkspaceTeam,
} from '../../../src/ticketing/memory/workspace.ts';
import type { FakeLinearData, FakeUser } from './fake-linear-data.ts';

/**
 * GraphQL-facing objects over the fake's records. graphql-js's default resolver reads a property,
 * calling it with the field's arguments when it is a function, so relations are methods here.
 * A field not listed resolves to null (and fails a non-null field loudly).
 */

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  filter?: Record<string, unknown> | null;
  orderBy?: 'createdAt' | 'updatedAt' | null;
  includeArchived?: boolean | null;
}

/** Linear's default page size when `first` is not given (https://linear.app/developers/pagination). */
const DEFAULT_PAGE_SIZE = 50;

interface Record_ {
  id: string;
  createdAt: string;
  updatedAt?: string;
}

/** A Relay connection: filter (when the field takes one), order, then page forward from `after`. */
export function connection<T extends Record_>(
  data: FakeLinearData,
  kind: EntityKind | null,
  items: T[],
  args: ConnectionArgs,
  view: (item: T) => object,
): object {
  if (args.last != null || args.before != null) {
    throw new Error('fake Linear: backward pagination (last/before) is not implemented');
  }
  const filter = args.filter;
  const filtered = kind && filter ? items.filter((item) => matchesFilter(data, kind, item, filter)) : items;
  const key = args.orderBy ?? 'createdAt';
  const sorted = [...filtered].sort(
    (a, b) => (a[key] ?? a.createdAt).localeCompare(b[key] ?? b.createdAt) || a.id.localeCompare(b.id),
  );
  let start = 0;
  if (args.after) {
    start = sorted.findIndex((item) => item.id === args.after) + 1;
    if (start === 0) throw linearError('Invalid cursor', { code: 'INPUT_ERROR', type: 'invalid input' });
  }
  const size = args.first ?? DEFAULT_PAGE_SIZE;
  const page = sorted.slice(start, start + size);
  return {
    nodes: page.map(view),
    edges: page.map((item) => ({ node: view(item), cursor: item.id })),
    pageInfo: {
      hasNextPage: start + size < sorted.length,
      hasPreviousPage: start > 0,
      startCursor: page[0]?.id ?? null,
      endCursor: page.at(-1)?.id ?? null,
    },
  };
}

export function issueView(data: FakeLinearData, issue: WorkspaceIssue): object {
  const issueById = (id: string) => findIssue(data, id);
  const relationsWhere = (match: (relation: WorkspaceRelation) => boolean) => data.relations.filter(match);
  return {
    ...issue,
    url: issueUrl(data, issue),
    branchName: issue.identifier.toLowerCase(),
    team: () => teamView(data, teamOf(data, issue.teamId)),
    state: () => stateView(data, stateOf(data, issue)),
    parent: () => {
      const parent = issue.parentId ? issueById(issue.parentId) : undefined;
      return parent ? issueView(data, parent) : null;
    },
    labels: (args: ConnectionArgs) =>
      connection(data, 'IssueLabel', labelsOf(data, issue), args, (label) => labelView(data, label)),
    children: (args: ConnectionArgs) =>
      connection(
        data,
        'Issue',
        data.issues.filter((child) => child.parentId === issue.id),
        args,
        (child) => issueView(data, child),
      ),
    relations: (args: ConnectionArgs) =>
      connection(
        data,
        null,
        relationsWhere((r) => r.issueId === issue.id),
        args,
        (r) => relationView(data, r),
      ),
    inverseRelations: (args: ConnectionArgs) =>
      connection(
        data,
        null,
        relationsWhere((r) => r.relatedIssueId === issue.id),
        args,
        (r) => relationView(data, r),
      ),
    comments: (args: ConnectionArgs) =>
      connection(
        data,
        'Comment',
        data.comments.filter((comment) => comment.issueId === issue.id),
        args,
        (comment) => commentView(data, comment),
      ),
  };
}

export function teamView(data: FakeLinearData, team: WorkspaceTeam): object {
  return {
    ...team,
    displayName: team.name,
    updatedAt: team.createdAt,
    states: (args: ConnectionArgs) =>
      connection(data, 'WorkflowState', teamStates(data, team.id), args, (state) => stateView(data, state)),
    labels: (args: ConnectionArgs) =>
      connection(
        data,
        'IssueLabel',
        data.labels.filter((label) => label.teamId === team.id),
        args,
        (label) => labelView(data, label),
      ),
    issues: (args: ConnectionArgs) =>
      connection(
        data,
        'Issue',
        data.issues.filter((issue) => issue.teamId === team.id),
        args,
        (issue) => issueView(data, issue),
      ),
  };
}

export function stateView(data: FakeLinearData, state: WorkspaceState): object {
  return {
    ...state,
    color: '#95a2b3',
    updatedAt: state.createdAt,
    team: () => teamView(data, teamOf(data, state.teamId)),
  };
}

export function labelView(data: FakeLinearData, label: WorkspaceLabel): object {
  return {
    ...label,
    isGroup: false,
    updatedAt: label.createdAt,
    team: () => (label.teamId ? teamView(data, teamOf(data, label.teamId)) : null),
  };
}

export function relationView(data: FakeLinearData, relation: WorkspaceRelation): object {
  const issue = (id: string) => {
    const found = findIssue(data, id);
    if (!found) throw new Error(`fake Linear: relation ${relation.id} points at a missing issue`);
    return issueView(data, found);
  };
  return {
    ...relation,
    updatedAt: relation.createdAt,
    issue: () => issue(relation.issueId),
    relatedIssue: () => issue(relation.relatedIssueId),
  };
}

export function commentView(data: FakeLinearData, comment: WorkspaceComment): object {
  return {
    ...comment,
    updatedAt: comment.createdAt,
    url: `https://linear.app/${data.urlKey}/comment/${comment.id}`,
    issue: () => {
      const issue = data.issues.find((candidate) => candidate.id === comment.issueId);
      return issue ? issueView(data, issue) : null;
    },
    user: () =>
      userView(
        comment.author ? { ...data.viewer, id: comment.author.id, name: comment.author.name } : data.viewer,
      ),
  };
}

export function userView(user: FakeUser): object {
  return {
    ...user,
    displayName: user.name,
    active: true,
    admin: false,
    url: `https://linear.app/u/${user.id}`,
  };
}
