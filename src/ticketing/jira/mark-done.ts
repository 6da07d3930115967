import { doTransition, getIssue, getTransitions } from 'jira.js/cloud';
import { IntegrationError } from '../../domain/errors.ts';
import type { TicketRef } from '../types.ts';
import type { JiraRequest } from './jira-request.ts';
import { isCanceledName } from './map-issue.ts';

/**
 * Moves a Jira issue to a status of the Done category, because its pull request was merged:
 * the first transition Jira offers (in the workflow's order) that leads to a Done-category status
 * whose name does not mean "dropped" (Won't Do, Canceled…). An issue already in the Done category
 * is left alone. Throws `IntegrationError('jira', 'invalid')` when no such transition is
 * available, or when Jira refuses it (a transition screen that requires fields).
 * API: https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-transitions-get
 */
export async function markJiraIssueDone(request: JiraRequest, ticket: TicketRef): Promise<void> {
  const issue = await request('read status', (client) =>
    getIssue(client, { issueIdOrKey: ticket.id, fields: ['status'] }),
  );
  const status = issue.fields?.status as { name?: string; statusCategory?: { key?: string } } | undefined;
  if (status?.statusCategory?.key === 'done') return;

  const { transitions = [] } = await request('list transitions', (client) =>
    getTransitions(client, { issueIdOrKey: ticket.id }),
  );
  const done = transitions.find(
    (transition) =>
      transition.id !== undefined &&
      transition.isAvailable !== false &&
      transition.to?.statusCategory?.key === 'done' &&
      !isCanceledName(transition.to.name) &&
      !isCanceledName(transition.name),
  );
  if (!done?.id) {
    throw new IntegrationError(
      'jira',
      'invalid',
      `Jira offers no transition from "${status?.name ?? 'its status'}" of ${ticket.identifier} to a Done status; ` +
        "add one to the project's workflow, or move the issue by hand",
    );
  }
  const transitionId = done.id;
  try {
    await request('transition to done', (client) =>
      doTransition(client, { issueIdOrKey: ticket.id, transition: { id: transitionId } }),
    );
  } catch (error) {
    if (!(error instanceof IntegrationError) || error.category !== 'invalid') throw error;
    throw new IntegrationError(
      'jira',
      'invalid',
      `Jira refused the "${done.name ?? transitionId}" transition of ${ticket.identifier}: ${error.message}. ` +
        'A transition to Done that asks for fields on a screen cannot be run by AI-Implement.',
      { cause: error },
    );
  }
}
