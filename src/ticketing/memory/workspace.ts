import { randomUUID } from 'node:crypto';
import type { TicketStateType } from '../../domain/ticket.ts';

/**
 * A Linear-like workspace in memory: teams with workflow states and labels, issues with labels,
 * a parent and relations, and comments. The in-memory ticketing provider works on it directly;
 * the fake Linear server (test/fakes/linear) serves it over GraphQL, so both follow one model.
 */

export interface WorkspaceTeam {
  id: string;
  key: string;
  name: string;
  createdAt: string;
  /** Last issue number handed out, for `KEY-N` identifiers. */
  issueCount: number;
}

export interface WorkspaceState {
  id: string;
  teamId: string;
  name: string;
  type: TicketStateType;
  position: number;
  createdAt: string;
}

export interface WorkspaceLabel {
  id: string;
  name: string;
  /** `null` for a workspace-level label, usable on issues of every team. */
  teamId: string | null;
  color: string;
  createdAt: string;
}

export interface WorkspaceIssue {
  id: string;
  teamId: string;
  number: number;
  identifier: string;
  title: string;
  description: string | null;
  priority: number;
  createdAt: string;
  updatedAt: string;
  stateId: string;
  labelIds: string[];
  parentId: string | null;
}

/** Linear's IssueRelation: `type: 'blocks'` means `issueId` blocks `relatedIssueId`. */
export interface WorkspaceRelation {
  id: string;
  type: 'blocks' | 'related';
  issueId: string;
  relatedIssueId: string;
  createdAt: string;
}

export interface WorkspaceComment {
  id: string;
  issueId: string;
  body: string;
  createdAt: string;
  /** A person who wrote it; absent: the API key's user (the orchestrator). */
  author?: { id: string; name: string };
}

export interface Workspace {
  /** URL key of the workspace, used in issue URLs. */
  urlKey: string;
  teams: WorkspaceTeam[];
  states: WorkspaceState[];
  labels: WorkspaceLabel[];
  issues: WorkspaceIssue[];
  relations: WorkspaceRelation[];
  comments: WorkspaceComment[];
  /** Clock for default timestamps: deterministic, one minute apart, so creation order is age order. */
  clock: number;
}

/** A lookup or change the workspace refuses; each consumer turns it into its own error shape. */
export class WorkspaceError extends Error {
  readonly kind: 'not_found' | 'conflict' | 'invalid';
  /** The entity concerned, in Linear's type names (`Issue`, `IssueLabel`, `WorkflowState`, …). */
  readonly entity: string;

  constructor(kind: 'not_found' | 'conflict' | 'invalid', entity: string, message: string) {
    super(message);
    this.name = 'WorkspaceError';
    this.kind = kind;
    this.entity = entity;
  }
}

export function createWorkspace(urlKey = 'acme'): Workspace {
  return {
    urlKey,
    teams: [],
    states: [],
    labels: [],
    issues: [],
    relations: [],
    comments: [],
    clock: Date.parse('2026-01-05T09:00:00.000Z'),
  };
}

/** The next default timestamp: one minute after the previous one. */
export function tick(workspace: Workspace): string {
  workspace.clock += 60_000;
  return new Date(workspace.clock).toISOString();
}

export function newId(): string {
  return randomUUID();
}

interface IdIndex {
  length: number;
  lastId: string | undefined;
  byId: Map<string, number>;
}
const indexes = new WeakMap<readonly { id: string }[], IdIndex>();

/**
 * The record with `id` in `items`, through an id → position index kept per array and rebuilt
 * when the array changed (its length or last record): the fake Linear serves workspaces of
 * 10,000 issues in the scale bench, where a scan per lookup made each page cost seconds.
 */
function byId<T extends { id: string }>(items: readonly T[], id: string): T | undefined {
  let index = indexes.get(items);
  if (!index || index.length !== items.length || index.lastId !== items.at(-1)?.id) {
    index = {
      length: items.length,
      lastId: items.at(-1)?.id,
      byId: new Map(items.map((item, position) => [item.id, position])),
    };
    indexes.set(items, index);
  }
  const position = index.byId.get(id);
  const found = position === undefined ? undefined : items[position];
  // A record removed from the middle shifts the others: look again without the index.
  if (found && found.id === id) return found;
  return position === undefined ? undefined : items.find((item) => item.id === id);
}

