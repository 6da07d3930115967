import { IntegrationError } from '../../domain/errors.ts';
import type { Mapping } from '../../domain/mapping.ts';
import { LINEAR_LABELS, markerForLinearLabel, type Marker } from '../../domain/markers.ts';
import {
  isTerminal,
  type Ticket,
  type TicketCandidate,
  type TicketingProviderName,
  type TicketSummary,
} from '../../domain/ticket.ts';
import type { TicketingProvider, TicketRef } from '../types.ts';
import {
  WorkspaceError,
  createLabel,
  createWorkspace,
  findUsableLabel,
  issueUrl,
  labelsOf,
  newId,
  requireIssue,
  stateOf,
  teamOf,
  teamStates,
  tick,
  type Workspace,
  type WorkspaceIssue,
} from './workspace.ts';
import {
  addIssue,
  addLabel,
  addTeam,
  deleteLabel,
  getIssue,
  teamLabels,
  updateIssue,
  type IssuePatch,
  type IssueRefs,
  type IssueSeed,
  type IssueSnapshot,
  type LabelSeed,
  type TeamSeed,
} from './workspace-seed.ts';

export interface MemoryProviderOptions {
  /** The provider name it stands in for, and the `provider` of its tickets (default `linear`). */
  name?: TicketingProviderName;
  /** Workspace URL key in ticket URLs. */
  urlKey?: string;
}

/** The in-memory provider, plus a way to set up tickets, read them back and simulate outages. */
export interface MemoryTicketingProvider extends TicketingProvider {
  addTeam(seed: TeamSeed): { id: string; key: string };
  addLabel(seed: LabelSeed): { id: string; name: string };
  deleteLabel(name: string, team?: string): void;
  addIssue(seed: IssueSeed): IssueRefs;
  updateIssue(idOrIdentifier: string, patch: IssuePatch): IssueRefs;
  getIssue(idOrIdentifier: string): IssueSnapshot | undefined;
  teamLabels(teamKey: string): string[];
  /** The next `count` provider calls (fetch, update, comment, check) throw `error`. */
  failNext(error: IntegrationError, count?: number): void;
}

/** The markers a person sets to ask for work. */
const REQUEST_MARKERS: Marker[] = ['ready', 'planApproved'];

/**
 * A `TicketingProvider` over an in-memory Linear-like workspace, with the Linear provider's
 * semantics: markers are labels (created in the ticket's team on first use), candidates are open
 * tickets of the mapped teams marked `AI-Implement` or `Plan-Approved`, `moveToStarted` picks the
 * team's first started state by position. Missing tickets fail with `not_found`, refused changes
 * with `invalid` (service `memory`).
 */
