import type { Mapping } from '../../domain/mapping.ts';
import { JIRA_STATUS_VALUES } from '../../domain/markers.ts';
import type { JiraTicketingConfig, MappingFields } from './field-discovery.ts';
import { slimCandidateIssue } from './issue-projection.ts';
import type { JiraRequest } from './jira-request.ts';
import { CANDIDATE_SEARCH_PAGE_SIZE, searchAll } from './jira-search.ts';
import { groupedCandidateJql, singleProjectOf } from './jql.ts';
import { CANDIDATE_FIELDS, optionValue, type JiraIssue } from './map-issue.ts';

/**
 * Mappings per grouped search: keeps `project in (…)` to ~100 keys (a few KB of JQL, far below
 * what Jira accepts) while 500 mappings still take 5 searches, not 500.
 */
export const MAPPINGS_PER_GROUPED_SEARCH = 100;

/** A Jira mapping whose fields are known, with its place in the poll's mapping order. */
export interface ResolvedMapping {
  index: number;
  mapping: Mapping;
  config: JiraTicketingConfig;
  fields: MappingFields;
}

/**
 * The searches a poll makes, in mapping order of their first member: every mapping whose scope is
 * exactly one project (`singleProjectOf`) joins the batch of the mappings with the same status and
 * repo fields (same field ids), at most `MAPPINGS_PER_GROUPED_SEARCH` a batch; any other mapping is
 * a batch of its own. A batch of one is searched with the mapping's own JQL, as before grouping.
 */
export function planSearches(resolved: ResolvedMapping[]): ResolvedMapping[][] {
  return batchByFields(
    resolved,
    MAPPINGS_PER_GROUPED_SEARCH,
    (entry) => singleProjectOf(entry.config.jql) === undefined,
  );
}

/**
 * `entries` in batches of at most `size` sharing status and repo field ids, in order of each
 * batch's first member; an entry `alone` says is alone in its batch.
 */
export function batchByFields(
  entries: ResolvedMapping[],
  size: number,
  alone: (entry: ResolvedMapping) => boolean = () => false,
): ResolvedMapping[][] {
  const batches: ResolvedMapping[][] = [];
  const open = new Map<string, ResolvedMapping[]>();
  for (const entry of entries) {
    if (alone(entry)) {
      batches.push([entry]);
      continue;
    }
    const shape = `${entry.fields.status.id}\u0000${entry.fields.repo.id}`;
    let batch = open.get(shape);
    if (!batch || batch.length >= size) {
      batch = [];
      open.set(shape, batch);
      batches.push(batch);
    }
    batch.push(entry);
  }
  return batches;
}

/**
 * The `Ready` candidates of a batch of single-project mappings (`planSearches`) in one enhanced
 * search (`groupedCandidateJql`, paged by `CANDIDATE_SEARCH_PAGE_SIZE`; enhanced search:
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-post,
 * `project in` / `in` on a select field: https://support.atlassian.com/jira-software-cloud/docs/jql-operators/),
 * requesting `CANDIDATE_FIELDS`, the status field and the repo field. The two `in` lists form a
 * cross product, so each issue goes to every mapping of the batch whose project (by key, or by
 * name: JQL resolves `project = Website` by name when no key matches) and repo value (the select
 * option's value, case-insensitively as JQL compares) it has, and issues matching none are
 * dropped: each mapping gets exactly what its own search returns, in the same order (created,
 * then key). Returns one issue list per batch member, in batch order, each issue slimmed to what
 * a candidate needs (`slimCandidateIssue`).
 * Throws the search's `IntegrationError` as is: the whole batch failed, whatever its cause (a
 * project deleted or forbidden, an option removed — 400/403/404 — or a site-wide failure); the
 * caller decides whether to fall back to one search per mapping.
 */
export async function searchBatch(request: JiraRequest, batch: ResolvedMapping[]): Promise<JiraIssue[][]> {
  const [first] = batch;
  if (!first) return [];
  const { fields } = first;
  const projects = batch.map((entry) => singleProjectOf(entry.config.jql) ?? '');
  // (project, repo value) → positions in the batch; lower-cased, as JQL compares both.
  const members = Map.groupBy(
    batch.keys(),
    (position) =>
      `${projects[position]?.toLowerCase()}\u0000${batch[position]?.config.repoFieldValue.trim().toLowerCase()}`,
  );
  const jql = groupedCandidateJql(
    projects,
    fields,
    JIRA_STATUS_VALUES.ready,
    batch.map((entry) => entry.config.repoFieldValue),
  );
  const issues = await searchAll(request, jql, [...CANDIDATE_FIELDS, fields.status.id, fields.repo.id], {
    pageSize: CANDIDATE_SEARCH_PAGE_SIZE,
    keep: (issue) => slimCandidateIssue(issue, fields.status.id, fields.repo.id),
  });
  const byMember: JiraIssue[][] = batch.map(() => []);
  for (const issue of issues) {
    const repo = optionValue(issue.fields[fields.repo.id])?.toLowerCase();
    if (repo === undefined) continue;
    const project = issue.fields.project as { key?: unknown; name?: unknown } | null | undefined;
    const positions = new Set<number>();
    for (const name of [project?.key, project?.name]) {
      if (typeof name !== 'string') continue;
      for (const position of members.get(`${name.toLowerCase()}\u0000${repo}`) ?? []) positions.add(position);
    }
    for (const position of positions) byMember[position]?.push(issue);
  }
  return byMember;
}
