import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'smol-toml';
import { z } from 'zod';
import { envProblems, FLY_APP_NAME, FLY_REGION, flyConfigProblems, parseToml } from './fly-config.ts';

/**
 * One client's orchestrator (docs/deploy.md, "Adding a client"): `clients/<slug>.toml` holds its
 * non-secret settings, and its `fly.toml` is the repository's base `fly.toml` with them filled
 * in. The file's name is the client's slug (CLIENT_SLUG); secrets are never in it (they are Fly
 * secrets of the client's app, `fly secrets set -a <app>`).
 */

/** A client slug: lowercase letters, digits and dashes, as in `clients/acme-eu.toml`. */
const SLUG = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** `clients/<slug>.toml`, snake_case like fly.toml. */
const ClientSchema = z.strictObject({
  /** The client's Fly app (its orchestrator); the app is reachable at https://<app>.fly.dev. */
  app: FLY_APP_NAME,
  /** Where its Machine and volume live. */
  primary_region: FLY_REGION,
  /** FLY_SESSIONS_APP: the Fly app its Fly Machines runs go to (unset: no Fly runs). */
  sessions_app: FLY_APP_NAME.optional(),
  /** FLY_SESSIONS_REGION; default: primary_region. */
  sessions_region: FLY_REGION.optional(),
  /** POLL_INTERVAL_MS; default 60000. */
  poll_interval_ms: z.number().int().min(1000, 'must be at least 1000 (milliseconds)').optional(),
  /** NOTIFY_TYPE; default slack. */
  notify_type: z.enum(['slack', 'teams'], 'must be slack or teams').optional(),
  /** Any other non-secret variable of the orchestrator, e.g. RUNNER_MODE or LINEAR_WORKSPACE_URL. */
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()], 'must be text')).optional(),
});

export type ClientConfig = z.output<typeof ClientSchema>;

/** Variables the renderer sets itself, from a field of the client file or the base fly.toml. */
const SET_BY_RENDERER: Record<string, string> = {
  CLIENT_SLUG: 'the file name',
  FLY_APP_NAME: 'Fly itself, on every Machine',
  FLY_SESSIONS_APP: 'sessions_app',
  FLY_SESSIONS_REGION: 'sessions_region',
  POLL_INTERVAL_MS: 'poll_interval_ms',
  NOTIFY_TYPE: 'notify_type',
  NODE_ENV: 'the base fly.toml',
  PORT: 'the base fly.toml',
  DEDUP_DB_PATH: 'the base fly.toml',
};

/** A client file that cannot be rendered; the message names the file and each bad field. */
export class ClientConfigError extends Error {
  override name = 'ClientConfigError';
}

/** The slugs of `clients/*.toml` under `root`, sorted. */
export function listClients(root: string): string[] {
  return readdirSync(path.join(root, 'clients'))
    .filter((name) => name.endsWith('.toml'))
    .map((name) => name.slice(0, -'.toml'.length))
    .sort();
}

/** Reads and checks `clients/<slug>.toml`; throws ClientConfigError naming the fields. */
export function readClient(root: string, slug: string): ClientConfig {
  const file = `clients/${slug}.toml`;
  if (!SLUG.test(slug))
    throw new ClientConfigError(`${file}: the name must be a slug: lowercase letters, digits and dashes`);
  let text: string;
  try {
    text = readFileSync(path.join(root, file), 'utf8');
  } catch {
    throw new ClientConfigError(`${file}: no such file (clients: ${listClients(root).join(', ') || 'none'})`);
  }
  let raw: unknown;
  try {
    raw = parseToml(text, file);
  } catch (error) {
    throw new ClientConfigError((error as Error).message, { cause: error });
  }
  const parsed = ClientSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ClientConfigError(
      `${file}:\n${parsed.error.issues
        .map((issue) =>
          issue.code === 'unrecognized_keys'
            ? issue.keys
                .map((key) => `  ${[...issue.path, key].join('.')}: is not a client setting`)
                .join('\n')
            : `  ${issue.path.join('.')}: ${issue.message}`,
        )
        .join('\n')}`,
    );
  }
  const env = Object.fromEntries(Object.entries(parsed.data.env ?? {}).map(([k, v]) => [k, String(v)]));
  const problems = [
    ...Object.keys(env)
      .filter((name) => Object.hasOwn(SET_BY_RENDERER, name))
      .map((name) => `env.${name}: is set by ${SET_BY_RENDERER[name]}, not here`),
    ...envProblems(env),
  ];
  if (problems.length > 0)
    throw new ClientConfigError(`${file}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return parsed.data;
}

/**
 * The client's fly.toml as data: the base with `app`, `primary_region` and `[env]` filled in.
 * RUNNER_CALLBACK_BASE_URL defaults to https://<app>.fly.dev (a custom domain goes in `env`).
 */
export function renderClient(base: Record<string, unknown>, slug: string, client: ClientConfig) {
  const baseEnv = (base.env ?? {}) as Record<string, string>;
  const optional = (name: string, value: string | number | undefined) =>
    value === undefined ? {} : { [name]: String(value) };
  return {
    ...structuredClone(base),
    app: client.app,
    primary_region: client.primary_region,
    env: {
      ...baseEnv,
      CLIENT_SLUG: slug,
      RUNNER_CALLBACK_BASE_URL: `https://${client.app}.fly.dev`,
      ...optional('FLY_SESSIONS_APP', client.sessions_app),
      ...(client.sessions_app
        ? { FLY_SESSIONS_REGION: client.sessions_region ?? client.primary_region }
        : {}),
      ...optional('POLL_INTERVAL_MS', client.poll_interval_ms),
      ...optional('NOTIFY_TYPE', client.notify_type),
      ...Object.fromEntries(Object.entries(client.env ?? {}).map(([k, v]) => [k, String(v)])),
    },
  };
}

/**
 * The text of `clients/<slug>.toml`'s fly.toml, from `<root>/fly.toml`. Throws ClientConfigError
 * for a bad client file, and when the result fails the fly.toml checks (fly-config.ts).
 */
export function renderClientFlyToml(root: string, slug: string): string {
  const client = readClient(root, slug);
  const base = parseToml(readFileSync(path.join(root, 'fly.toml'), 'utf8'), 'fly.toml');
  const rendered = renderClient(base, slug, client);
  const problems = flyConfigProblems(rendered);
  if (problems.length > 0)
    throw new ClientConfigError(
      `fly.toml rendered for clients/${slug}.toml:\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
  return (
    `# Rendered by scripts/render-fly-config.ts from fly.toml and clients/${slug}.toml: edit those.\n` +
    `${stringify(rendered)}\n`
  );
}
