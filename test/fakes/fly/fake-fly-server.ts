import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFakeMachines, type FakeMachines } from './fake-machines.ts';
import { loadFlySwagger } from './fly-swagger.ts';

/**
 * A fake Fly Machines API on 127.0.0.1 for tests: apps, their secrets and their Machines. Every
 * request is matched and validated against Fly's Swagger description (fly-swagger.ts) and every
 * response too; a mismatch is recorded in `violations` (tests assert none). Bearer `token` is
 * required (401 otherwise, as Fly answers). `failNext(status)` makes the next request fail with
 * that status. Secret values are kept (a real Fly keeps them too) so tests can check what a run
 * would see. Machines: see fake-machines.ts (state machine, `wait`, hooks to age, stop, plant).
 */

export interface FakeFlySecret {
  value: string;
  digest: string;
  createdAt: string;
  updatedAt: string;
}

export interface FakeFlyViolation {
  kind: 'unknown-route' | 'invalid-request' | 'invalid-response';
  method: string;
  path: string;
  errors: string[];
}

export interface FakeFly {
  url: string;
  token: string;
  apps: Map<string, Map<string, FakeFlySecret>>;
  violations: FakeFlyViolation[];
  /** Every request as `METHOD /path`, for assertions on what was called. */
  requests: string[];
  /** Every raw request body, so tests can check what reached Fly. */
  bodies: string[];
  addApp(name: string): Map<string, FakeFlySecret>;
  failNext(status: number, error?: string): void;
  /**
   * The next request is carried out, then answered with `status` (a proxy's 502 after Fly
   * applied it): the caller cannot tell whether it happened.
   */
  loseNextAnswer(status?: number): void;
  /** The Machines of every app, with the test hooks (fake-machines.ts). */
  machines: FakeMachines;
  close(): Promise<void>;
}

type Reply = { status: number; body: unknown };

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startFakeFly(options: { token?: string; clock?: () => Date } = {}): Promise<FakeFly> {
  const swagger = loadFlySwagger();
  const token = options.token ?? 'fake-fly-token';
  const apps = new Map<string, Map<string, FakeFlySecret>>();
  const violations: FakeFlyViolation[] = [];
  const requests: string[] = [];
  const bodies: string[] = [];
  const failures: Reply[] = [];
  let lostAnswers: number[] = [];
  const machines = createFakeMachines({ clock: options.clock ?? (() => new Date()) });
  let version = 1;
  let tick = 0;
  const now = () => new Date(Date.UTC(2026, 0, 1) + tick++ * 1000).toISOString();
  const digest = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 16);
  const listed = (name: string, secret: FakeFlySecret) => ({
    name,
    digest: secret.digest,
    created_at: secret.createdAt,
    updated_at: secret.updatedAt,
  });

  async function handle(
    operationId: string,
    params: Record<string, string>,
    query: URLSearchParams,
    body: unknown,
  ): Promise<Reply> {
    const secrets = apps.get(params.app_name ?? '');
    if (!secrets) return { status: 404, body: { error: 'app not found' } };
    if (operationId.startsWith('Machines_')) {
      return machines.handle(operationId, params.app_name!, params, query, body);
    }
    const put = (name: string, value: string) => {
      const existing = secrets.get(name);
      const at = now();
      secrets.set(name, {
        value,
        digest: digest(value),
        createdAt: existing?.createdAt ?? at,
        updatedAt: at,
      });
    };
    switch (operationId) {
      case 'Secrets_list':
        return { status: 200, body: { secrets: [...secrets].map(([name, s]) => listed(name, s)) } };
      case 'Secret_get': {
        const secret = secrets.get(params.secret_name ?? '');
        return secret
          ? { status: 200, body: listed(params.secret_name!, secret) }
          : { status: 404, body: { error: 'secret not found' } };
      }
      case 'Secret_create': {
        put(params.secret_name!, (body as { value: string }).value);
        const secret = secrets.get(params.secret_name!)!;
        return { status: 201, body: { ...listed(params.secret_name!, secret), version: ++version } };
      }
      case 'Secret_delete':
        if (!secrets.delete(params.secret_name ?? ''))
          return { status: 404, body: { error: 'secret not found' } };
        return { status: 200, body: { version: ++version } };
      case 'Secrets_update': {
        for (const [name, value] of Object.entries(
          (body as { values?: Record<string, string | null> }).values ?? {},
        )) {
          if (value === null) secrets.delete(name);
          else put(name, value);
        }
        return {
          status: 200,
          body: { version: ++version, secrets: [...secrets].map(([n, s]) => listed(n, s)) },
        };
      }
      default:
        return { status: 501, body: { error: `the fake does not implement ${operationId}` } };
    }
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const method = (req.method ?? 'GET').toUpperCase();
      const url = new URL(req.url ?? '/', 'http://fake.invalid');
      const text = await readBody(req);
      requests.push(`${method} ${url.pathname}`);
      bodies.push(text);
      const send = (reply: Reply) => {
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply.body));
      };
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        violations.push({
          kind: 'invalid-request',
          method,
          path: url.pathname,
          errors: ['body is not JSON'],
        });
        return send({ status: 400, body: { error: 'invalid JSON' } });
      }
      const matched = swagger.match(method, url.pathname, url.searchParams, body);
      if (!matched) {
        violations.push({ kind: 'unknown-route', method, path: url.pathname, errors: [] });
        return send({ status: 404, body: { error: 'not found' } });
      }
      if (matched.errors.length > 0) {
        violations.push({ kind: 'invalid-request', method, path: url.pathname, errors: matched.errors });
        return send({ status: 400, body: { error: matched.errors.join('; ') } });
      }
      let reply: Reply;
      if (req.headers.authorization !== `Bearer ${token}`)
        reply = { status: 401, body: { error: 'unauthorized' } };
      else
        reply =
          failures.shift() ?? (await handle(matched.operationId, matched.params, url.searchParams, body));
      const lost = reply.status < 400 ? lostAnswers.shift() : undefined;
      if (lost !== undefined) reply = { status: lost, body: { error: `injected ${lost} after applying` } };
      const problems = swagger.validateResponse(matched.operationId, reply.status, reply.body);
      if (problems.length > 0)
        violations.push({ kind: 'invalid-response', method, path: url.pathname, errors: problems });
      send(reply);
    })().catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: String(error) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    apps,
    violations,
    requests,
    bodies,
    machines,
    addApp(name) {
      const secrets = new Map<string, FakeFlySecret>();
      apps.set(name, secrets);
      return secrets;
    },
    loseNextAnswer(status = 502) {
      lostAnswers = [...lostAnswers, status];
    },
    failNext(status, error = `injected ${status}`) {
      failures.push({ status, body: { error } });
    },
    close: () => {
      machines.close();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
