import { editIssue, getIssue } from 'jira.js/cloud';
import { IntegrationError } from '../../domain/errors.ts';
import { JIRA_STATUS_VALUES, type Marker } from '../../domain/markers.ts';
import type { TicketRef } from '../types.ts';
import { STATUS_FIELD_NAME, type JiraFieldRef } from './field-discovery.ts';
import type { JiraRequest } from './jira-request.ts';
import { optionValue } from './map-issue.ts';

export interface MarkerUpdates {
  setMarker(ticket: TicketRef, marker: Marker): Promise<void>;
  clearMarker(ticket: TicketRef, marker: Marker): Promise<void>;
}

/**
 * Marker changes as values of the AI-Implement Status single-select field (CONTRACTS.md §2, Jira
 * column): `setMarker` writes the marker's option (`{ value: 'Implementing' }`), which replaces
 * whatever lifecycle value was there; `clearMarker` empties the field only when it holds that
 * marker's value. Both go through Edit issue
 * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-put);
 * a missing issue is `not_found`, and a value Jira refuses (no such option, field not on the
 * edit screen) is `invalid` with what to fix. `statusField` resolves the field for the ticket's
 * mapping (its `statusFieldOverride`, else discovery by name).
 */
export function createMarkerUpdates(
  request: JiraRequest,
  statusField: (ticket: TicketRef) => Promise<JiraFieldRef>,
): MarkerUpdates {
  async function writeValue(ticket: TicketRef, field: JiraFieldRef, value: string | null): Promise<void> {
    try {
      await request('set AI-Implement Status', (client) =>
        editIssue(client, {
          issueIdOrKey: ticket.id,
          fields: { [field.id]: value === null ? null : { value } },
        }),
      );
    } catch (error) {
      if (!(error instanceof IntegrationError) || error.category !== 'invalid') throw error;
      const what = value === null ? 'clear' : `set to "${value}"`;
      throw new IntegrationError(
        'jira',
        'invalid',
        `Jira would not let ${STATUS_FIELD_NAME} (${field.id}) on ${ticket.identifier} be ${what}: ${error.message}. ` +
          `It must be a single-select list on the issue's edit screen with the options ${allValues()}.`,
        { cause: error },
      );
    }
  }

  return {
    async setMarker(ticket, marker) {
      await writeValue(ticket, await statusField(ticket), JIRA_STATUS_VALUES[marker]);
    },

    async clearMarker(ticket, marker) {
      const field = await statusField(ticket);
      const issue = await request('read AI-Implement Status', (client) =>
        getIssue(client, { issueIdOrKey: ticket.id, fields: [field.id] }),
      );
      const current = optionValue(issue.fields?.[field.id]);
      if (current?.toLowerCase() === JIRA_STATUS_VALUES[marker].toLowerCase())
        await writeValue(ticket, field, null);
    },
  };
}

function allValues(): string {
  return [...new Set(Object.values(JIRA_STATUS_VALUES))].map((value) => `"${value}"`).join(', ');
}
