import { z } from 'zod';
import { IntegrationError } from '../../domain/errors.ts';
import { LINEAR_LABELS, markerForLinearLabel, type Marker } from '../../domain/markers.ts';
import type { TicketRef } from '../types.ts';
import type { LinearRequest } from './linear-request.ts';
import { CREATE_LABEL_MUTATION, MARKER_CONTEXT_QUERY, UPDATE_ISSUE_MUTATION } from './update-queries.ts';

const LabelsSchema = z.object({ nodes: z.array(z.object({ id: z.string(), name: z.string() })) });

const MarkerContextSchema = z.object({
  issue: z.object({
    id: z.string(),
    state: z.object({ id: z.string() }),
    labels: LabelsSchema,
    team: z.object({
      id: z.string(),
      key: z.string(),
      labels: LabelsSchema.optional(),
      states: z.object({ nodes: z.array(z.object({ id: z.string(), position: z.number() })) }).optional(),
    }),
  }),
  workspaceLabels: LabelsSchema.optional(),
});
type MarkerContext = z.infer<typeof MarkerContextSchema>;

const CreateLabelSchema = z.object({
  issueLabelCreate: z.object({ success: z.boolean(), issueLabel: z.object({ id: z.string() }) }),
});
const UpdateIssueSchema = z.object({ issueUpdate: z.object({ success: z.boolean() }) });

export interface MarkerUpdates {
  setMarker(ticket: TicketRef, marker: Marker, options?: { moveToStarted?: boolean }): Promise<void>;
  clearMarker(ticket: TicketRef, marker: Marker): Promise<void>;
}

/**
 * Marker changes as label changes (CONTRACTS.md §2). The marker's label is looked up in the
 * issue's team, then at workspace level, and created in the team when missing; its id is cached
 * per team key and label name, so later changes skip the lookup. The other lifecycle labels are
 * removed in the same `issueUpdate` (`addedLabelIds`/`removedLabelIds`, so labels a person adds
 * meanwhile survive). API: https://linear.app/developers/graphql (IssueUpdateInput).
 */
export function createMarkerUpdates(request: LinearRequest): MarkerUpdates {
  const labelIds = new Map<string, string>();
  const cacheKey = (teamKey: string, labelName: string) =>
    `${teamKey.toUpperCase()}\n${labelName.toLowerCase()}`;

  function fetchContext(
    issueId: string,
    labelName: string,
    lookupLabel: boolean,
    withStartedStates: boolean,
  ) {
    const variables = { issueId, labelName, lookupLabel, withStartedStates };
    return request(MARKER_CONTEXT_QUERY, variables, MarkerContextSchema);
  }

  async function setMarker(ticket: TicketRef, marker: Marker, options: { moveToStarted?: boolean } = {}) {
    const labelName = LINEAR_LABELS[marker];
    const moveToStarted = options.moveToStarted ?? false;
    let cached = labelIds.get(cacheKey(ticket.teamKey, labelName));
    let context = await fetchContext(ticket.id, labelName, cached === undefined, moveToStarted);
    if (cached !== undefined && context.issue.team.key.toUpperCase() !== ticket.teamKey.toUpperCase()) {
      // The issue moved to another team since the ref was taken: the cached id is the old team's.
      cached = undefined;
      context = await fetchContext(ticket.id, labelName, true, moveToStarted);
    }
    const { issue } = context;
    const labelId = cached ?? existingLabel(context) ?? (await createLabel(issue.team.id, labelName));
    labelIds.set(cacheKey(issue.team.key, labelName), labelId);

    const removedLabelIds = issue.labels.nodes
      .filter((label) => label.id !== labelId && isOtherMarker(label.name, marker))
      .map((label) => label.id);
    const stateId = moveToStarted ? firstStartedState(context) : undefined;
    const alreadyDone =
      issue.labels.nodes.some((label) => label.id === labelId) &&
      removedLabelIds.length === 0 &&
      (stateId === undefined || stateId === issue.state.id);
    if (alreadyDone) return;
    try {
      await updateIssue(issue.id, {
        addedLabelIds: [labelId],
        ...(removedLabelIds.length > 0 ? { removedLabelIds } : {}),
        ...(stateId !== undefined && stateId !== issue.state.id ? { stateId } : {}),
      });
    } catch (error) {
      const stale =
        error instanceof IntegrationError && (error.category === 'not_found' || error.category === 'invalid');
      if (cached === undefined || !stale) throw error;
      // Someone deleted the cached label in Linear: forget it and look it up (or create it) once more.
      labelIds.delete(cacheKey(ticket.teamKey, labelName));
      await setMarker(ticket, marker, options);
    }
  }

  async function clearMarker(ticket: TicketRef, marker: Marker) {
    const { issue } = await fetchContext(ticket.id, LINEAR_LABELS[marker], false, false);
    const removedLabelIds = issue.labels.nodes
      .filter((label) => markerForLinearLabel(label.name) === marker)
      .map((label) => label.id);
    if (removedLabelIds.length > 0) await updateIssue(issue.id, { removedLabelIds });
  }

  async function createLabel(teamId: string, name: string): Promise<string> {
    const { issueLabelCreate } = await request(
      CREATE_LABEL_MUTATION,
      { input: { name, teamId } },
      CreateLabelSchema,
    );
    if (!issueLabelCreate.success) {
      throw new IntegrationError('linear', 'transient', `Linear did not create the label "${name}"`);
    }
    return issueLabelCreate.issueLabel.id;
  }

  async function updateIssue(id: string, input: Record<string, unknown>): Promise<void> {
    const { issueUpdate } = await request(UPDATE_ISSUE_MUTATION, { id, input }, UpdateIssueSchema);
    if (!issueUpdate.success)
      throw new IntegrationError('linear', 'transient', 'Linear did not apply the issue update');
  }

  return { setMarker, clearMarker };
}

/** The team's label first, then a workspace label; both lookups already match case-insensitively. */
function existingLabel(context: MarkerContext): string | undefined {
  return context.issue.team.labels?.nodes[0]?.id ?? context.workspaceLabels?.nodes[0]?.id;
}

function isOtherMarker(labelName: string, marker: Marker): boolean {
  const other = markerForLinearLabel(labelName);
  return other !== undefined && other !== marker;
}

/** The team's first `started` workflow state by position (Linear's "In Progress" by default). */
function firstStartedState(context: MarkerContext): string {
  const states = [...(context.issue.team.states?.nodes ?? [])].sort((a, b) => a.position - b.position);
  const first = states[0];
  if (!first) {
    throw new IntegrationError(
      'linear',
      'invalid',
      `Linear team ${context.issue.team.key} has no workflow state of type "started"; add one in the team's workflow settings`,
    );
  }
  return first.id;
}
