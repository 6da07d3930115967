import { performance } from 'node:perf_hooks';
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
    const wanted = [...new Set(Object.values(JIRA_STATUS_VALUES))];
    const lacks = (options: string[], value: string) =>
      !options.some((option) => option.toLowerCase() === value.toLowerCase());
    const options = await readableOptions(connection, status, (found) =>
      wanted.every((value) => !lacks(found, value)),
    );
    const missing = wanted.filter((value) => options && lacks(options, value));
    if (missing.length > 0) {
      problems.push(
        `${STATUS_ROLE.name} (${status}) lacks the option(s) ${missing.map((v) => `"${v}"`).join(', ')}: add them in Jira.`,
      );
    }
  }
  if (repo) {
    const options = await readableOptions(connection, repo, (found) => found.includes(config.repoFieldValue));
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

/**
 * The field's enabled option values, or undefined when the account may not read them (403). A
 * read of the last `OPTIONS_KEPT_MS` answers when `enough` says it has what the check needs, so
 * 500 mappings saved in a row read each field's options about once, not 500 times (each read is
 * 2+ requests, and every response Node's `fetch` leaves is garbage the heap grows for —
 * docs/decisions/tick-at-scale.md, "Memory"); an option added in Jira a moment ago is not in
 * it, so the options are read again.
 */
async function readableOptions(
  connection: JiraConnection,
  fieldId: string,
  enough: (values: string[]) => boolean,
): Promise<string[] | undefined> {
  const kept = keptOptions.get(connection)?.get(fieldId);
  if (kept && performance.now() - kept.readAt < OPTIONS_KEPT_MS && enough(kept.values)) return kept.values;
  try {
    const { values } = await listJiraFieldOptions(connection, fieldId);
    const byField = keptOptions.get(connection) ?? new Map<string, { readAt: number; values: string[] }>();
    byField.set(fieldId, { readAt: performance.now(), values });
    keptOptions.set(connection, byField);
    return values;
  } catch (error) {
    if (error instanceof IntegrationError && error.category === 'auth') return undefined;
    throw error;
  }
}

/**
 * How long a read of a field's options answers the checks that find what they need in it. An
 * option removed in Jira within this time may still let a mapping be saved; its poll then fails
 * for that mapping alone and says why (jira-candidates.ts).
 */
const OPTIONS_KEPT_MS = 60_000;
const keptOptions = new WeakMap<JiraConnection, Map<string, { readAt: number; values: string[] }>>();
