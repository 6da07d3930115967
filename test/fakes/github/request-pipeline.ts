import type { KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { verifyAppJwt, type FakeInstallationToken } from './fake-auth.ts';
import type { createFailureQueue } from './failure-injection.ts';
import type { GitHubOpenApi } from './github-openapi.ts';
import { errorBody } from './github-objects.ts';
import { ACTIONS_ROUTES } from './routes-actions.ts';
import { APP_JWT_OPERATIONS, APP_ROUTES } from './routes-app.ts';
import { CHECK_ROUTES, JOB_LOG_PATH, jobLogText } from './routes-checks.ts';
import { CONTENTS_ROUTES } from './routes-contents.ts';
import { ISSUE_ROUTES } from './routes-issues.ts';
import { PULL_ROUTES } from './routes-pulls.ts';
import { SECRET_ROUTES } from './routes-secrets.ts';
import { answerGraphql } from './fake-graphql.ts';
import { TRACKER_ISSUE_ROUTES } from './routes-tracker-issues.ts';
import { permissionDenied, type FakeResponse, type FakeWorld, type RouteHandler } from './fake-world.ts';

/**
 * One request through the fake, in order: parse the JSON body → match an operation of the
 * description (404 + violation otherwise) → validate it (422 + violation) → authenticate (401)
 * and authorize (403) → injected failure, if one is due → handler → validate the response
 * against the description (violation, still sent, so the test sees what the fake got wrong).
 */

export interface FakeViolation {
  kind: 'unknown-route' | 'invalid-request' | 'invalid-response';
  method: string;
  path: string;
  operationId?: string;
  errors: string[];
}

export interface PipelineDeps {
  world: FakeWorld;
  openapi: GitHubOpenApi;
  appId: number;
  publicKey: KeyObject;
  failures: ReturnType<typeof createFailureQueue>;
  violations: FakeViolation[];
}

export type PipelineResult = FakeResponse & { operationId?: string };

const ROUTES: Record<string, RouteHandler> = {
  ...APP_ROUTES,
  ...ACTIONS_ROUTES,
  ...CONTENTS_ROUTES,
  ...PULL_ROUTES,
  ...ISSUE_ROUTES,
  ...SECRET_ROUTES,
  ...TRACKER_ISSUE_ROUTES,
  ...CHECK_ROUTES,
};

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Authenticates per operation: the app JWT for /app routes, an installation token elsewhere. */
async function authenticate(
  deps: PipelineDeps,
  operationId: string,
  authorization: string | undefined,
): Promise<{ token?: FakeInstallationToken; refusal?: FakeResponse }> {
  const { world } = deps;
  if (APP_JWT_OPERATIONS.has(operationId)) {
    const nowS = Math.floor(world.now() / 1000);
    const jwt = await verifyAppJwt(authorization, deps.appId, deps.publicKey, nowS);
    return jwt.ok ? {} : { refusal: { status: 401, body: errorBody(401, jwt.message) } };
  }
  const checked = world.tokens.check(authorization, world.now());
  if (!checked.ok) return { refusal: { status: 401, body: errorBody(401, checked.message) } };
  const denied = permissionDenied(world, operationId, checked.value);
  return denied ? { refusal: denied } : { token: checked.value };
}

export async function answerRequest(deps: PipelineDeps, req: IncomingMessage): Promise<PipelineResult> {
  const { openapi, world, violations } = deps;
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(req.url ?? '/', 'http://fake.invalid');
  const violation = (kind: FakeViolation['kind'], errors: string[], operationId?: string) =>
    violations.push({ kind, method, path: url.pathname, errors, ...(operationId ? { operationId } : {}) });

  const raw = await readBody(req);
  let body: unknown;
  try {
    body = raw.length > 0 ? JSON.parse(raw) : undefined;
  } catch {
    violation('invalid-request', ['body is not JSON']);
    return { status: 400, body: errorBody(400, 'Problems parsing JSON') };
  }
  const headers = Object.fromEntries(
    Object.entries(req.headers).filter((e): e is [string, string | string[]] => e[1] !== undefined),
  );
  if (method === 'POST' && url.pathname === '/graphql') {
    // GraphQL is not in the REST description: validated against GitHub's GraphQL schema instead.
    const checked = world.tokens.check(req.headers.authorization, world.now());
    if (!checked.ok) return { status: 401, body: errorBody(401, checked.message) };
    const { invalid, ...answer } = answerGraphql(world, checked.value, body);
    if (invalid) violation('invalid-request', invalid, 'graphql');
    return { operationId: 'graphql', ...answer };
  }
  if (method === 'GET' && url.pathname.startsWith(JOB_LOG_PATH)) {
    // The log URL GitHub redirects to (blob storage, signed, no API auth): not in the description.
    const text = jobLogText(world, url.pathname);
    return text === undefined
      ? { operationId: 'job-log', status: 404, body: errorBody(404, 'Not Found') }
      : {
          operationId: 'job-log',
          status: 200,
          body: text,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
        };
  }
  const match = openapi.match({ method, path: url.pathname, query: url.search.slice(1), headers, body });
  if (!match) {
    violation('unknown-route', [`${method} ${url.pathname} is not an operation of the fixture`]);
    return { status: 404, body: errorBody(404, 'Not Found') };
  }
  const { operationId } = match;
  if (match.errors.length > 0) {
    violation('invalid-request', match.errors, operationId);
    return {
      operationId,
      status: 422,
      body: errorBody(422, `Invalid request.\n\n${match.errors.join('\n')}`),
    };
  }
  const { token, refusal } = await authenticate(deps, operationId, req.headers.authorization);
  if (refusal) return { operationId, ...refusal };
  const injected = deps.failures.take(operationId, world.now());
  if (injected) return { operationId, ...injected };
  const handler = ROUTES[operationId];
  if (!handler) {
    return {
      operationId,
      status: 501,
      body: errorBody(501, `${operationId} is not implemented by the fake`),
    };
  }
  const result = handler({
    world,
    params: match.params,
    query: match.query,
    body: body as Record<string, unknown> | undefined,
    token,
  });
  const errors = openapi.validateResponse(operationId, result.status, result.body);
  if (errors.length > 0) violation('invalid-response', errors, operationId);
  return { operationId, ...result };
}
