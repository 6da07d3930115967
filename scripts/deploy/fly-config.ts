import { parse, TomlError } from 'smol-toml';
import { z } from 'zod';
import { EnvSchema } from '../../src/config/config-schema.ts';
import { ENV_NAMES, SECRET_ENV_NAMES, type EnvName } from '../../src/config/env-variables.ts';

/**
 * The checks an orchestrator's `fly.toml` must pass, the base one at the repository root and
 * every client's rendered one. Fly publishes no machine-readable schema in a package, so this is
 * the part of https://fly.io/docs/reference/configuration/ the orchestrator relies on, checked
 * explicitly: known top-level sections (a misspelt one would be ignored by flyctl), the image
 * from the repository's Dockerfile, the `/data` volume holding the SQLite file, `[http_service]`
 * on PORT with a `GET /healthz` check, at least one Machine always running and never auto-stopped
 * (the poller must run without HTTP traffic), and an `[env]` of known, non-secret variables whose
 * values the orchestrator's own configuration schema accepts.
 */

/** The other top-level keys of fly.toml (Fly's configuration reference), not checked here. */
const OTHER_KEYS = [
  'kill_signal',
  'kill_timeout',
  'swap_size_mb',
  'console_command',
  'deploy',
  'services',
  'checks',
  'vm',
  'processes',
  'statics',
  'metrics',
  'files',
  'experimental',
  'restart',
] as const;

const otherKeys = Object.fromEntries(OTHER_KEYS.map((key) => [key, z.unknown().optional()])) as Record<
  (typeof OTHER_KEYS)[number],
  z.ZodOptional<z.ZodUnknown>
>;

/** Fly app names: lowercase letters, digits and dashes (they become `<app>.fly.dev`). */
export const FLY_APP_NAME = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, 'must be a Fly app name: lowercase letters, digits and dashes');

/** A Fly region code such as `iad` or `fra` (`fly platform regions`). */
export const FLY_REGION = z.string().regex(/^[a-z]{3}$/, 'must be a Fly region code such as iad or fra');

const healthCheck = z.looseObject({ method: z.string().optional(), path: z.string() });

const FlyConfigSchema = z.strictObject({
  ...otherKeys,
  app: FLY_APP_NAME,
  primary_region: FLY_REGION,
  build: z.looseObject({
    dockerfile: z.literal('Dockerfile', 'must be the orchestrator image, "Dockerfile"'),
    image: z.undefined('must be unset: the image is built from the Dockerfile').optional(),
  }),
  env: z.record(z.string(), z.string('must be a string (fly.toml [env] values are text)')),
  mounts: z
    .array(z.looseObject({ source: z.string().min(1), destination: z.string() }))
    .length(1, 'must be one volume, mounted at /data'),
  http_service: z.looseObject({
    internal_port: z.number().int(),
    auto_stop_machines: z.union(
      [z.literal('off'), z.literal(false)],
      'must be "off": a stopped Machine polls nothing',
    ),
    min_machines_running: z.number().int().min(1, 'must be at least 1: the poller must always run'),
    checks: z.array(healthCheck).min(1, 'must have a GET /healthz check'),
  }),
});

export type FlyConfig = z.output<typeof FlyConfigSchema>;

/** Problems of one parsed fly.toml, each naming its field (`http_service.internal_port: …`). */
export function flyConfigProblems(value: unknown): string[] {
  const parsed = FlyConfigSchema.safeParse(value);
  if (!parsed.success) return parsed.error.issues.map(describeIssue);
  const config = parsed.data;
  const problems: string[] = [];
  const env = config.env;
  if (config.mounts[0]?.destination !== '/data') problems.push('mounts.destination: must be /data');
  if (!env.DEDUP_DB_PATH?.startsWith('/data/'))
    problems.push('env.DEDUP_DB_PATH: must be a file on the /data volume, e.g. /data/dedup.sqlite');
  if (env.PORT !== String(config.http_service.internal_port))
    problems.push(
      `env.PORT: must equal http_service.internal_port (${config.http_service.internal_port}), got ${env.PORT ?? 'unset'}`,
    );
  if (env.NODE_ENV !== 'production') problems.push('env.NODE_ENV: must be "production"');
  const healthz = config.http_service.checks.some(
    (check) => check.path === '/healthz' && (check.method ?? 'GET').toUpperCase() === 'GET',
  );
  if (!healthz) problems.push('http_service.checks: must have a GET /healthz check');
  problems.push(...envProblems(env));
  return problems;
}

/** Unknown or secret variables, and values the orchestrator's own schema (EnvSchema) refuses. */
export function envProblems(env: Record<string, string>, prefix = 'env'): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!(ENV_NAMES as string[]).includes(name)) {
      problems.push(`${prefix}.${name}: is not a variable of the orchestrator (src/config/env-variables.ts)`);
    } else if ((SECRET_ENV_NAMES as readonly string[]).includes(name)) {
      problems.push(`${prefix}.${name}: is a secret; set it with \`fly secrets set\`, never in a file`);
    } else {
      const field = EnvSchema.shape[name as EnvName].safeParse(value);
      if (!field.success)
        problems.push(`${prefix}.${name}: ${field.error.issues[0]?.message ?? 'is invalid'}`);
    }
  }
  return problems;
}

/** Parses TOML text; a syntax error is thrown naming the file, line and column. */
export function parseToml(text: string, file: string): Record<string, unknown> {
  try {
    return parse(text);
  } catch (error) {
    if (error instanceof TomlError)
      throw new Error(`${file}:${error.line}:${error.column}: ${error.message}`, { cause: error });
    throw error;
  }
}

function fieldName(issue: z.core.$ZodIssue): string {
  return issue.path.join('.') || '(file)';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((key) => `${[...issue.path, key].join('.')}: is not a setting here`).join('; ');
  return `${fieldName(issue)}: ${issue.message}`;
}
