import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { issueRoute, visibleIssue } from './fake-jira-issue-routes.ts';
import { JqlError } from './fake-jira-jql.ts';
import { jiraError, type Reply, type RouteContext } from './fake-jira-reply.ts';
import { ForbiddenError, searchIssues } from './fake-jira-search.ts';
import { commentJson, fieldJson, fieldSelection, issueJson, pageJson, userJson } from './fake-jira-views.ts';

/**
 * The REST v3 endpoints the Jira provider calls, over the fake's data. Request bodies are checked
 * strictly (an unknown property or a wrong type is a `rejection` a test fails on, as is a call
 * to an endpoint the fake does not implement); semantic errors (bad JQL, unknown option, missing
 * issue) are answered the way Jira does, with its `{ errorMessages, errors }` body.
 * Reference: https://developer.atlassian.com/cloud/jira/platform/rest/v3/
 */

const SearchBody = z
  .object({
    jql: z.string(),
    nextPageToken: z.string().optional(),
    maxResults: z.number().int().min(0).optional(),
    fields: z.array(z.string()).optional(),
    expand: z.string().optional(),
    fieldsByKeys: z.boolean().optional(),
    properties: z.array(z.string()).max(5).optional(),
    reconcileIssues: z.array(z.number()).max(50).optional(),
  })
  .strict();
const CountBody = z.object({ jql: z.string() }).strict();
const BulkFetchBody = z
  .object({
    issueIdsOrKeys: z.array(z.string()).min(1).max(100),
    fields: z.array(z.string()).optional(),
    expand: z.array(z.string()).optional(),
    fieldsByKeys: z.boolean().optional(),
    properties: z.array(z.string()).optional(),
  })
  .strict();
const CommentListBody = z.object({ ids: z.array(z.number().int()).min(1).max(1000) }).strict();
const COMMENT_EXPANDS = new Set(['renderedBody', 'properties']);

export function route(
  ctx: RouteContext,
  method: string,
  path: string,
  query: URLSearchParams,
  body: unknown,
): Reply {
  const reject = (reason: string): Reply => {
    ctx.rejections.push(`${method} ${path}: ${reason}`);
    return jiraError(400, [reason]);
  };
  const parse = <T>(schema: z.ZodType<T>): T | Reply => {
    const parsed = schema.safeParse(body);
    return parsed.success ? parsed.data : reject(`malformed body: ${z.prettifyError(parsed.error)}`);
  };
  const isReply = (value: unknown): value is Reply =>
    typeof value === 'object' && value !== null && 'status' in value;

  try {
    if (method === 'GET' && path === '/rest/api/3/myself')
      return { status: 200, body: userJson(ctx.baseUrl) };
    if (method === 'GET' && path === '/rest/api/3/field')
      return { status: 200, body: ctx.data.fields.map(fieldJson) };

    const contexts = /^\/rest\/api\/3\/field\/([^/]+)\/context(?:\/(\d+)\/option)?$/.exec(path);
    if (method === 'GET' && contexts) {
      const field = ctx.data.fields.find((f) => f.id === decodeURIComponent(contexts[1] ?? ''));
      if (!field || !field.custom) return jiraError(404, ['The custom field was not found.']);
      const startAt = Number(query.get('startAt') ?? 0);
      const maxResults = Math.min(Number(query.get('maxResults') ?? 50), 100);
      if (contexts[2] === undefined) {
        const context = {
          id: field.contextId,
          name: `Default Configuration Scheme for ${field.name}`,
          description: '',
          isGlobalContext: true,
          isAnyIssueType: true,
        };
        return { status: 200, body: pageJson([context], startAt, maxResults) };
      }
      if (contexts[2] !== field.contextId) return jiraError(404, ['The context was not found.']);
      return { status: 200, body: pageJson(field.options, startAt, maxResults) };
    }

    if (method === 'GET' && path === '/rest/api/3/project/search') return projectSearch(ctx, query, reject);

    if (path === '/rest/api/3/search/jql' && (method === 'POST' || method === 'GET')) {
      const request = method === 'POST' ? parse(SearchBody) : searchQuery(query);
      if (isReply(request)) return request;
      return search(ctx, request);
    }
    if (method === 'POST' && path === '/rest/api/3/search/approximate-count') {
      const request = parse(CountBody);
      if (isReply(request)) return request;
      return {
        status: 200,
        body: { count: searchIssues(ctx.data, request.jql, ctx.denied, { bounded: true }).length },
      };
    }
    if (method === 'POST' && path === '/rest/api/3/issue/bulkfetch') {
      const request = parse(BulkFetchBody);
      if (isReply(request)) return request;
      const include = fieldSelection(request.fields, 'all');
      const issues = request.issueIdsOrKeys
        .map((id) => visibleIssue(ctx, id))
        .filter((issue) => issue !== undefined);
      return {
        status: 200,
        body: {
          expand: 'schema,names',
          issues: issues.map((issue) => issueJson(ctx.data, issue, include, ctx.baseUrl)),
          issueErrors: [],
        },
      };
    }

    if (method === 'POST' && path === '/rest/api/3/comment/list') {
      const request = parse(CommentListBody);
      if (isReply(request)) return request;
      return commentList(ctx, request.ids, query.get('expand'), reject);
    }

    const issueReply = issueRoute(ctx, { method, path, query, body }, reject);
    if (issueReply) return issueReply;
    ctx.rejections.push(`${method} ${path}: not an endpoint the fake Jira implements`);
    return jiraError(404, [`No ${method} ${path} here`]);
  } catch (error) {
    if (error instanceof JqlError) return jiraError(400, error.messages);
    if (error instanceof ForbiddenError) return jiraError(403, [error.message]);
    throw error;
  }
}

