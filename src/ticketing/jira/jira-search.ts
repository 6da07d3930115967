import { bulkFetchIssues, searchAndReconsileIssuesUsingJqlPost } from 'jira.js/cloud';
import { z } from 'zod';
import { IntegrationError } from '../../domain/errors.ts';
import type { TicketSummary } from '../../domain/ticket.ts';
import type { JiraLogger, JiraRequest } from './jira-request.ts';
import { childrenJql, idsJql } from './jql.ts';
import { JiraIssueSchema, SUMMARY_FIELDS, mapSummary, type JiraIssue } from './map-issue.ts';

/**
 * Issues per page of the enhanced search. Jira returns fewer when the requested fields are
 * large; 50 keeps a page with descriptions and links to a few hundred KB.
 */
export const SEARCH_PAGE_SIZE = 50;
/**
 * Issues per page of the candidate search, which asks for a few small fields only (Jira returns
 * fewer when the fields are large, and says so with `nextPageToken`): 10,000 waiting issues take
 * 10 requests, not 200. Not the documented maximum of 5,000: each issue comes back with ~2.5 KB
 * of objects (every status, priority, project and option with its URLs), so a page of 5,000 is a
 * ~12 MB body held with its parsed objects at once (and jira.js's validated copy in tests, which
 * run with `onSchemaMismatch: 'throw'`; jira-request.ts); a page of 1,000 bounds that to ~2.5 MB
 * whatever the number of waiting issues. (At 500 × 20 the bench's peak did
 * not move measurably either way: the first tick's other work dominates it.)
 */
export const CANDIDATE_SEARCH_PAGE_SIZE = 1_000;
/**
 * Issues per page of a search for stamps (`fields: ['updated']`, ~150 bytes an issue): the
 * enhanced search's documented maximum.
 */
export const STAMP_PAGE_SIZE = 5_000;
/** Issues per bulk fetch: Jira's documented maximum for `POST /rest/api/3/issue/bulkfetch`. */
export const BULK_FETCH_SIZE = 100;
/**
 * Ids per `id in (…)` search in `searchByIds`: ~8 KB of JQL at Jira Cloud's 5–6 digit ids, far
 * below what the enhanced search accepts, while 1,000 in-flight issues still take one request.
 */
export const IDS_PER_SEARCH = 1_000;
/** Parents per children search, keeping the `parent in (…)` clause short. */
const PARENTS_PER_SEARCH = 50;

const IssuesSchema = z.array(JiraIssueSchema);

/**
 * Every issue matching `jql`, through the enhanced search (`POST /rest/api/3/search/jql`,
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-post),
 * following `nextPageToken` until Jira says the page is the last. `options.keep` is what is kept
 * of each issue (default: the issue as read), applied as each page arrives, so a page's full
 * objects are not held until the last page. Throws `IntegrationError`.
 */
export async function searchAll(
  request: JiraRequest,
  jql: string,
  fields: string[],
  options: { pageSize?: number; keep?: (issue: JiraIssue) => JiraIssue } = {},
): Promise<JiraIssue[]> {
  const issues: JiraIssue[] = [];
  const seenTokens = new Set<string>();
  let nextPageToken: string | undefined;
  do {
    const page = await request('search issues', (client) =>
      searchAndReconsileIssuesUsingJqlPost(client, {
        jql,
        fields,
        maxResults: options.pageSize ?? SEARCH_PAGE_SIZE,
        ...(nextPageToken === undefined ? {} : { nextPageToken }),
      }),
    );
    const parsed = parseIssues(page.issues ?? [], 'search');
    issues.push(...(options.keep ? parsed.map(options.keep) : parsed));
    nextPageToken = page.isLast === true ? undefined : (page.nextPageToken ?? undefined);
    if (nextPageToken !== undefined && seenTokens.has(nextPageToken)) {
      // A token handed out twice would page forever; stop and let the next poll try again.
      throw new IntegrationError('jira', 'transient', 'Jira search returned the same nextPageToken twice');
    }
    if (nextPageToken !== undefined) seenTokens.add(nextPageToken);
  } while (nextPageToken !== undefined);
  return issues;
}

/**
 * The issues with the given ids or keys, `BULK_FETCH_SIZE` per request
 * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-bulkfetch-post).
 * Ids Jira does not know or the account cannot see are simply absent. An issue Jira could not
 * return for a retriable reason (`issueErrors`) fails the call as `transient`: "unknown", never
 * "not found".
 */
