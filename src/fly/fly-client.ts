import { z } from 'zod';
import { observedFetch, type RequestObserver } from '../domain/outbound-requests.ts';
import { flyHttpError, flyNetworkError, type FlyErrorContext } from './errors.ts';

/**
 * A client of Fly's Machines API (https://docs.machines.dev, Swagger at
 * https://docs.machines.dev/swagger/doc.json): bearer token, JSON in and out, every failure a
 * typed `IntegrationError('fly', …)` (errors.ts). General on purpose: `request` serves any
 * operation (the Fly Machines runner builds on it); the app-secrets operations are typed here.
 *
 * No retries: a write whose answer was lost (timeout, 5xx) has an unknown outcome, and the
 * caller decides. Responses are checked with zod against the fields this project reads.
 */

export interface FlyClientOptions {
  /** FLY_API_URL; default https://api.machines.dev. Paths are under `/v1`. */
  apiUrl?: string;
  /** FLY_SESSIONS_TOKEN: a Fly API token that can manage the app (sent as `Authorization: Bearer`). */
  token: string;
  /** Per-request time limit in ms; default 30 000. */
  timeoutMs?: number;
  /** For tests; default the global fetch. */
  fetch?: typeof fetch;
  /** Told of every request (`GET /metrics`). */
  observer?: RequestObserver;
}

/** One app secret as Fly lists it (`AppSecret`); the value is never requested. */
export interface FlyAppSecret {
  name: string;
  /** Fly's digest of the value: changes when the value changes, reveals nothing. */
  digest: string | undefined;
  createdAt: string | undefined;
  updatedAt: string | undefined;
}

export interface FlyRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path under `/v1`, parameters already encoded: `/apps/ai-sessions/secrets`. */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
}

export interface FlyClient {
  /** Any Machines API operation; returns the parsed JSON body (undefined when empty). */
  request(request: FlyRequest, context: FlyErrorContext): Promise<unknown>;
  /** `GET /apps/{app}/secrets` (Secrets_list), names and timestamps only. 404: no such app. */
  listAppSecrets(app: string): Promise<FlyAppSecret[]>;
  /** `POST /apps/{app}/secrets/{name}` (Secret_create): creates or replaces one secret. */
  setAppSecret(app: string, name: string, value: string): Promise<void>;
  /** `DELETE /apps/{app}/secrets/{name}` (Secret_delete). 404: no such app or secret. */
  deleteAppSecret(app: string, name: string): Promise<void>;
  /** `POST /apps/{app}/secrets` (Secrets_update) with `null` per name: unsets several at once. */
  unsetAppSecrets(app: string, names: string[]): Promise<void>;
}

const AppSecretSchema = z.object({
  name: z.string(),
  digest: z.string().optional(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
});
const AppSecretsSchema = z.object({ secrets: z.array(AppSecretSchema).nullish() });

export function createFlyClient(options: FlyClientOptions): FlyClient {
  const base = `${(options.apiUrl ?? 'https://api.machines.dev').replace(/\/+$/, '')}/v1`;
  const doFetch = observedFetch(options.observer, 'fly', flyOperation, options.fetch ?? fetch);
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function request(req: FlyRequest, context: FlyErrorContext): Promise<unknown> {
    const url = new URL(base + req.path);
    for (const [key, value] of Object.entries(req.query ?? {})) url.searchParams.set(key, value);
    let response: Response;
    try {
      response = await doFetch(url, {
        method: req.method,
        headers: {
          authorization: `Bearer ${options.token}`,
          accept: 'application/json',
          ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw flyNetworkError(error, context);
    }
    const text = await response.text().catch(() => '');
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!response.ok) throw flyHttpError(response.status, body, response.headers.get('retry-after'), context);
    return body;
  }

  const appPath = (app: string) => `/apps/${encodeURIComponent(app)}`;
  const noApp = (app: string) =>
    `Fly has no app ${app}, or FLY_SESSIONS_TOKEN cannot see it: check FLY_SESSIONS_APP or the flySessionsApp setting`;

  return {
    request,
    async listAppSecrets(app) {
      const context = { action: `list the secrets of app ${app}`, notFound: noApp(app) };
      const parsed = AppSecretsSchema.safeParse(
        await request({ method: 'GET', path: `${appPath(app)}/secrets` }, context),
      );
      if (!parsed.success) {
        throw flyHttpError(502, { error: 'the secrets list was not in the documented shape' }, null, context);
      }
      return (parsed.data.secrets ?? []).map((s) => ({
        name: s.name,
        digest: s.digest,
        createdAt: s.created_at,
        updatedAt: s.updated_at,
      }));
    },
    async setAppSecret(app, name, value) {
      await request(
        { method: 'POST', path: `${appPath(app)}/secrets/${encodeURIComponent(name)}`, body: { value } },
        { action: `set secret ${name} of app ${app}`, notFound: noApp(app) },
      );
    },
    async deleteAppSecret(app, name) {
      await request(
        { method: 'DELETE', path: `${appPath(app)}/secrets/${encodeURIComponent(name)}` },
        { action: `delete secret ${name} of app ${app}`, notFound: `app ${app} has no secret ${name}` },
      );
    },
    async unsetAppSecrets(app, names) {
      if (names.length === 0) return;
      await request(
        {
          method: 'POST',
          path: `${appPath(app)}/secrets`,
          body: { values: Object.fromEntries(names.map((name) => [name, null])) },
        },
        { action: `delete ${names.length} secrets of app ${app}`, notFound: noApp(app) },
      );
    },
  };
}

/**
 * A Machines API request as a metrics operation: the app and the Machine, secret or volume in
 * the path become placeholders (`POST /v1/apps/{app}/machines/{id}/stop`), so the label stays
 * low-cardinality. https://docs.machines.dev/
 */
export function flyOperation(url: URL, method: string): string {
  const segments = url.pathname.split('/').filter(Boolean);
  const start = segments[0] === 'v1' ? 1 : 0;
  const named = segments.map((segment, index) => {
    const position = index - start;
    if (position === 1) return '{app}';
    if (position === 3) return '{id}';
    return segment;
  });
  return `${method} /${named.join('/')}`;
}