/** Team keys match case-insensitively; ids exactly. */
export function findTeam(workspace: Workspace, idOrKey: string): WorkspaceTeam | undefined {
  const key = idOrKey.toUpperCase();
  return workspace.teams.find((team) => team.id === idOrKey || team.key.toUpperCase() === key);
}

export function requireTeam(workspace: Workspace, idOrKey: string): WorkspaceTeam {
  const team = findTeam(workspace, idOrKey);
  if (!team) throw new WorkspaceError('not_found', 'Team', `No team ${idOrKey}`);
  return team;
}

/** An issue by UUID or identifier (`ENG-12`), as Linear accepts either. */
export function findIssue(workspace: Workspace, idOrIdentifier: string): WorkspaceIssue | undefined {
  const identifier = idOrIdentifier.toUpperCase();
  return (
    byId(workspace.issues, idOrIdentifier) ??
    workspace.issues.find((issue) => issue.identifier === identifier)
  );
}

export function requireIssue(workspace: Workspace, idOrIdentifier: string): WorkspaceIssue {
  const issue = findIssue(workspace, idOrIdentifier);
  if (!issue) throw new WorkspaceError('not_found', 'Issue', `No issue ${idOrIdentifier}`);
  return issue;
}

export function teamOf(workspace: Workspace, teamId: string): WorkspaceTeam {
  const team = byId(workspace.teams, teamId);
  if (!team) throw new Error(`workspace: no team ${teamId}`);
  return team;
}

export function stateOf(workspace: Workspace, issue: WorkspaceIssue): WorkspaceState {
  const state = byId(workspace.states, issue.stateId);
  if (!state) throw new Error(`workspace: issue ${issue.identifier} has no state`);
  return state;
}

/** A team's workflow states, in position order. */
export function teamStates(workspace: Workspace, teamId: string): WorkspaceState[] {
  return workspace.states.filter((state) => state.teamId === teamId).sort((a, b) => a.position - b.position);
}

/** The issue's labels, in the workspace's order (the order they were created). */
export function labelsOf(workspace: Workspace, issue: WorkspaceIssue): WorkspaceLabel[] {
  const labels = issue.labelIds
    .map((id) => byId(workspace.labels, id))
    .filter((label): label is WorkspaceLabel => label !== undefined);
  return labels.length < 2 ? labels : workspace.labels.filter((label) => labels.includes(label));
}

/** The label named `name` (case-insensitive) an issue of `teamId` may carry: the team's, else the workspace's. */
export function findUsableLabel(
  workspace: Workspace,
  teamId: string,
  name: string,
): WorkspaceLabel | undefined {
  const wanted = name.toLowerCase();
  const named = workspace.labels.filter((label) => label.name.toLowerCase() === wanted);
  return named.find((label) => label.teamId === teamId) ?? named.find((label) => label.teamId === null);
}

/**
 * Creates a label in a team (or the workspace for `teamId: null`). Names are unique per team,
 * case-insensitively, and a team label may not shadow a workspace label: `conflict` otherwise.
 */
export function createLabel(
  workspace: Workspace,
  name: string,
  teamId: string | null,
  color = '#bec2c8',
): WorkspaceLabel {
  const clash =
    teamId === null
      ? workspace.labels.find((label) => label.name.toLowerCase() === name.toLowerCase())
      : findUsableLabel(workspace, teamId, name);
  if (clash)
    throw new WorkspaceError('conflict', 'IssueLabel', `A label named "${clash.name}" already exists`);
  const label: WorkspaceLabel = { id: newId(), name, teamId, color, createdAt: tick(workspace) };
  workspace.labels.push(label);
  return label;
}

/** A label id an issue may carry: it exists and is the issue team's or the workspace's. */
export function requireUsableLabel(
  workspace: Workspace,
  issue: WorkspaceIssue,
  labelId: string,
): WorkspaceLabel {
  const label = byId(workspace.labels, labelId);
  if (!label) throw new WorkspaceError('not_found', 'IssueLabel', `No label ${labelId}`);
  if (label.teamId !== null && label.teamId !== issue.teamId) {
    throw new WorkspaceError('invalid', 'IssueLabel', `Label "${label.name}" belongs to another team`);
  }
  return label;
}

export function issueUrl(workspace: Workspace, issue: WorkspaceIssue): string {
  const slug = issue.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  return `https://linear.app/${workspace.urlKey}/issue/${issue.identifier}/${slug}`;
}
