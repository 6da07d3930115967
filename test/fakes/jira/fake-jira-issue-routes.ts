import { z } from 'zod';
import { adfErrors } from './adf-validator.ts';
import { findIssue, jiraTimestamp, nextId, touch, type FakeIssue } from './fake-jira-data.ts';
import { jiraError, type Reply, type RouteContext } from './fake-jira-reply.ts';
import { commentJson, fieldSelection, issueJson, statusJson } from './fake-jira-views.ts';

/**
 * The `/rest/api/3/issue/{issueIdOrKey}` family: get, edit (select custom fields), comments
 * (ADF checked against Atlassian's schema) and transitions. `undefined` for other paths.
 * Reference: https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/
 */

const EditBody = z.object({ fields: z.record(z.string(), z.unknown()) }).strict();
const SelectValue = z.union([
  z.null(),
  z.object({ value: z.string() }).strict(),
  z.object({ id: z.string() }).strict(),
]);
const CommentBody = z
  .object({
    body: z.unknown(),
    visibility: z.unknown().optional(),
    // Entity properties: a key of at most 255 characters and any JSON value (at most 32 KB).
    properties: z
      .array(z.object({ key: z.string().min(1).max(255), value: z.unknown() }).strict())
      .optional(),
  })
  .strict();
const COMMENT_ORDERS = ['created', '+created', '-created'];

export function issueRoute(
  ctx: RouteContext,
  request: { method: string; path: string; query: URLSearchParams; body: unknown },
  reject: (reason: string) => Reply,
): Reply | undefined {
  const { method, path, query } = request;
  const parse = <T>(schema: z.ZodType<T>): T | Reply => {
    const parsed = schema.safeParse(request.body);
    return parsed.success ? parsed.data : reject(`malformed body: ${z.prettifyError(parsed.error)}`);
  };
  const isReply = (value: unknown): value is Reply =>
    typeof value === 'object' && value !== null && 'status' in value;
  const issuePath = /^\/rest\/api\/3\/issue\/([^/]+)(\/comment|\/transitions)?$/.exec(path);
  if (issuePath) {
    const issue = visibleIssue(ctx, decodeURIComponent(issuePath[1] ?? ''));
    if (!issue) return jiraError(404, ['Issue does not exist or you do not have permission to see it.']);
    if (issuePath[2] === '/transitions') return transitions(ctx, issue, method, request.body, reject);
    if (method === 'GET' && !issuePath[2]) {
      return {
        status: 200,
        body: issueJson(ctx.data, issue, fieldSelection(query.getAll('fields'), 'all'), ctx.baseUrl),
      };
    }
    if (method === 'PUT' && !issuePath[2]) {
      const edit = parse(EditBody);
      return isReply(edit) ? edit : editIssue(ctx, issue, edit.fields, reject);
    }
    if (method === 'POST' && issuePath[2] === '/comment') {
      const comment = parse(CommentBody);
      if (isReply(comment)) return comment;
      const errors = adfErrors(comment.body);
      if (errors.length > 0) {
        ctx.rejections.push(`${method} ${path}: comment body is not ADF: ${errors.join('; ')}`);
        return jiraError(400, [], { comment: 'Comment body is not valid!' });
      }
      const stored = {
        id: nextId(ctx.data),
        body: comment.body as FakeIssue['comments'][number]['body'],
        created: jiraTimestamp(new Date()),
        properties: comment.properties ?? [],
      };
      issue.comments.push(stored);
      touch(ctx.data, issue);
      return { status: 201, body: commentJson(issue, stored, ctx.baseUrl) };
    }
    if (method === 'GET' && issuePath[2] === '/comment') return listComments(ctx, issue, query, reject);
  }
  return undefined;
}

/**
 * Get comments: `startAt`/`maxResults` (default and cap 100 here, as Jira's default page),
 * `orderBy` `created`/`-created`; `expand` accepts only `renderedBody`, as documented.
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-comments/#api-rest-api-3-issue-issueidorkey-comment-get
 */
