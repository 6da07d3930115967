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

/** Children (sub-tasks, or issues under an epic) of the given parents, for siblings. */
export function childrenJql(parentKeys: string[]): string {
  return `parent in (${parentKeys.map(quoteJql).join(', ')}) ORDER BY key ASC`;
}
