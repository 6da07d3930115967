import type { FieldDetails } from 'jira.js/cloud';
import { IntegrationError } from '../../domain/errors.ts';
import { JIRA_STATUS_VALUES } from '../../domain/markers.ts';
import { REPO_ROLE, STATUS_ROLE, type FieldRole, type JiraTicketingConfig } from './field-discovery.ts';
import { listJiraFieldOptions, validateJql } from './jira-admin.ts';
import type { JiraConnection } from './jira-connection.ts';
import { describeJiraProjects, listJiraProjects } from './jira-projects.ts';

/** What start-up and the mapping API say about one Jira mapping. */
export interface JiraMappingCheck {
  ok: boolean;
  /** Sentences an operator can act on; empty when `ok`. */
  problems: string[];
  /**
   * The one of `problems` about the JQL (also in `problems`), so the stepper shows it beside the
   * JQL field. When Jira names a project that does not exist, it lists the projects the account
   * can see.
   */
  jqlProblem?: string;
  /** The fields the mapping uses, when both resolved. */
  fields?: { statusFieldId: string; repoFieldId: string };
}

/** Single-select list, Jira's type key for the fields whose `{ value }` the provider reads and writes. */
const SELECT_TYPE = 'com.atlassian.jira.plugin.system.customfieldtypes:select';

/**
 * Checks a Jira mapping's `ticketingConfig` against the site, for start-up and the mapping API:
 * - both fields resolve (overrides name fields that exist; names match exactly one field —
 *   otherwise the problem names `statusFieldOverride` / `repoFieldOverride`) and are select lists;
 * - the status field has every option of CONTRACTS.md §2 and `repoFieldValue` is an option of
 *   the repo field (skipped when the account may not read options: that needs Administer Jira);
 * - the JQL is valid (Jira's own message otherwise; a project it does not know adds the list of
 *   projects the account can see).
 * Throws `IntegrationError` only for what is not the mapping's fault (credentials, rate limit,
 * outage).
 */
export async function checkJiraMapping(
  connection: JiraConnection,
  config: JiraTicketingConfig,
): Promise<JiraMappingCheck> {
  const problems: string[] = [];
  const all = await connection.fields.list();
  const status = await checkField(connection, all, STATUS_ROLE, config.statusFieldOverride, problems);
  const repo = await checkField(connection, all, REPO_ROLE, config.repoFieldOverride, problems);

  if (status) {
    const options = await readableOptions(connection, status);
    const missing = [...new Set(Object.values(JIRA_STATUS_VALUES))].filter(
      (value) => options && !options.some((option) => option.toLowerCase() === value.toLowerCase()),
    );
    if (missing.length > 0) {
      problems.push(
        `${STATUS_ROLE.name} (${status}) lacks the option(s) ${missing.map((v) => `"${v}"`).join(', ')}: add them in Jira.`,
      );
    }
  }
  if (repo) {
    const options = await readableOptions(connection, repo);
    if (options && !options.some((option) => option === config.repoFieldValue)) {
      problems.push(
        `repoFieldValue "${config.repoFieldValue}" is not an option of ${REPO_ROLE.name} (${repo}): ` +
          'add it to the field in Jira or correct the mapping.',
      );
    }
  }
  const jqlProblem = await checkJql(connection, config.jql);
  if (jqlProblem) problems.push(jqlProblem);

  return {
    ok: problems.length === 0,
    problems,
    ...(jqlProblem ? { jqlProblem } : {}),
    ...(status && repo ? { fields: { statusFieldId: status, repoFieldId: repo } } : {}),
  };
}

/** Jira's refusal of the JQL, with the projects the account can see when it names an unknown one. */
async function checkJql(connection: JiraConnection, jql: string): Promise<string | undefined> {
  const result = await validateJql(connection, jql);
  if (result.valid) return undefined;
  const problem = `The mapping's JQL is invalid: ${result.errors.join('; ')}`;
  const unknownProject = result.errors.some((error) => /for the field 'project'/i.test(error));
  if (!unknownProject) return problem;
  return `${problem} — ${describeJiraProjects(await listJiraProjects(connection))}`;
}

/** The field's id when it resolves to an existing select list; otherwise a problem is recorded. */
async function checkField(
  connection: JiraConnection,
  all: FieldDetails[],
  role: FieldRole,
  override: string | undefined,
  problems: string[],
): Promise<string | undefined> {
  const found = await connection.fields.lookup(role, override);
  if ('problem' in found) {
    problems.push(found.problem);
    return undefined;
  }
  const field = all.find((candidate) => candidate.id === found.field.id);
  if (!field) {
    problems.push(
      `${role.override} ${found.field.id} names no field the JIRA_TOKEN account can see: check the id in Jira.`,
    );
    return undefined;
  }
  if (field.schema?.custom !== SELECT_TYPE) {
    problems.push(
      `${role.name} (${field.id}, "${field.name ?? ''}") is a ${field.schema?.custom ?? field.schema?.type ?? 'non-custom'} field; ` +
        'it must be a single-select list ("Select List (single choice)").',
    );
    return undefined;
  }
  return field.id;
}

/** The field's enabled option values, or undefined when the account may not read them (403). */
async function readableOptions(connection: JiraConnection, fieldId: string): Promise<string[] | undefined> {
  try {
    return (await listJiraFieldOptions(connection, fieldId)).values;
  } catch (error) {
    if (error instanceof IntegrationError && error.category === 'auth') return undefined;
    throw error;
  }
}
