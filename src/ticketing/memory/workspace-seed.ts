import type { TicketStateType } from '../../domain/ticket.ts';
import {
  WorkspaceError,
  createLabel,
  findIssue,
  findUsableLabel,
  issueUrl,
  labelsOf,
  newId,
  requireIssue,
  requireTeam,
  stateOf,
  teamOf,
  teamStates,
  tick,
  type Workspace,
  type WorkspaceIssue,
  type WorkspaceLabel,
  type WorkspaceState,
} from './workspace.ts';

/**
 * Setting up and reading back a workspace the way a person uses Linear's UI: by team keys,
 * state names and label names. Used by tests, the e2e suite and demos through the in-memory
 * provider and the fake Linear server.
 */

export interface StateSeed {
  name: string;
  type: TicketStateType;
  position?: number;
}

/** A team; `states` default to Linear's default workflow, `labels` are team label names. */
export interface TeamSeed {
  key: string;
  name?: string;
  states?: StateSeed[];
  labels?: string[];
}

/** A label in the team with key `team`, or at workspace level when `team` is left out. */
export interface LabelSeed {
  name: string;
  team?: string;
  color?: string;
}

/**
 * An issue. `labels` are names (a missing one is created in the team); `state` a state name
 * (default: the team's first unstarted state); `parent`, `blockedBy` and `relatedTo` take ids or
 * identifiers of issues created earlier.
 */
export interface IssueSeed {
  team: string;
  title?: string;
  description?: string;
  labels?: string[];
  state?: string;
  priority?: number;
  createdAt?: string;
  parent?: string;
  blockedBy?: string[];
  relatedTo?: string[];
}

/** Changes a person might make between two polls. */
export interface IssuePatch {
  state?: string;
  labels?: string[];
  /** Moves the issue to another team: new identifier, a state of the same type, foreign team labels dropped. */
  team?: string;
}

export interface IssueRefs {
  id: string;
  identifier: string;
  url: string;
}

export interface IssueSnapshot extends IssueRefs {
  teamKey: string;
  title: string;
  description: string | null;
  priority: number;
  createdAt: string;
  labels: string[];
  state: { name: string; type: TicketStateType };
  parentId: string | null;
  comments: string[];
}

/** Linear's default workflow for a new team; two `started` states, so "the first started state" means something. */
export const DEFAULT_STATES: StateSeed[] = [
  { name: 'Backlog', type: 'backlog' },
  { name: 'Todo', type: 'unstarted' },
  { name: 'In Progress', type: 'started' },
  { name: 'In Review', type: 'started' },
  { name: 'Done', type: 'completed' },
  { name: 'Canceled', type: 'canceled' },
];

export function addTeam(workspace: Workspace, seed: TeamSeed): { id: string; key: string } {
  if (workspace.teams.some((team) => team.key.toUpperCase() === seed.key.toUpperCase())) {
    throw new WorkspaceError('conflict', 'Team', `Team ${seed.key} already exists`);
  }
  const team = {
    id: newId(),
    key: seed.key,
    name: seed.name ?? seed.key,
    createdAt: tick(workspace),
    issueCount: 0,
  };
  workspace.teams.push(team);
  (seed.states ?? DEFAULT_STATES).forEach((state, index) => {
    const { name, type, position = index } = state;
    workspace.states.push({ id: newId(), teamId: team.id, name, type, position, createdAt: tick(workspace) });
  });
  for (const name of seed.labels ?? []) createLabel(workspace, name, team.id);
  return { id: team.id, key: team.key };
}

export function addLabel(workspace: Workspace, seed: LabelSeed): { id: string; name: string } {
  const teamId = seed.team === undefined ? null : requireTeam(workspace, seed.team).id;
  const label = createLabel(workspace, seed.name, teamId, seed.color);
  return { id: label.id, name: label.name };
}

/** Deletes a team (or workspace) label and takes it off every issue, as an admin might. */
export function deleteLabel(workspace: Workspace, name: string, team?: string): void {
  const teamId = team === undefined ? null : requireTeam(workspace, team).id;
  const label = workspace.labels.find(
    (l) => l.teamId === teamId && l.name.toLowerCase() === name.toLowerCase(),
  );
  if (!label) throw new WorkspaceError('not_found', 'IssueLabel', `No label ${name}`);
  workspace.labels = workspace.labels.filter((l) => l !== label);
  for (const issue of workspace.issues) issue.labelIds = issue.labelIds.filter((id) => id !== label.id);
}

