import type { JiraFieldRef } from './field-discovery.ts';

/**
 * JQL the provider writes. Values are always quoted (`"…"` with `\"` and `\\` escaped), so a repo
 * value or an option containing spaces, quotes or reserved words cannot change the query.
 * JQL reference: https://support.atlassian.com/jira-service-management-cloud/docs/use-advanced-search-with-jira-query-language-jql/
 */

export function quoteJql(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * A mapping's JQL without its `ORDER BY` clause, so it can be wrapped in parentheses and
 * combined: `project = ACME ORDER BY rank` → `project = ACME`. Quoted strings are skipped
 * while looking for the clause.
 */
export function withoutOrderBy(jql: string): string {
  let quote: string | undefined;
  for (let i = 0; i < jql.length; i += 1) {
    const char = jql[i];
    if (quote) {
      if (char === '\\') i += 1;
      else if (char === quote) quote = undefined;
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
      continue;
    }
    if (/^order\s+by\b/i.test(jql.slice(i)) && (i === 0 || /[\s)]/.test(jql[i - 1] ?? ''))) {
      return jql.slice(0, i).trim();
    }
  }
  return jql.trim();
}

/**
 * The candidates of one mapping: its scope, the status field at `statusValue` (Ready), the repo
 * field at the mapping's `repoFieldValue`, and not in a Done status category — closed issues
 * never come back. Oldest first, for stable paging.
 */
export function candidateJql(
  scope: string,
  fields: { status: JiraFieldRef; repo: JiraFieldRef },
  statusValue: string,
  repoValue: string,
): string {
  const base = withoutOrderBy(scope);
  return [
    base === '' ? undefined : `(${base})`,
    `${fields.status.clause} = ${quoteJql(statusValue)}`,
    `${fields.repo.clause} = ${quoteJql(repoValue)}`,
    'statusCategory != Done',
  ]
    .filter((clause) => clause !== undefined)
    .join(' AND ')
    .concat(' ORDER BY created ASC, key ASC');
}

/** Words JQL reserves: unquoted, they are never a project key. */
const RESERVED = new Set('and or not in is empty null order by asc desc was changed'.split(' '));

/**
 * The one project a mapping's scope names, when the scope (without `ORDER BY`) is exactly
 * `project = KEY`, `project = "KEY"` or `project in (KEY)` — keyword and operator in any case,
 * any whitespace; `KEY` key-shaped (a letter, then letters, digits or `_`, as Jira's project keys
 * are). Anything else — another clause, `OR`, a function, a project id, a name with spaces —
 * is `undefined`: that mapping keeps a search of its own.
 * `project = KEY` → `'KEY'`; `project = KEY AND labels = ai` → `undefined`.
 */
export function singleProjectOf(scope: string): string | undefined {
  // Asked per mapping and per changed issue every poll; a mapping's scope rarely changes.
  if (!singleProjects.has(scope)) {
    if (singleProjects.size >= SINGLE_PROJECTS_KEPT) singleProjects.clear();
    singleProjects.set(scope, parseSingleProject(scope));
  }
  return singleProjects.get(scope);
}

/** Scopes → `singleProjectOf`'s answer; beyond this many (mappings' JQL) it starts afresh. */
const SINGLE_PROJECTS_KEPT = 10_000;
const singleProjects = new Map<string, string | undefined>();

function parseSingleProject(scope: string): string | undefined {
  const match =
    /^project(?:\s*=\s*(?<eq>"[^"\\]*"|'[^'\\]*'|[^\s()"',=!]+)|\s+in\s*\(\s*(?<in>"[^"\\]*"|'[^'\\]*'|[^\s()"',=!]+)\s*\))$/i.exec(
      withoutOrderBy(scope),
    );
  const raw = match?.groups?.eq ?? match?.groups?.in;
  if (raw === undefined) return undefined;
  const quoted = raw.startsWith('"') || raw.startsWith("'");
  const key = quoted ? raw.slice(1, -1) : raw;
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key) || (!quoted && RESERVED.has(key.toLowerCase()))) return undefined;
  return key;
}

/**
 * The candidates of several single-project mappings that share their status and repo fields, in
 * one search: `project in ("K1", …) AND <status> = "Ready" AND <repo> in ("r1", …) AND
 * statusCategory != Done ORDER BY created ASC, key ASC`. The two lists form a cross product, so
 * the caller assigns each issue by its (project, repo value) pair. Keys and values are quoted and
 * de-duplicated (case-insensitively, as JQL compares them).
 */
export function groupedCandidateJql(
  projectKeys: string[],
  fields: { status: JiraFieldRef; repo: JiraFieldRef },
  statusValue: string,
  repoValues: string[],
): string {
  const list = (values: string[]) => {
    const seen = new Map(values.map((value) => [value.toLowerCase(), value]));
    return `(${[...seen.values()].map(quoteJql).join(', ')})`;
  };
  return [
    `project in ${list(projectKeys)}`,
    `${fields.status.clause} = ${quoteJql(statusValue)}`,
    `${fields.repo.clause} in ${list(repoValues)}`,
    'statusCategory != Done',
  ]
    .join(' AND ')
    .concat(' ORDER BY created ASC, key ASC');
}

/**
 * What changed lately in a group of single-project mappings, for the candidate mirror
 * (jira-candidate-mirror.ts): `(project in ("K1", …) OR <status field> is not EMPTY) AND
 * updated >= "-<minutes>m" ORDER BY key ASC`. No status, repo or status-category condition, so
 * an issue that stopped being a candidate comes back too; the status clause also brings back an
 * issue moved out of the projects (it keeps its AI-Implement Status value). The relative date is
 * Jira's clock minus `minutes` (https://support.atlassian.com/jira-software-cloud/docs/jql-fields/ — Updated).
 */
export function deltaJql(projectKeys: string[], status: JiraFieldRef, minutes: number): string {
  const keys = [...new Map(projectKeys.map((key) => [key.toLowerCase(), key])).values()];
  return `(project in (${keys.map(quoteJql).join(', ')}) OR ${status.clause} is not EMPTY) AND updated >= ${quoteJql(`-${Math.ceil(minutes)}m`)} ORDER BY key ASC`;
}

/**
 * Issues by id: `id in (10001, 10002) ORDER BY key ASC`. Numeric ids are written bare (JQL reads
 * a quoted number as a key); anything else (a key) is quoted.
 */
export function idsJql(ids: string[]): string {
  const values = ids.map((id) => (/^\d+$/.test(id) ? id : quoteJql(id)));
  return `id in (${values.join(', ')}) ORDER BY key ASC`;
}

/** Children (sub-tasks, or issues under an epic) of the given parents, for siblings. */
export function childrenJql(parentKeys: string[]): string {
  return `parent in (${parentKeys.map(quoteJql).join(', ')}) ORDER BY key ASC`;
}
