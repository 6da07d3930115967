import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { execute, parse, validate, type DocumentNode, type GraphQLError } from 'graphql';
import {
  addIssue,
  addLabel,
  addTeam,
  deleteLabel,
  getIssue,
  teamLabels,
  updateIssue,
  type IssuePatch,
  type IssueRefs,
  type IssueSeed,
  type IssueSnapshot,
  type LabelSeed,
  type TeamSeed,
} from '../../../src/ticketing/memory/workspace-seed.ts';
import { newId, requireIssue, tick } from '../../../src/ticketing/memory/workspace.ts';
import { MAX_QUERY_COMPLEXITY, queryComplexity } from './fake-linear-complexity.ts';
import {
  authenticationError,
  complexityError,
  internalServerError,
  rateLimitedError,
  validationError,
  type ErrorResponse,
} from './fake-linear-errors.ts';
import { createRootValue } from './fake-linear-resolvers.ts';
import { createFakeLinearData } from './fake-linear-data.ts';
import { linearSchema } from './linear-schema.ts';
import { createWebhookSender, type FakeLinearWebhooks } from './fake-linear-webhooks.ts';
import { createFakeAgent, type FakeAgent } from './fake-linear-agent.ts';

export interface FakeLinearOptions {
  /** The personal API key the fake accepts, sent raw in `Authorization` (no "Bearer"). */
  apiKey?: string;
  /** Workspace URL key used in issue URLs. */
  workspaceUrlKey?: string;
  /** Requests allowed per hour before the fake answers RATELIMITED by itself; Linear's API-key default. */
  requestsLimit?: number;
}

/**
 * Failures a test can inject for the next requests: Linear signals a rate limit with
 * `extensions.code: RATELIMITED` (HTTP 400 in its docs; clients must also cope with 200 and 429).
 */
export type InjectedFailure = 'http-429' | 'ratelimited-200' | 'ratelimited-400' | 'http-500';

export interface InjectOptions {
  /** `X-RateLimit-Requests-Reset` is now plus this many ms (default 20). */
  resetInMs?: number;
  /** Also send `Retry-After` with this many seconds. */
  retryAfterSeconds?: number;
}

export interface RecordedRequest {
  operationName: string | undefined;
  query: string;
  variables: Record<string, unknown>;
  authorized: boolean;
  status: number;
}

/** A document Linear would reject (syntax, schema validation, variables, complexity). */
export interface RejectedDocument {
  operationName: string | undefined;
  query: string;
  errors: string[];
}

export interface FakeLinear {
  /** The GraphQL endpoint, for `LINEAR_API_URL`. */
  readonly url: string;
  readonly apiKey: string;
  /** Every HTTP request received so far, failed ones included. */
  readonly requestCount: number;
  readonly rejectedDocuments: readonly RejectedDocument[];
  lastRequests(count?: number): RecordedRequest[];
  /** Throws, listing them, when any document was rejected. */
  assertNoRejections(): void;
  /** The next `count` requests fail with `kind` before anything else is looked at. */
  failNext(kind: InjectedFailure, count?: number, options?: InjectOptions): void;
  addTeam(seed: TeamSeed): { id: string; key: string };
  addLabel(seed: LabelSeed): { id: string; name: string };
  deleteLabel(name: string, team?: string): void;
  addIssue(seed: IssueSeed): IssueRefs;
  updateIssue(idOrIdentifier: string, patch: IssuePatch): IssueRefs;
  getIssue(idOrIdentifier: string): IssueSnapshot | undefined;
  /** A person (default Alice) comments on the issue, as in Linear's UI. Returns the comment id. */
  addComment(idOrIdentifier: string, body: string, author?: { id: string; name: string }): string;
  teamLabels(teamKey: string): string[];
  /** Signed `Issue` / `IssueLabel` / `AgentSessionEvent` webhooks to the orchestrator, once `configure`d. */
  readonly webhooks: FakeLinearWebhooks;
  /** The agent app (OAuth client, tokens, sessions and their activities). */
  readonly agent: FakeAgent;
  close(): Promise<void>;
}

const HOUR_MS = 3_600_000;