function listComments(
  ctx: RouteContext,
  issue: FakeIssue,
  query: URLSearchParams,
  reject: (reason: string) => Reply,
): Reply {
  const orderBy = query.get('orderBy') ?? 'created';
  if (!COMMENT_ORDERS.includes(orderBy)) return reject(`unsupported orderBy "${orderBy}"`);
  const expand = query.get('expand');
  if (expand !== null && expand !== 'renderedBody') return reject(`unsupported expand "${expand}"`);
  const startAt = Number(query.get('startAt') ?? 0);
  const maxResults = Math.min(Number(query.get('maxResults') ?? 100), 100);
  const ordered = orderBy === '-created' ? [...issue.comments].reverse() : issue.comments;
  const page = ordered.slice(startAt, startAt + maxResults);
  return {
    status: 200,
    body: {
      startAt,
      maxResults,
      total: issue.comments.length,
      comments: page.map((comment) => commentJson(issue, comment, ctx.baseUrl)),
    },
  };
}

/** Edit issue: only fields on the edit screen; select lists take `{ value }`, `{ id }` or null. */
function editIssue(
  ctx: RouteContext,
  issue: FakeIssue,
  fields: Record<string, unknown>,
  reject: (reason: string) => Reply,
): Reply {
  const errors: Record<string, string> = {};
  const updates: [string, string | null][] = [];
  for (const [id, value] of Object.entries(fields)) {
    const field = ctx.data.fields.find((f) => f.id === id && f.custom);
    if (!field || ctx.hiddenFields.has(id)) {
      errors[id] = `Field '${id}' cannot be set. It is not on the appropriate screen, or unknown.`;
      continue;
    }
    if (field.kind !== 'select') return reject(`the fake only edits select fields, not ${id}`);
    const parsed = SelectValue.safeParse(value);
    if (!parsed.success) return reject(`${id} must be { value }, { id } or null`);
    if (parsed.data === null) {
      updates.push([id, null]);
      continue;
    }
    const wanted = parsed.data;
    const option = field.options.find((o) =>
      'value' in wanted ? o.value === wanted.value : o.id === wanted.id,
    );
    if (!option || option.disabled) errors[id] = `Specify a valid 'id' or 'name' for ${field.name}`;
    else updates.push([id, option.id]);
  }
  if (Object.keys(errors).length > 0) return jiraError(400, [], errors);
  for (const [id, optionId] of updates) issue.custom[id] = optionId;
  if (updates.length > 0) touch(ctx.data, issue);
  return { status: 204 };
}

const TransitionBody = z
  .object({
    transition: z.object({ id: z.string() }).strict(),
    fields: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/**
 * Every status of the project but the current one is reachable (Jira's "all statuses can
 * transition here" workflows), listed in the project's status order; a transition's id is its
 * target status id. Moving to a Done-category status sets the resolution Done, as the default
 * workflow's post function does.
 */
function transitions(
  ctx: RouteContext,
  issue: FakeIssue,
  method: string,
  body: unknown,
  reject: (reason: string) => Reply,
): Reply {
  const project = ctx.data.projects.find((p) => p.key === issue.projectKey);
  const targets = (project?.statuses ?? []).filter((status) => status.id !== issue.statusId);
  if (method === 'GET') {
    const list = targets.map((status) => ({
      id: status.id,
      name: status.name,
      to: statusJson(status, ctx.baseUrl),
      hasScreen: false,
      isGlobal: true,
      isInitial: false,
      isAvailable: true,
      isConditional: false,
      isLooped: false,
    }));
    return { status: 200, body: { expand: 'transitions', transitions: list } };
  }
  if (method !== 'POST') return reject(`${method} is not a method of the transitions resource`);
  const parsed = TransitionBody.safeParse(body);
  if (!parsed.success) return reject(`malformed body: ${z.prettifyError(parsed.error)}`);
  const target = targets.find((status) => status.id === parsed.data.transition.id);
  if (!target)
    return jiraError(400, [`Transition id '${parsed.data.transition.id}' is not valid for this issue.`]);
  issue.statusId = target.id;
  issue.resolution = target.category === 'done' ? 'Done' : null;
  touch(ctx.data, issue);
  return { status: 204 };
}

export function visibleIssue(ctx: RouteContext, idOrKey: string): FakeIssue | undefined {
  const issue = findIssue(ctx.data, idOrKey);
  return issue && !ctx.denied.has(issue.projectKey) ? issue : undefined;
}
