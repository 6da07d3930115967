import {
  WorkspaceError,
  createLabel,
  newId,
  requireIssue,
  requireTeam,
  requireUsableLabel,
  tick,
  type WorkspaceIssue,
} from '../../../src/ticketing/memory/workspace.ts';
import { toLinearError, type FakeLinearData } from './fake-linear-data.ts';
import {
  commentView,
  connection,
  issueView,
  labelView,
  stateView,
  teamView,
  userView,
  type ConnectionArgs,
} from './fake-linear-views.ts';

type Input = Record<string, unknown>;
type Resolver = (args: never) => unknown;

/**
 * Root resolvers for the queries and mutations the fake implements. Anything else in Linear's
 * schema validates but resolves to null — a non-null root field then fails with a clear error.
 * Mutation inputs the fake does not implement throw rather than being ignored.
 */
export function createRootValue(data: FakeLinearData): Record<string, Resolver> {
  const resolvers: Record<string, Resolver> = {
    viewer: () => userView(data.viewer),
    issue: ({ id }: { id: string }) => issueView(data, requireIssue(data, id)),
    issues: (args: ConnectionArgs) => connection(data, 'Issue', data.issues, args, (i) => issueView(data, i)),
    team: ({ id }: { id: string }) => teamView(data, requireTeam(data, id)),
    teams: (args: ConnectionArgs) => connection(data, 'Team', data.teams, args, (t) => teamView(data, t)),
    issueLabels: (args: ConnectionArgs) =>
      connection(data, 'IssueLabel', data.labels, args, (l) => labelView(data, l)),
    workflowStates: (args: ConnectionArgs) =>
      connection(data, 'WorkflowState', data.states, args, (s) => stateView(data, s)),
    comments: (args: ConnectionArgs) =>
      connection(data, 'Comment', data.comments, args, (c) => commentView(data, c)),

    issueUpdate: ({ id, input }: { id: string; input: Input }) => {
      const issue = requireIssue(data, id);
      updateIssue(data, issue, input);
      return issuePayload(data, issue);
    },
    issueAddLabel: ({ id, labelId }: { id: string; labelId: string }) => {
      const issue = requireIssue(data, id);
      updateIssue(data, issue, { addedLabelIds: [labelId] });
      return issuePayload(data, issue);
    },
    issueRemoveLabel: ({ id, labelId }: { id: string; labelId: string }) => {
      const issue = requireIssue(data, id);
      updateIssue(data, issue, { removedLabelIds: [labelId] });
      return issuePayload(data, issue);
    },
    issueLabelCreate: ({ input }: { input: Input }) => {
      rejectUnsupported('IssueLabelCreateInput', input, ['name', 'teamId', 'color']);
      const teamId = typeof input.teamId === 'string' ? requireTeam(data, input.teamId).id : null;
      const color = typeof input.color === 'string' ? input.color : undefined;
      const label = createLabel(data, String(input.name), teamId, color);
      return { success: true, lastSyncId: ++data.syncId, issueLabel: labelView(data, label) };
    },
    commentCreate: ({ input }: { input: Input }) => {
      rejectUnsupported('CommentCreateInput', input, ['issueId', 'body', 'id']);
      const issue = requireIssue(data, String(input.issueId ?? ''));
      if (typeof input.body !== 'string' || input.body.trim() === '') {
        throw new WorkspaceError('invalid', 'Comment', 'Comment body must not be empty');
      }
      const id = typeof input.id === 'string' ? input.id : newId();
      const comment = { id, issueId: issue.id, body: input.body, createdAt: tick(data) };
      data.comments.push(comment);
      return { success: true, lastSyncId: ++data.syncId, comment: commentView(data, comment) };
    },
  };
  return Object.fromEntries(
    Object.entries(resolvers).map(([name, resolve]) => [
      name,
      (args: never) => translated(() => resolve(args)),
    ]),
  );
}

/** Runs a resolver, turning workspace refusals into Linear-shaped GraphQL errors. */
function translated(resolve: () => unknown): unknown {
  try {
    return resolve();
  } catch (error) {
    throw toLinearError(error);
  }
}

function issuePayload(data: FakeLinearData, issue: WorkspaceIssue): object {
  return { success: true, lastSyncId: ++data.syncId, issue: issueView(data, issue) };
}

/** The `IssueUpdateInput` fields the provider and tests use, validated the way Linear does. */
function updateIssue(data: FakeLinearData, issue: WorkspaceIssue, input: Input): void {
  rejectUnsupported('IssueUpdateInput', input, [
    'labelIds',
    'addedLabelIds',
    'removedLabelIds',
    'stateId',
    'priority',
    'title',
    'description',
  ]);
  const labelIds = (field: string) => {
    const ids = (input[field] as string[] | null | undefined) ?? [];
    for (const id of ids) requireUsableLabel(data, issue, id);
    return ids;
  };
  const removed = new Set(labelIds('removedLabelIds'));
  const kept = input.labelIds ? labelIds('labelIds') : issue.labelIds;
  const next = [...new Set([...kept, ...labelIds('addedLabelIds')])].filter((id) => !removed.has(id));

  if (typeof input.stateId === 'string') {
    const state = data.states.find((candidate) => candidate.id === input.stateId);
    if (!state) throw new WorkspaceError('not_found', 'WorkflowState', `No state ${input.stateId}`);
    if (state.teamId !== issue.teamId) {
      throw new WorkspaceError(
        'invalid',
        'WorkflowState',
        'The workflow state does not belong to the issue team',
      );
    }
    issue.stateId = state.id;
  }
  if (typeof input.priority === 'number') issue.priority = input.priority;
  if (typeof input.title === 'string') issue.title = input.title;
  if (input.description !== undefined) issue.description = (input.description as string | null) ?? null;
  issue.labelIds = next;
  issue.updatedAt = tick(data);
}

function rejectUnsupported(typeName: string, input: Input, supported: string[]): void {
  const extra = Object.keys(input).filter((key) => input[key] !== undefined && !supported.includes(key));
  if (extra.length > 0) {
    throw new Error(`fake Linear: ${typeName}.${extra.join(', ')} is not implemented`);
  }
}
