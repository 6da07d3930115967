import { getFields, type FieldDetails } from 'jira.js/cloud';
import { IntegrationError } from '../../domain/errors.ts';
import type { TicketingConfig } from '../../domain/mapping.ts';
import type { JiraRequest } from './jira-request.ts';

/** The two custom fields every Jira site needs (seed 001, "Jira manual custom-field setup"). */
export const STATUS_FIELD_NAME = 'AI-Implement Status';
export const REPO_FIELD_NAME = 'AI-Implement Repo';

export type JiraTicketingConfig = Extract<TicketingConfig, { kind: 'jira' }>;

/** A custom field as the provider uses it: its id (`customfield_10500`) and JQL clause (`cf[10500]`). */
export interface JiraFieldRef {
  id: string;
  clause: string;
}

export interface MappingFields {
  status: JiraFieldRef;
  repo: JiraFieldRef;
}

/** Which of the two fields, with the names an operator sees. */
export interface FieldRole {
  name: string;
  override: 'statusFieldOverride' | 'repoFieldOverride';
}

export const STATUS_ROLE: FieldRole = { name: STATUS_FIELD_NAME, override: 'statusFieldOverride' };
export const REPO_ROLE: FieldRole = { name: REPO_FIELD_NAME, override: 'repoFieldOverride' };

/** How soon the field list is fetched again after a lookup found a problem (about one poll). */
const PROBLEM_RECHECK_MS = 30_000;

export type FieldLookup = { field: JiraFieldRef } | { problem: string };

export interface FieldDirectory {
  /** Every field of the site (`GET /rest/api/3/field`), cached for `cacheMs`. */
  list(): Promise<FieldDetails[]>;
  /** `override` when set (no request), otherwise the one custom field with the role's name, or the problem. */
  lookup(role: FieldRole, override: string | undefined): Promise<FieldLookup>;
  /** As `lookup`, throwing `IntegrationError('jira', 'invalid')` with the problem. */
  field(role: FieldRole, override: string | undefined): Promise<JiraFieldRef>;
  /**
   * The status and repo fields of a mapping, by its overrides or by name. Throws
   * `IntegrationError('jira', 'invalid')` naming the override(s) to set when a name matches no
   * field or several; the field list is then fetched afresh next time, so a fix in Jira is seen
   * without a restart.
   */
  forConfig(
    config: Pick<JiraTicketingConfig, 'statusFieldOverride' | 'repoFieldOverride'>,
  ): Promise<MappingFields>;
}

/**
 * Finds the AI-Implement custom fields by name through `GET /rest/api/3/field`
 * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-fields/#api-rest-api-3-field-get),
 * one request per `cacheMs` (default 10 minutes: fields change rarely, and a rename or a new
 * duplicate should still be noticed within a few polls; after a problem, 30 s).
 */
export function createFieldDirectory(
  request: JiraRequest,
  options: { cacheMs?: number; now?: () => number } = {},
): FieldDirectory {
  const cacheMs = options.cacheMs ?? 600_000;
  const now = options.now ?? Date.now;
  let cached: { expiresAt: number; fields: Promise<FieldDetails[]> } | undefined;

  function list(): Promise<FieldDetails[]> {
    if (cached && now() < cached.expiresAt) return cached.fields;
    const fields = request('list fields', (client) => getFields(client));
    cached = { expiresAt: now() + cacheMs, fields };
    fields.catch(() => {
      if (cached?.fields === fields) cached = undefined;
    });
    return fields;
  }

  // Each role picked once per field list: every poll asks for each of hundreds of mappings.
  let picked: { fields: FieldDetails[]; byRole: Map<string, FieldLookup> } | undefined;

  async function lookup(role: FieldRole, override: string | undefined): Promise<FieldLookup> {
    if (override) return { field: fieldRef(override) };
    const fields = await list();
    if (picked?.fields !== fields) picked = { fields, byRole: new Map() };
    let found = picked.byRole.get(role.name);
    if (!found) picked.byRole.set(role.name, (found = pickField(fields, role)));
    // A missing or ambiguous field is soon fixed in Jira: look again after a short while, not cacheMs.
    if ('problem' in found && cached)
      cached.expiresAt = Math.min(cached.expiresAt, now() + PROBLEM_RECHECK_MS);
    return found;
  }

  return {
    list,
    lookup,
    async field(role, override) {
      const found = await lookup(role, override);
      if ('problem' in found) throw new IntegrationError('jira', 'invalid', found.problem);
      return found.field;
    },
    async forConfig(config) {
      const status = await lookup(STATUS_ROLE, config.statusFieldOverride);
      const repo = await lookup(REPO_ROLE, config.repoFieldOverride);
      if ('field' in status && 'field' in repo) return { status: status.field, repo: repo.field };
      const problems = [status, repo].flatMap((found) => ('problem' in found ? [found.problem] : []));
      throw new IntegrationError('jira', 'invalid', problems.join(' '));
    },
  };
}

/**
 * The one custom field named `role.name` (trimmed, case-insensitive, as Jira's field search
 * matches), or a problem an operator can act on: no such field, or several (listing their ids
 * and naming the mapping's `ticketingConfig` override that settles it).
 */
export function pickField(fields: FieldDetails[], role: FieldRole): FieldLookup {
  const wanted = role.name.toLowerCase();
  const matches = fields.filter(
    (field) =>
      field.custom === true &&
      typeof field.id === 'string' &&
      [field.name, field.untranslatedName].some((name) => name?.trim().toLowerCase() === wanted),
  );
  const [only] = matches;
  if (matches.length === 1 && only?.id) return { field: fieldRef(only.id) };
  if (matches.length === 0) {
    return {
      problem:
        `Jira has no custom field named "${role.name}" that the JIRA_TOKEN account can see. Create it ` +
        '(see "Jira manual custom-field setup") or, if it exists under another name, set ' +
        `ticketingConfig.${role.override} on the mapping to its id (customfield_NNNNN).`,
    };
  }
  const ids = matches.map((field) => field.id).join(', ');
  return {
    problem:
      `Jira has ${matches.length} custom fields named "${role.name}" (${ids}), so the one to use is ambiguous: ` +
      `set ticketingConfig.${role.override} on the mapping to one of them.`,
  };
}

/** `customfield_10500` → `{ id, clause: 'cf[10500]' }`; other ids are quoted as JQL field names. */
export function fieldRef(id: string): JiraFieldRef {
  const number = /^customfield_(\d+)$/.exec(id)?.[1];
  return { id, clause: number ? `cf[${number}]` : `"${id.replace(/["\\]/g, '\\$&')}"` };
}