/**
 * Get comments by IDs: the comments among `ids` the caller may see, in id order; `expand` is a
 * comma-separated list of `renderedBody` and `properties`.
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-comments/#api-rest-api-3-comment-list-post
 */
function commentList(
  ctx: RouteContext,
  ids: number[],
  expand: string | null,
  reject: (reason: string) => Reply,
): Reply {
  const expands = expand ? expand.split(',').map((part) => part.trim()) : [];
  const unknown = expands.find((part) => !COMMENT_EXPANDS.has(part));
  if (unknown !== undefined) return reject(`unsupported expand "${unknown}"`);
  const wanted = new Set(ids.map(String));
  const found = ctx.data.issues
    .filter((issue) => visibleIssue(ctx, issue.id))
    .flatMap((issue) => issue.comments.filter((c) => wanted.has(c.id)).map((comment) => ({ issue, comment })))
    .sort((a, b) => Number(a.comment.id) - Number(b.comment.id));
  const values = found.map(({ issue, comment }) =>
    commentJson(issue, comment, ctx.baseUrl, { properties: expands.includes('properties') }),
  );
  return { status: 200, body: pageJson(values, 0, Math.max(values.length, 1)) };
}

const PROJECT_SEARCH_PARAMS = new Set(['startAt', 'maxResults', 'orderBy', 'query']);

/**
 * Get projects paginated: the projects the account may browse (a forbidden one is left out, as
 * Jira does), sorted by key, filtered by `query` (key or name contains, case-insensitive).
 * Only the parameters the provider sends are accepted; any other is a rejection.
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/#api-rest-api-3-project-search-get
 */
function projectSearch(ctx: RouteContext, query: URLSearchParams, reject: (reason: string) => Reply): Reply {
  for (const name of query.keys()) {
    if (!PROJECT_SEARCH_PARAMS.has(name)) return reject(`unsupported query parameter "${name}"`);
  }
  const orderBy = query.get('orderBy');
  if (orderBy !== null && orderBy !== 'key') return reject(`unsupported orderBy "${orderBy}"`);
  const startAt = Number(query.get('startAt') ?? 0);
  const maxResults = Math.min(Number(query.get('maxResults') ?? 50), 100);
  if (!Number.isInteger(startAt) || startAt < 0) return reject('startAt must be a non-negative integer');
  if (!Number.isInteger(maxResults) || maxResults < 1) return reject('maxResults must be a positive integer');
  const text = (query.get('query') ?? '').toLowerCase();
  const projects = ctx.data.projects
    .filter((project) => !ctx.denied.has(project.key))
    .filter((p) => text === '' || p.key.toLowerCase().includes(text) || p.name.toLowerCase().includes(text))
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((project) => ({
      id: project.id,
      key: project.key,
      name: project.name,
      self: `${ctx.baseUrl}/rest/api/3/project/${project.id}`,
      projectTypeKey: 'software',
      simplified: false,
      style: 'classic',
      isPrivate: false,
    }));
  return { status: 200, body: pageJson(projects, startAt, maxResults) };
}

function searchQuery(query: URLSearchParams): z.infer<typeof SearchBody> {
  const maxResults = query.get('maxResults');
  const token = query.get('nextPageToken');
  return {
    jql: query.get('jql') ?? '',
    fields: query.getAll('fields'),
    ...(maxResults === null ? {} : { maxResults: Number(maxResults) }),
    ...(token === null ? {} : { nextPageToken: token }),
  };
}

/** Enhanced search: opaque `nextPageToken`s tied to the query, no `total`, `isLast` on every page. */
function search(ctx: RouteContext, request: z.infer<typeof SearchBody>): Reply {
  let offset = 0;
  if (request.nextPageToken !== undefined) {
    const page = ctx.pageTokens.get(request.nextPageToken);
    if (!page || page.jql !== request.jql)
      return jiraError(400, ['The provided next page token is invalid or expired.']);
    offset = page.offset;
  }
  const matched = searchIssues(ctx.data, request.jql, ctx.denied, { bounded: true });
  const size = Math.min(request.maxResults ?? 50, 5000, ctx.maxPageSize);
  const issues = matched.slice(offset, offset + size);
  const isLast = offset + issues.length >= matched.length;
  const body: Record<string, unknown> = {
    issues: issues.map((issue) =>
      issueJson(ctx.data, issue, fieldSelection(request.fields, 'none'), ctx.baseUrl),
    ),
    isLast,
  };
  if (!isLast) {
    const token = randomUUID();
    ctx.pageTokens.set(token, { jql: request.jql, offset: offset + issues.length });
    body.nextPageToken = token;
  }
  return { status: 200, body };
}