export async function bulkFetch(request: JiraRequest, ids: string[], fields: string[]): Promise<JiraIssue[]> {
  const issues: JiraIssue[] = [];
  for (let start = 0; start < ids.length; start += BULK_FETCH_SIZE) {
    const issueIdsOrKeys = ids.slice(start, start + BULK_FETCH_SIZE);
    const result = await request('fetch issues', (client) =>
      bulkFetchIssues(client, { issueIdsOrKeys, fields }),
    );
    const errors = result.issueErrors ?? [];
    if (errors.length > 0) {
      const detail = errors.map((e) => `${e.id ?? '?'}: ${e.errorMessage ?? 'error'}`).join('; ');
      throw new IntegrationError('jira', 'transient', `Jira could not return some issues (${detail})`);
    }
    issues.push(...parseIssues(result.issues ?? [], 'bulk fetch'));
  }
  return issues;
}

/**
 * The issues with the given ids (or keys) through the enhanced search, `id in (…)`
 * (`idsJql`), `IDS_PER_SEARCH` ids a search, each in one page unless Jira returns fewer
 * (so 500 ids with small `fields` are one request; bulk fetch takes 100 a request). For cheap
 * fields only: the page size assumes small issues. Ids Jira does not know or the account cannot
 * see are absent, as with `bulkFetch`: JQL rejects a query naming an issue that does not exist
 * (400 "An issue with key '…' does not exist for field 'id'"), so a chunk Jira rejects as
 * `invalid` is read again through `bulkFetch`, which leaves such ids out. The enhanced search is
 * eventually consistent (a write of the last seconds may not show yet, unlike bulk fetch); a
 * caller comparing what it just wrote sees it on a later read.
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-post
 * `options.keep` as for `searchAll`. Throws `IntegrationError` for anything else (401, rate
 * limit, outage).
 */
export async function searchByIds(
  request: JiraRequest,
  ids: string[],
  fields: string[],
  options: { keep?: (issue: JiraIssue) => JiraIssue } = {},
): Promise<JiraIssue[]> {
  const issues: JiraIssue[] = [];
  for (let start = 0; start < ids.length; start += IDS_PER_SEARCH) {
    const chunk = ids.slice(start, start + IDS_PER_SEARCH);
    try {
      issues.push(
        ...(await searchAll(request, idsJql(chunk), fields, {
          pageSize: IDS_PER_SEARCH,
          keep: options.keep,
        })),
      );
    } catch (error) {
      if (!(error instanceof IntegrationError) || error.category !== 'invalid') throw error;
      const fetched = await bulkFetch(request, chunk, fields);
      issues.push(...(options.keep ? fetched.map(options.keep) : fetched));
    }
  }
  return issues;
}

/**
 * The children of each parent key (sub-tasks, or the issues of an epic), for siblings. Context
 * only: a failure is logged and yields no siblings rather than failing the candidates.
 */
export async function childrenByParent(
  request: JiraRequest,
  parentKeys: string[],
  issueUrl: (key: string) => string,
  logger: JiraLogger | undefined,
): Promise<Map<string, TicketSummary[]>> {
  const byParent = new Map<string, TicketSummary[]>();
  for (let start = 0; start < parentKeys.length; start += PARENTS_PER_SEARCH) {
    const keys = parentKeys.slice(start, start + PARENTS_PER_SEARCH);
    try {
      for (const issue of await searchAll(request, childrenJql(keys), SUMMARY_FIELDS)) {
        const { parentKey, ...summary } = mapSummary(issue, issueUrl);
        if (parentKey !== undefined) byParent.set(parentKey, [...(byParent.get(parentKey) ?? []), summary]);
      }
    } catch (error) {
      if (!(error instanceof IntegrationError)) throw error;
      logger?.warn(
        { parents: keys, err: error.message },
        'could not read sibling issues; continuing without them',
      );
    }
  }
  return byParent;
}

/**
 * `raw` as issues (`JiraIssueSchema`): checked in place when every item has the shape — a search
 * page of 5,000 issues is not copied, as zod's parse would — else through zod for its message.
 * The fields' own shapes are checked where they are read (map-issue.ts).
 */
function parseIssues(raw: unknown[], what: string): JiraIssue[] {
  if (raw.every(isIssueShaped)) return raw;
  const parsed = IssuesSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new IntegrationError(
    'jira',
    'invalid',
    `Jira ${what} answered in an unexpected shape: ${z.prettifyError(parsed.error)}`,
  );
}

function isIssueShaped(value: unknown): value is JiraIssue {
  const issue = value as Partial<Record<keyof JiraIssue, unknown>> | null;
  return (
    typeof issue === 'object' &&
    issue !== null &&
    typeof issue.id === 'string' &&
    typeof issue.key === 'string' &&
    typeof issue.fields === 'object' &&
    issue.fields !== null &&
    !Array.isArray(issue.fields)
  );
}
