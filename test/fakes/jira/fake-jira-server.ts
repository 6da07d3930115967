import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JiraConfig } from '../../../src/config/types.ts';
import { JIRA_STATUS_VALUES } from '../../../src/domain/markers.ts';
import {
  addField,
  addIssue,
  addProject,
  createFakeJiraData,
  fieldValue,
  findIssue,
  jiraTimestamp,
  nextId,
  touch,
  requireIssue,
  setFieldValue,
  setStatus,
  type FakeField,
  type FakeIssue,
  type FakeJiraData,
  type FakeProject,
  type FieldSeed,
  type IssueSeed,
  type ProjectSeed,
} from './fake-jira-data.ts';
import type { RouteContext } from './fake-jira-reply.ts';
import { route } from './fake-jira-routes.ts';
import type { ProjectDenial } from './fake-jira-search.ts';
import { createJiraWebhookSender, type FakeJiraWebhooks } from './fake-jira-webhooks.ts';

export interface FakeJiraOptions {
  /** `bearer`: the API sits under `/ex/jira/{cloudId}` as on api.atlassian.com; `basic`: at the site root. */
  auth?: 'bearer' | 'basic';
  token?: string;
  email?: string;
  cloudId?: string;
  /** Create the two AI-Implement custom fields (default true). */
  aiFields?: boolean;
  /** Options of the AI-Implement Repo field (default `['jira-repo']`). */
  repoOptions?: string[];
  /** Largest search page the fake hands out (default 5000, Jira's maximum). */
  maxPageSize?: number;
}

/** The next matching requests fail with `status` (429 with `Retry-After`, 500, 503…) before anything else. */
export interface InjectedFailure {
  status: number;
  /** How many requests (default 1). */
  count?: number;
  retryAfterSeconds?: number;
  /** Only requests whose path contains this. */
  path?: string;
  /** Answer with this body instead of Jira's error body: with status 200, a response in a shape Jira does not send. */
  body?: unknown;
}

export interface RecordedRequest {
  method: string;
  /** Path below the REST base (the gateway prefix removed). */
  path: string;
  query: string;
  body: unknown;
  status: number;
}

export interface FakeJira {
  /** JIRA_API_URL: the REST base (`…/ex/jira/{cloudId}` for Bearer, the site for Basic). */
  readonly apiUrl: string;
  /** JIRA_SITE_URL: the base of issue links. */
  readonly siteUrl: string;
  readonly token: string;
  readonly email: string;
  readonly data: FakeJiraData;
  /** The AI-Implement Status and Repo fields (undefined with `aiFields: false`). */
  readonly statusField: FakeField | undefined;
  readonly repoField: FakeField | undefined;
  readonly requests: readonly RecordedRequest[];
  readonly rejections: readonly string[];
  /** A `JiraConfig` as loadConfig would build it for this fake (override the token to test a wrong one). */
  config(overrides?: { token?: string }): JiraConfig;
  addProject(seed: ProjectSeed): FakeProject;
  addField(seed: FieldSeed): FakeField;
  addIssue(seed: IssueSeed): FakeIssue;
  /** `from` <type> `to`: for Blocks, `to` is blocked by `from`. */
  link(type: 'Blocks' | 'Relates', from: string, to: string): void;
  setField(issue: string, field: string, value: string | null): void;
  setStatus(issue: string, status: string, resolution?: string | null): void;
  /** A person (default Alice) comments on the issue: stored as ADF, delivered as `comment_created`. */
  addComment(issue: string, text: string, author?: string): string;
  issue(idOrKey: string): FakeIssue | undefined;
  /** The option value (or text) of a custom field on an issue. */
  fieldValue(issue: string, fieldId: string): string | null;
  /** Requests naming or touching this project fail: 403, or Jira Cloud's usual 400 "does not exist". */
  forbidProject(key: string, status?: ProjectDenial): void;
  /** Moves the fake's clock forward (`updated` stamps, JQL relative dates like `"-5m"`). */
  advanceClock(ms: number): void;
  /** Deletes an issue for good (no `updated` stamp is left anywhere: searches just stop finding it). */
  deleteIssue(idOrKey: string): void;
  /** Writes to this field fail as "not on the appropriate screen". */
  hideFromEditScreen(fieldId: string): void;
  failNext(failure: InjectedFailure): void;
  lastRequests(count?: number): RecordedRequest[];
  /** Throws, listing them, when a request was malformed or hit an endpoint the fake lacks. */
  assertNoRejections(): void;
  /** The admin webhook: person-side changes above are delivered once `configure`d. */
  readonly webhooks: FakeJiraWebhooks;
  close(): Promise<void>;
}