export function createMemoryProvider(options: MemoryProviderOptions = {}): MemoryTicketingProvider {
  const name = options.name ?? 'linear';
  const workspace = createWorkspace(options.urlKey);
  const failures: IntegrationError[] = [];

  /** Runs a provider call: injected failures first, workspace refusals as IntegrationErrors. */
  async function call<T>(operation: () => T): Promise<T> {
    const failure = failures.shift();
    if (failure) throw failure;
    try {
      return operation();
    } catch (error) {
      if (!(error instanceof WorkspaceError)) throw error;
      throw new IntegrationError(
        'memory',
        error.kind === 'not_found' ? 'not_found' : 'invalid',
        error.message,
      );
    }
  }

  return {
    name,

    fetchCandidates: (mappings: Mapping[]) =>
      call(() => {
        const keys = new Set(
          mappings.filter((m) => m.ticketingProvider === name).map((m) => m.teamKey.toUpperCase()),
        );
        return workspace.issues
          .filter((issue) => keys.has(teamOf(workspace, issue.teamId).key.toUpperCase()))
          .filter((issue) => !isTerminal(stateOf(workspace, issue).type))
          .map((issue) => toCandidate(workspace, name, issue))
          .filter((ticket) => ticket.markers.some((marker) => REQUEST_MARKERS.includes(marker)))
          .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      }),

    getTickets: (ids: string[]) =>
      call(() => {
        const wanted = new Set(ids);
        const found = workspace.issues.filter((issue) => wanted.has(issue.id));
        return new Map(found.map((issue) => [issue.id, toTicket(workspace, name, issue)]));
      }),

    getTicketStates: (ids: string[]) =>
      call(() => {
        const wanted = new Set(ids);
        const found = workspace.issues.filter((issue) => wanted.has(issue.id));
        return new Map(found.map((issue) => [issue.id, toCandidate(workspace, name, issue)]));
      }),

    setMarker: (ticket: TicketRef, marker: Marker, markerOptions: { moveToStarted?: boolean } = {}) =>
      call(() => {
        const issue = requireIssue(workspace, ticket.id);
        const labelName = LINEAR_LABELS[marker];
        const label =
          findUsableLabel(workspace, issue.teamId, labelName) ??
          createLabel(workspace, labelName, issue.teamId);
        const others = labelsOf(workspace, issue).filter(
          (l) => l.id !== label.id && !isOtherMarker(l.name, marker),
        );
        issue.labelIds = [...others.map((l) => l.id), label.id];
        if (markerOptions.moveToStarted) {
          const started = teamStates(workspace, issue.teamId).find((state) => state.type === 'started');
          if (!started)
            throw new WorkspaceError('invalid', 'WorkflowState', 'The team has no started workflow state');
          issue.stateId = started.id;
        }
        issue.updatedAt = tick(workspace);
      }),

    clearMarker: (ticket: TicketRef, marker: Marker) =>
      call(() => {
        const issue = requireIssue(workspace, ticket.id);
        issue.labelIds = labelsOf(workspace, issue)
          .filter((label) => markerForLinearLabel(label.name) !== marker)
          .map((label) => label.id);
      }),

    markDone: (ticket: TicketRef) =>
      call(() => {
        const issue = requireIssue(workspace, ticket.id);
        if (stateOf(workspace, issue).type === 'completed') return;
        const done = teamStates(workspace, issue.teamId).find((state) => state.type === 'completed');
        if (!done)
          throw new WorkspaceError('invalid', 'WorkflowState', 'The team has no completed workflow state');
        issue.stateId = done.id;
        issue.updatedAt = tick(workspace);
      }),

    postComment: (ticket: TicketRef, body: string) =>
      call(() => {
        const issue = requireIssue(workspace, ticket.id);
        if (body.trim() === '')
          throw new WorkspaceError('invalid', 'Comment', 'Comment body must not be empty');
        workspace.comments.push({ id: newId(), issueId: issue.id, body, createdAt: tick(workspace) });
      }),

    listComments: (ticket: TicketRef) =>
      call(() => {
        requireIssue(workspace, ticket.id);
        return workspace.comments
          .filter((comment) => comment.issueId === ticket.id)
          .slice(-100)
          .map((comment) => ({ ...comment, author: comment.author?.name }));
      }),

    checkConnection: () => call(() => ({ ok: true, detail: 'In-memory tickets' })),

    addTeam: (seed) => addTeam(workspace, seed),
    addLabel: (seed) => addLabel(workspace, seed),
    deleteLabel: (labelName, team) => deleteLabel(workspace, labelName, team),
    addIssue: (seed) => addIssue(workspace, seed),
    updateIssue: (id, patch) => updateIssue(workspace, id, patch),
    getIssue: (id) => getIssue(workspace, id),
    teamLabels: (teamKey) => teamLabels(workspace, teamKey),
    failNext(error, count = 1) {
      for (let i = 0; i < count; i += 1) failures.push(error);
    },
  };
}

function isOtherMarker(labelName: string, marker: Marker): boolean {
  const other = markerForLinearLabel(labelName);
  return other !== undefined && other !== marker;
}

/** Stage one: the cheap fields only, as the Linear provider's candidate query reads them. */
function toCandidate(
  workspace: Workspace,
  provider: TicketingProviderName,
  issue: WorkspaceIssue,
): TicketCandidate {
  const markers = labelsOf(workspace, issue)
    .map((label) => markerForLinearLabel(label.name))
    .filter((marker): marker is Marker => marker !== undefined);
  return {
    ...summary(workspace, issue),
    provider,
    teamKey: teamOf(workspace, issue.teamId).key,
    stateName: stateOf(workspace, issue).name,
    priority: issue.priority,
    createdAt: issue.createdAt,
    markers: [...new Set(markers)],
  };
}

function toTicket(workspace: Workspace, provider: TicketingProviderName, issue: WorkspaceIssue): Ticket {
  const parent = issue.parentId ? requireIssue(workspace, issue.parentId) : undefined;
  const byAge = (a: WorkspaceIssue, b: WorkspaceIssue) => a.createdAt.localeCompare(b.createdAt);
  return {
    ...toCandidate(workspace, provider, issue),
    description: issue.description ?? '',
    dependencies: workspace.relations
      .filter((relation) => relation.type === 'blocks' && relation.relatedIssueId === issue.id)
      .map((relation) => summary(workspace, requireIssue(workspace, relation.issueId)))
      .map((blocker) => ({ ...blocker, resolved: isTerminal(blocker.stateType) })),
    parent: parent ? summary(workspace, parent) : undefined,
    siblings: parent
      ? workspace.issues
          .filter((other) => other.parentId === parent.id && other.id !== issue.id)
          .sort(byAge)
          .map((sibling) => summary(workspace, sibling))
      : [],
  };
}

function summary(workspace: Workspace, issue: WorkspaceIssue): TicketSummary {
  return {
    id: issue.id,
    identifier: issue.identifier,
    title: issue.title,
    url: issueUrl(workspace, issue),
    stateType: stateOf(workspace, issue).type,
  };
}