export function addIssue(workspace: Workspace, seed: IssueSeed): IssueRefs {
  const team = requireTeam(workspace, seed.team);
  const createdAt = seed.createdAt ?? tick(workspace);
  const number = team.issueCount + 1;
  const issue: WorkspaceIssue = {
    id: newId(),
    teamId: team.id,
    number,
    identifier: `${team.key}-${number}`,
    title: seed.title ?? `Issue ${team.key}-${number}`,
    description: seed.description ?? null,
    priority: seed.priority ?? 0,
    createdAt,
    // Creating an issue is a change at "now", whatever creation date a test gives it.
    updatedAt: seed.createdAt === undefined ? createdAt : tick(workspace),
    stateId: stateNamed(workspace, team.id, seed.state).id,
    labelIds: [],
    parentId: seed.parent === undefined ? null : requireIssue(workspace, seed.parent).id,
  };
  issue.labelIds = (seed.labels ?? []).map((name) => labelFor(workspace, issue.teamId, name).id);
  const relate = (type: 'blocks' | 'related', other: string) => {
    const issueId = requireIssue(workspace, other).id;
    workspace.relations.push({
      id: newId(),
      type,
      issueId,
      relatedIssueId: issue.id,
      createdAt: tick(workspace),
    });
  };
  team.issueCount = number;
  workspace.issues.push(issue);
  for (const blocker of seed.blockedBy ?? []) relate('blocks', blocker);
  for (const related of seed.relatedTo ?? []) relate('related', related);
  return refs(workspace, issue);
}

export function updateIssue(workspace: Workspace, idOrIdentifier: string, patch: IssuePatch): IssueRefs {
  const issue = requireIssue(workspace, idOrIdentifier);
  if (patch.team !== undefined) {
    const team = requireTeam(workspace, patch.team);
    const type = stateOf(workspace, issue).type;
    team.issueCount += 1;
    issue.teamId = team.id;
    issue.number = team.issueCount;
    issue.identifier = `${team.key}-${team.issueCount}`;
    const sameType = teamStates(workspace, team.id).find((state) => state.type === type);
    issue.stateId = (sameType ?? stateNamed(workspace, team.id, undefined)).id;
    issue.labelIds = labelsOf(workspace, issue)
      .filter((label) => label.teamId === null || label.teamId === team.id)
      .map((label) => label.id);
  }
  if (patch.state !== undefined) issue.stateId = stateNamed(workspace, issue.teamId, patch.state).id;
  if (patch.labels !== undefined)
    issue.labelIds = patch.labels.map((name) => labelFor(workspace, issue.teamId, name).id);
  issue.updatedAt = tick(workspace);
  return refs(workspace, issue);
}

export function getIssue(workspace: Workspace, idOrIdentifier: string): IssueSnapshot | undefined {
  const issue = findIssue(workspace, idOrIdentifier);
  if (!issue) return undefined;
  const state = stateOf(workspace, issue);
  return {
    ...refs(workspace, issue),
    teamKey: teamOf(workspace, issue.teamId).key,
    title: issue.title,
    description: issue.description,
    priority: issue.priority,
    createdAt: issue.createdAt,
    labels: labelsOf(workspace, issue).map((label) => label.name),
    state: { name: state.name, type: state.type },
    parentId: issue.parentId,
    comments: workspace.comments
      .filter((comment) => comment.issueId === issue.id)
      .map((comment) => comment.body),
  };
}

/** Names of a team's own labels (workspace labels excluded). */
export function teamLabels(workspace: Workspace, teamKey: string): string[] {
  const team = requireTeam(workspace, teamKey);
  return workspace.labels.filter((label) => label.teamId === team.id).map((label) => label.name);
}

function refs(workspace: Workspace, issue: WorkspaceIssue): IssueRefs {
  return { id: issue.id, identifier: issue.identifier, url: issueUrl(workspace, issue) };
}

function stateNamed(workspace: Workspace, teamId: string, name: string | undefined): WorkspaceState {
  const states = teamStates(workspace, teamId);
  const state =
    name === undefined
      ? states.find((candidate) => candidate.type === 'unstarted')
      : states.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
  if (!state)
    throw new WorkspaceError(
      'not_found',
      'WorkflowState',
      `Team has no state ${name ?? 'of type unstarted'}`,
    );
  return state;
}

function labelFor(workspace: Workspace, teamId: string, name: string): WorkspaceLabel {
  return findUsableLabel(workspace, teamId, name) ?? createLabel(workspace, name, teamId);
}