/**
 * Starts a fake Jira Cloud REST v3 API on 127.0.0.1 (random port) for the endpoints the provider
 * uses, over in-memory projects, fields, issues, links and comments. Auth is checked (Bearer
 * token through a gateway-style `/ex/jira/{cloudId}` prefix, or Basic email:token at the root).
 * Bodies follow Jira's documented shapes, which the tests check through jira.js's zod models.
 */
export async function startFakeJira(options: FakeJiraOptions = {}): Promise<FakeJira> {
  const auth = options.auth ?? 'bearer';
  const token = options.token ?? 'atlassian-fake-token-0123456789';
  const email = options.email ?? 'bot@example.com';
  const cloudId = options.cloudId ?? '11111111-2222-3333-4444-555555555555';
  const prefix = auth === 'bearer' ? `/ex/jira/${cloudId}` : '';
  const data = createFakeJiraData();
  const statusField =
    options.aiFields === false
      ? undefined
      : addField(data, {
          name: 'AI-Implement Status',
          options: [...new Set(Object.values(JIRA_STATUS_VALUES))],
        });
  const repoField =
    options.aiFields === false
      ? undefined
      : addField(data, { name: 'AI-Implement Repo', options: options.repoOptions ?? ['jira-repo'] });
  const denied = new Map<string, ProjectDenial>();
  const hiddenFields = new Set<string>();
  const requests: RecordedRequest[] = [];
  const rejections: string[] = [];
  const injected: InjectedFailure[] = [];
  const expected =
    auth === 'bearer' ? `Bearer ${token}` : `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const method = req.method ?? 'GET';
      const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = text;
      }
      const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
        requests.push({ method, path, query: url.search, body, status });
        res.writeHead(
          status,
          payload === undefined ? headers : { 'Content-Type': 'application/json;charset=UTF-8', ...headers },
        );
        res.end(payload === undefined ? undefined : JSON.stringify(payload));
      };

      const failure = injected.find((f) => f.path === undefined || path.includes(f.path));
      if (failure) {
        failure.count = (failure.count ?? 1) - 1;
        if (failure.count <= 0) injected.splice(injected.indexOf(failure), 1);
        const headers: Record<string, string> =
          failure.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(failure.retryAfterSeconds) };
        if (failure.status === 429) headers['RateLimit-Reason'] = 'jira-burst-based';
        const errorBody = {
          errorMessages: [failure.status === 429 ? 'Rate limit exceeded.' : 'Internal server error.'],
          errors: {},
        };
        send(failure.status, failure.body ?? errorBody, headers);
        return;
      }
      if (!url.pathname.startsWith(prefix) || (prefix === '' && url.pathname.startsWith('/ex/jira/'))) {
        send(404, { errorMessages: ['No such site or path'], errors: {} });
        return;
      }
      if (req.headers.authorization !== expected) {
        send(
          401,
          auth === 'bearer'
            ? { code: 401, message: 'Unauthorized' }
            : {
                errorMessages: [
                  'You are not authenticated. Authentication required to perform this operation.',
                ],
                errors: {},
              },
        );
        return;
      }
      if (
        (method === 'POST' || method === 'PUT') &&
        !String(req.headers['content-type']).startsWith('application/json')
      ) {
        rejections.push(
          `${method} ${path}: Content-Type is ${req.headers['content-type']}, not application/json`,
        );
        send(415, { errorMessages: ['Unsupported Media Type'], errors: {} });
        return;
      }
      const context: RouteContext = {
        data,
        denied,
        hiddenFields,
        baseUrl: `http://${req.headers.host}${prefix}`,
        maxPageSize: options.maxPageSize ?? 5000,
        pageTokens,
        rejections,
      };
      try {
        const reply = route(context, method, path, url.searchParams, body);
        send(reply.status, reply.body);
      } catch (error) {
        // A bug in the fake, not an answer Jira would give: fail the test, keep the server up.
        rejections.push(
          `${method} ${path}: the fake crashed: ${error instanceof Error ? error.stack : String(error)}`,
        );
        send(500, { errorMessages: ['The fake Jira crashed'], errors: {} });
      }
    });
  });
  const pageTokens: RouteContext['pageTokens'] = new Map();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const webhooks = createJiraWebhookSender(root);

  return {
    apiUrl: `${root}${prefix}`,
    siteUrl: root,
    token,
    email,
    data,
    statusField,
    repoField,
    requests,
    rejections,
    config: (overrides = {}) =>
      auth === 'bearer'
        ? {
            auth: 'bearer',
            token: overrides.token ?? token,
            cloudId,
            siteUrl: root,
            apiUrl: `${root}${prefix}`,
          }
        : { auth: 'basic', email, token: overrides.token ?? token, siteUrl: root, apiUrl: root },
    addProject: (seed) => addProject(data, seed),
    addField: (seed) => addField(data, seed),
    addIssue(seed) {
      const issue = addIssue(data, seed);
      webhooks.send('jira:issue_created', issue);
      return issue;
    },
    link(type, from, to) {
      data.links.push({
        id: nextId(data),
        type,
        from: requireIssue(data, from).key,
        to: requireIssue(data, to).key,
      });
    },
    setField(key, field, value) {
      const issue = requireIssue(data, key);
      const definition = data.fields.find((f) => f.custom && (f.id === field || f.name === field));
      const before = definition ? fieldValue(data, issue, definition.id) : null;
      setFieldValue(data, issue, field, value);
      if (!definition) return;
      const after = fieldValue(data, issue, definition.id);
      webhooks.send('jira:issue_updated', issue, [
        {
          field: definition.name,
          fieldtype: 'custom',
          fieldId: definition.id,
          from: null,
          fromString: before,
          to: issue.custom[definition.id] ?? null,
          toString: after,
        },
      ]);
    },
    setStatus(key, status, resolution) {
      const issue = requireIssue(data, key);
      const before = issue.statusId;
      setStatus(data, issue, status, resolution);
      const name = (id: string) =>
        data.projects.flatMap((p) => p.statuses).find((s) => s.id === id)?.name ?? null;
      webhooks.send('jira:issue_updated', issue, [
        {
          field: 'status',
          fieldtype: 'jira',
          fieldId: 'status',
          from: before,
          fromString: name(before),
          to: issue.statusId,
          toString: name(issue.statusId),
        },
      ]);
    },
    addComment(key, text, author = 'Alice') {
      const issue = requireIssue(data, key);
      const comment = {
        id: nextId(data),
        body: {
          type: 'doc' as const,
          version: 1 as const,
          content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
        },
        created: jiraTimestamp(new Date()),
        properties: [],
      };
      issue.comments.push(comment as (typeof issue.comments)[number]);
      touch(data, issue);
      webhooks.sendComment(issue, { id: comment.id, text, author, created: comment.created });
      return comment.id;
    },
    webhooks,
    issue: (idOrKey) => findIssue(data, idOrKey),
    fieldValue: (issue, fieldId) => fieldValue(data, requireIssue(data, issue), fieldId),
    advanceClock: (ms) => void (data.clockOffsetMs += ms),
    deleteIssue(idOrKey) {
      data.issues.splice(data.issues.indexOf(requireIssue(data, idOrKey)), 1);
    },
    forbidProject: (key, status = 403) => void denied.set(key.toUpperCase(), status),
    hideFromEditScreen: (fieldId) => void hiddenFields.add(fieldId),
    failNext: (failure) => void injected.push({ ...failure }),
    lastRequests: (count = 1) => requests.slice(-count),
    assertNoRejections() {
      if (rejections.length > 0)
        throw new Error(`The fake Jira rejected requests:\n${rejections.join('\n')}`);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // fetch keeps connections alive; without this, close() waits for them to time out.
        server.closeAllConnections();
      }),
  };
}
