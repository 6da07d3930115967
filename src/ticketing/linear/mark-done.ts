import { z } from 'zod';
import { IntegrationError } from '../../domain/errors.ts';
import type { TicketRef } from '../types.ts';
import type { LinearRequest } from './linear-request.ts';
import { DONE_STATES_QUERY, UPDATE_ISSUE_MUTATION } from './update-queries.ts';

const DoneStatesSchema = z.object({
  issue: z.object({
    id: z.string(),
    state: z.object({ id: z.string(), type: z.string() }),
    team: z.object({
      key: z.string(),
      states: z.object({ nodes: z.array(z.object({ id: z.string(), position: z.number() })) }),
    }),
  }),
});
const UpdateIssueSchema = z.object({ issueUpdate: z.object({ success: z.boolean() }) });

/**
 * Moves a Linear issue to its team's first `completed` workflow state by position (Linear's
 * "Done" by default) with `issueUpdate(stateId)`; an issue already completed is left alone.
 * Throws `IntegrationError('linear', 'invalid')` when the team has no completed state.
 * API: https://linear.app/developers/graphql (WorkflowState, IssueUpdateInput).
 */
export async function markLinearIssueDone(request: LinearRequest, ticket: TicketRef): Promise<void> {
  const { issue } = await request(DONE_STATES_QUERY, { issueId: ticket.id }, DoneStatesSchema);
  if (issue.state.type === 'completed') return;
  const [first] = [...issue.team.states.nodes].sort((a, b) => a.position - b.position);
  if (!first) {
    throw new IntegrationError(
      'linear',
      'invalid',
      `Linear team ${issue.team.key} has no workflow state of type "completed"; add one in the team's workflow settings`,
    );
  }
  const { issueUpdate } = await request(
    UPDATE_ISSUE_MUTATION,
    { id: issue.id, input: { stateId: first.id } },
    UpdateIssueSchema,
  );
  if (!issueUpdate.success) {
    throw new IntegrationError('linear', 'transient', `Linear did not move ${ticket.identifier} to done`);
  }
}
