import { isApiError } from 'jira.js/core';
import { countIssues, getContextsForField, getOptionsForContext } from 'jira.js/cloud';
import { IntegrationError } from '../../domain/errors.ts';
import { REPO_ROLE, STATUS_ROLE, fieldRef, type FieldLookup } from './field-discovery.ts';
import type { JiraConnection } from './jira-connection.ts';
import { jiraErrorMessages } from './jira-errors.ts';

/**
 * Helpers behind the admin API's Jira routes (seed 002): validate a JQL, list the custom fields,
 * list a select field's options. Each takes the provider's `connection` (JiraProvider.connection)
 * and throws `IntegrationError('jira', …)` for failures that are not the answer itself (auth,
 * rate limit, outage), which the routes turn into their error responses.
 */

/** `POST /api/jira/validate-jql`: valid with Jira's approximate count, or Jira's own error messages. */
export type JqlValidation = { valid: true; count: number } | { valid: false; errors: string[] };

/**
 * Asks Jira to count the issues `jql` matches (`POST /rest/api/3/search/approximate-count`,
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-approximate-count-post).
 * A 400 is the answer, not a failure: `{ valid: false, errors }` with Jira's messages (syntax,
 * unknown field or project, unbounded query). The count is approximate, as Jira says.
 */
export async function validateJql(connection: JiraConnection, jql: string): Promise<JqlValidation> {
  if (jql.trim() === '')
    return { valid: false, errors: ['The JQL is empty: give at least a restriction such as project = KEY'] };
  try {
    const result = await connection.request('validate JQL', (client) => countIssues(client, { jql }));
    return { valid: true, count: result.count ?? 0 };
  } catch (error) {
    const cause = error instanceof IntegrationError ? error.cause : undefined;
    if (!isApiError(cause) || cause.status !== 400) throw error;
    const errors = jiraErrorMessages(cause.body);
    return {
      valid: false,
      errors: errors.length > 0 ? errors : ['Jira rejected the JQL without saying why'],
    };
  }
}

/** One custom field for the admin UI's field pickers. */
export interface JiraFieldView {
  id: string;
  name: string;
  /** JQL clause, e.g. `cf[10500]`. */
  clause: string;
  /** Jira's field type key, e.g. `com.atlassian.jira.plugin.system.customfieldtypes:select`. */
  type: string | undefined;
}

/** `GET /api/jira/fields`: the custom fields, and what discovery by name finds for each role. */
export interface JiraFieldsView {
  fields: JiraFieldView[];
  /** The AI-Implement Status field by name: its id, or the problem (none, or ambiguous). */
  status: { fieldId: string } | { problem: string };
  repo: { fieldId: string } | { problem: string };
}

/**
 * The site's custom fields sorted by name (`GET /rest/api/3/field`, the connection's cached
 * list), with the outcome of discovery by name for both AI-Implement fields.
 */
export async function listJiraFields(connection: JiraConnection): Promise<JiraFieldsView> {
  const all = await connection.fields.list();
  const fields = all
    .filter((field) => field.custom === true && typeof field.id === 'string')
    .map((field) => ({
      id: field.id ?? '',
      name: field.name ?? field.id ?? '',
      clause: fieldRef(field.id ?? '').clause,
      type: field.schema?.custom,
    }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const view = (found: FieldLookup) =>
    'field' in found ? { fieldId: found.field.id } : { problem: found.problem };
  return {
    fields,
    status: view(await connection.fields.lookup(STATUS_ROLE, undefined)),
    repo: view(await connection.fields.lookup(REPO_ROLE, undefined)),
  };
}

export interface JiraFieldContextOptions {
  id: string;
  name: string;
  isGlobalContext: boolean;
  options: { id: string; value: string; disabled: boolean }[];
}

/** `GET /api/jira/field-options?fieldId=…`: options per context, and the enabled values once each. */
export interface JiraFieldOptions {
  fieldId: string;
  contexts: JiraFieldContextOptions[];
  values: string[];
}

/** Contexts and options per request; Jira's maximum for both endpoints is larger, 50 keeps pages small. */
const OPTIONS_PAGE_SIZE = 50;

/**
 * The options of a select custom field, through its contexts
 * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-custom-field-contexts/#api-rest-api-3-field-fieldid-context-get
 * and https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-custom-field-options/#api-rest-api-3-field-fieldid-context-contextid-option-get),
 * every page of both. Jira requires the Administer Jira permission (403 → `auth`). `fieldId`
 * must look like `customfield_10500` (else `invalid`, and nothing is sent); an unknown one is
 * `not_found`.
 */
export async function listJiraFieldOptions(
  connection: JiraConnection,
  fieldId: string,
): Promise<JiraFieldOptions> {
  if (!/^customfield_\d+$/.test(fieldId)) {
    throw new IntegrationError(
      'jira',
      'invalid',
      `fieldId must look like customfield_10500, got "${fieldId.slice(0, 50)}"`,
    );
  }
  const contexts: JiraFieldContextOptions[] = [];
  for (let startAt = 0; ; startAt += OPTIONS_PAGE_SIZE) {
    const page = await connection.request('list field contexts', (client) =>
      getContextsForField(client, { fieldId, startAt, maxResults: OPTIONS_PAGE_SIZE }),
    );
    for (const context of page.values) {
      contexts.push({
        id: context.id,
        name: context.name,
        isGlobalContext: context.isGlobalContext,
        options: await contextOptions(connection, fieldId, context.id),
      });
    }
    if (page.isLast || page.values.length === 0) break;
  }
  const values = [
    ...new Set(contexts.flatMap((c) => c.options.filter((o) => !o.disabled).map((o) => o.value))),
  ];
  return { fieldId, contexts, values };
}

async function contextOptions(connection: JiraConnection, fieldId: string, contextId: string) {
  const options: JiraFieldContextOptions['options'] = [];
  for (let startAt = 0; ; startAt += OPTIONS_PAGE_SIZE) {
    const page = await connection.request('list field options', (client) =>
      getOptionsForContext(client, {
        fieldId,
        contextId: Number(contextId),
        startAt,
        maxResults: OPTIONS_PAGE_SIZE,
      }),
    );
    options.push(...page.values.map(({ id, value, disabled }) => ({ id, value, disabled })));
    if (page.isLast || page.values.length === 0) return options;
  }
}