/**
 * Starts a fake Linear GraphQL API on 127.0.0.1 (random port), built from Linear's published
 * schema: every document is parsed, validated and complexity-checked as Linear would, then
 * executed over in-memory teams, states, labels, issues, relations and comments.
 */
export async function startFakeLinear(options: FakeLinearOptions = {}): Promise<FakeLinear> {
  const apiKey = options.apiKey ?? 'lin_api_fake_0123456789';
  const requestsLimit = options.requestsLimit ?? 2_500;
  const schema = linearSchema();
  const data = createFakeLinearData(options.workspaceUrlKey ?? 'acme');
  const agent = createFakeAgent(data);
  /** Whether the request being answered came with the app's OAuth token (the app actor). */
  let asApp = false;
  const rootValue = { ...createRootValue(data), ...agent.resolvers(() => asApp) };
  const webhooks = createWebhookSender(data, schema, data.viewer, data.organizationId, agent);
  /** Runs a change and sends the webhook events it causes, as Linear does after every change. */
  const changing = <T>(change: () => T): T => {
    const before = webhooks.snapshot();
    const result = change();
    webhooks.emitChanges(before);
    return result;
  };
  const requests: RecordedRequest[] = [];
  const rejectedDocuments: RejectedDocument[] = [];
  const injected: { kind: InjectedFailure; options: InjectOptions }[] = [];
  const windowStart = Date.now();

  function rateLimitHeaders(remaining: number, resetAt: number): Record<string, string> {
    return {
      'X-RateLimit-Requests-Limit': String(requestsLimit),
      'X-RateLimit-Requests-Remaining': String(Math.max(0, remaining)),
      'X-RateLimit-Requests-Reset': String(resetAt),
    };
  }

  function answer({ query, variables, operationName }: GraphqlPayload): Answer {
    const reject = (errors: string[], response: ErrorResponse) => {
      rejectedDocuments.push({ operationName: operationName ?? nameOf(query), query, errors });
      return { ...response, headers: {} };
    };

    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      return reject([(error as GraphQLError).message], validationError([(error as GraphQLError).message]));
    }
    const invalid = validate(schema, document).map((error) => error.message);
    if (invalid.length > 0) return reject(invalid, validationError(invalid));
    const complexity = queryComplexity(schema, document, variables, operationName);
    if (complexity > MAX_QUERY_COMPLEXITY) {
      return reject([`complexity ${complexity}`], complexityError(complexity, MAX_QUERY_COMPLEXITY));
    }
    const mutation = document.definitions.some(
      (definition) => definition.kind === 'OperationDefinition' && definition.operation === 'mutation',
    );
    const result = mutation
      ? changing(() => execute({ schema, document, rootValue, variableValues: variables, operationName }))
      : execute({ schema, document, rootValue, variableValues: variables, operationName });
    if ('then' in result) throw new Error('fake Linear: resolvers must be synchronous');
    if (result.data === undefined) {
      const messages = (result.errors ?? []).map((error) => error.message);
      return reject(messages, validationError(messages));
    }
    const errors = result.errors?.map((error) => error.toJSON());
    return {
      status: 200,
      body: errors ? { data: result.data, errors } : { data: result.data },
      headers: { 'X-Complexity': String(complexity) },
    };
  }

  function respond(payload: GraphqlPayload | undefined, authorized: boolean): Answer {
    const next = injected.shift();
    if (next) return injectedResponse(next.kind, next.options);
    if (!authorized) return { ...authenticationError(), headers: {} };
    if (requests.length > requestsLimit) return { ...rateLimitedError(400), headers: {} };
    if (!payload)
      return { status: 400, body: { errors: [{ message: 'Body is not valid JSON' }] }, headers: {} };
    try {
      return answer(payload);
    } catch (error) {
      // A bug in the fake must fail the test that hit it, not the whole test process.
      return {
        status: 500,
        body: { errors: [{ message: `fake Linear crashed: ${String(error)}` }] },
        headers: {},
      };
    }
  }

  function injectedResponse(kind: InjectedFailure, inject: InjectOptions) {
    const headers = rateLimitHeaders(0, Date.now() + (inject.resetInMs ?? 20));
    if (inject.retryAfterSeconds !== undefined) headers['Retry-After'] = String(inject.retryAfterSeconds);
    if (kind === 'http-500') return { ...internalServerError(), headers: {} };
    const status = kind === 'http-429' ? 429 : kind === 'ratelimited-200' ? 200 : 400;
    return { ...rateLimitedError(status), headers };
  }

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (url.pathname === '/oauth/token' && request.method === 'POST') {
        const result = agent.tokenEndpoint(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
        response
          .writeHead(result.status, { 'Content-Type': 'application/json' })
          .end(JSON.stringify(result.body));
        return;
      }
      if (url.pathname !== '/graphql' || request.method !== 'POST') {
        response
          .writeHead(404, { 'Content-Type': 'application/json' })
          .end('{"errors":[{"message":"Not found"}]}');
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      const payload = parsePayload(body);
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      asApp = bearer !== undefined && agent.isAppToken(bearer);
      const authorized = request.headers.authorization === apiKey || asApp;
      const recorded: RecordedRequest = {
        operationName: payload?.operationName ?? nameOf(payload?.query ?? ''),
        query: payload?.query ?? body,
        variables: payload?.variables ?? {},
        authorized,
        status: 0,
      };
      requests.push(recorded);
      const result = respond(payload, authorized);
      recorded.status = result.status;
      response.writeHead(result.status, {
        'Content-Type': 'application/json; charset=utf-8',
        ...rateLimitHeaders(requestsLimit - requests.length, windowStart + HOUR_MS),
        ...result.headers,
      });
      response.end(JSON.stringify(result.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/graphql`,
    apiKey,
    get requestCount() {
      return requests.length;
    },
    rejectedDocuments,
    lastRequests: (count = requests.length) => requests.slice(-count),
    assertNoRejections() {
      if (rejectedDocuments.length === 0) return;
      const detail = rejectedDocuments.map(
        (doc) => `${doc.operationName ?? '(anonymous)'}: ${doc.errors.join('; ')}`,
      );
      throw new Error(`fake Linear rejected ${rejectedDocuments.length} document(s):\n${detail.join('\n')}`);
    },
    failNext(kind, count = 1, inject = {}) {
      for (let i = 0; i < count; i += 1) injected.push({ kind, options: inject });
    },
    addTeam: (seed) => addTeam(data, seed),
    addLabel: (seed) => changing(() => addLabel(data, seed)),
    deleteLabel: (name, team) => deleteLabel(data, name, team),
    addIssue: (seed) => changing(() => addIssue(data, seed)),
    updateIssue: (id, patch) => changing(() => updateIssue(data, id, patch)),
    getIssue: (id) => getIssue(data, id),
    addComment: (id, body, author = { id: 'user-alice', name: 'Alice' }) =>
      changing(() => {
        const comment = {
          id: newId(),
          issueId: requireIssue(data, id).id,
          body,
          createdAt: tick(data),
          author,
        };
        data.comments.push(comment);
        return comment.id;
      }),
    teamLabels: (teamKey) => teamLabels(data, teamKey),
    webhooks,
    agent,
    async close() {
      await webhooks.settled();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

interface GraphqlPayload {
  query: string;
  variables: Record<string, unknown>;
  operationName: string | undefined;
}

interface Answer {
  status: number;
  body: object;
  headers: Record<string, string>;
}

/** A GraphQL-over-HTTP POST body, or undefined when it is not JSON. */
function parsePayload(body: string): GraphqlPayload | undefined {
  try {
    const payload = JSON.parse(body) as { query?: unknown; variables?: unknown; operationName?: unknown };
    return {
      query: typeof payload.query === 'string' ? payload.query : '',
      variables: (payload.variables ?? {}) as Record<string, unknown>,
      operationName: typeof payload.operationName === 'string' ? payload.operationName : undefined,
    };
  } catch {
    return undefined;
  }
}

/** The operation name written in the document, as the SDK does not send `operationName`. */
function nameOf(query: string): string | undefined {
  return /\b(?:query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(query)?.[1];
}
