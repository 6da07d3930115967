import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { OpenAPIBackend, type Document, type Operation } from 'openapi-backend';
import ajvFormats from 'ajv-formats';

/**
 * GitHub's REST description (pruned, `test/fixtures/github-openapi.json`) as a request matcher
 * and request/response validator for the fake GitHub server.
 */

const FIXTURE = new URL('../../fixtures/github-openapi.json', import.meta.url);

// ajv-formats is CommonJS: Node's ESM default import is `module.exports`, whose `.default` is the plugin.
const addFormats = ajvFormats.default;

export interface IncomingApiRequest {
  method: string;
  /** Path without the query string, as sent (percent-encoded). */
  path: string;
  /** Raw query string without `?`. */
  query: string;
  headers: Record<string, string | string[]>;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
}

export interface MatchedApiRequest {
  operationId: string;
  /** Path parameters, decoded (`contents/{path}` may contain `/`). */
  params: Record<string, string>;
  query: Record<string, string>;
  /** Human-readable validation failures; empty when the request is valid. */
  errors: string[];
}

export interface GitHubOpenApi {
  match(request: IncomingApiRequest): MatchedApiRequest | undefined;
  /** Failures of `body` against the response schema for `status` (GitHub's error shape when undocumented). */
  validateResponse(operationId: string, status: number, body: unknown): string[];
}

type JsonNode = { [key: string]: unknown };

/**
 * Adapts GitHub's description to what ajv accepts, without loosening what it means:
 * - OpenAPI 3.0 allows `nullable: true` beside `anyOf` with no `type`; ajv refuses that, so such
 *   a schema becomes `anyOf: [..., {type: 'null'}]`.
 * - GitHub writes `oneOf` where it means `anyOf`: e.g. a 409 is `oneOf: [basic-error,
 *   repository-rule-violation-error]`, two schemas with no required members that every error
 *   body matches both of, so `oneOf` would reject GitHub's own answers.
 */
function adaptForAjv(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(adaptForAjv);
  if (typeof node !== 'object' || node === null) return node;
  const out: JsonNode = {};
  for (const [key, value] of Object.entries(node)) out[key === 'oneOf' ? 'anyOf' : key] = adaptForAjv(value);
  // OpenAPI 3.0's `nullable: true` admits null even beside an `enum` (a check run's `conclusion`
  // while it runs); ajv's `nullable` keyword does not extend the enum, so null is added to it.
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null)) {
    out.enum = [...(out.enum as unknown[]), null];
  }
  if (out.nullable === true && out.type === undefined) {
    const { nullable: _nullable, ...rest } = out;
    if (Array.isArray(rest.anyOf)) return { ...rest, anyOf: [...rest.anyOf, { type: 'null' }] };
    return { anyOf: [rest, { type: 'null' }] };
  }
  return out;
}

function customizeAjv(ajv: Ajv): Ajv {
  addFormats(ajv);
  // GitHub's own format for "owner/name" (pulls `head_repo`).
  ajv.addFormat('repo.nwo', /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/);
  return ajv;
}

/** Templates whose last parameter may span segments (`x-multi-segment`), as regexes over raw paths. */
function multiSegmentPatterns(definition: JsonNode): RegExp[] {
  const paths = definition.paths as Record<string, Record<string, { parameters?: JsonNode[] }>>;
  const components = (definition.components as { parameters: Record<string, JsonNode> }).parameters;
  const patterns: RegExp[] = [];
  for (const [template, item] of Object.entries(paths)) {
    const params = Object.values(item).flatMap((op) => op.parameters ?? []);
    const resolved = params.map((p) =>
      typeof p.$ref === 'string' ? (components[p.$ref.split('/').pop() ?? ''] ?? {}) : p,
    );
    const last = /\{([^}]+)\}$/.exec(template)?.[1];
    if (!last || !resolved.some((p) => p.name === last && p['x-multi-segment'] === true)) continue;
    const prefix = template.slice(0, template.lastIndexOf('{')).replace(/\{[^}]+\}/g, '[^/]+');
    patterns.push(new RegExp(`^(${prefix})(.+/.+)$`));
  }
  return patterns;
}

function formatErrors(
  errors: { instancePath?: string; message?: string; params?: unknown }[] | null | undefined,
): string[] {
  // Ten is plenty to see what is wrong; oneOf failures otherwise list every branch.
  return (errors ?? [])
    .slice(0, 10)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'} ${JSON.stringify(e.params ?? {})}`);
}

function documentsStatus(operation: Operation, status: number): boolean {
  const responses = operation.responses ?? {};
  return `${status}` in responses || `${Math.floor(status / 100)}XX` in responses || 'default' in responses;
}

let loaded: Promise<GitHubOpenApi> | undefined;

/** The fixture with compiled validators; compiling takes ~2 s, so one per process is shared. */
export function loadGitHubOpenApi(): Promise<GitHubOpenApi> {
  loaded ??= compileGitHubOpenApi();
  return loaded;
}

async function compileGitHubOpenApi(): Promise<GitHubOpenApi> {
  const raw = JSON.parse(readFileSync(FIXTURE, 'utf8')) as JsonNode;
  const definition = adaptForAjv(raw) as JsonNode;
  const api = new OpenAPIBackend({
    definition: definition as unknown as Document,
    strict: true,
    // Path and query parameters arrive as strings; GitHub's schemas type them (installation_id: integer).
    coerceTypes: true,
    ajvOpts: { allErrors: true },
    customizeAjv,
  });
  await api.init();

  const errorAjv = customizeAjv(new Ajv({ strict: false, allErrors: true }));
  errorAjv.addSchema(definition, 'github');
  const basicError = errorAjv.getSchema('github#/components/schemas/basic-error') as ValidateFunction;
  const multiSegment = multiSegmentPatterns(raw);

  function match(request: IncomingApiRequest): MatchedApiRequest | undefined {
    // Clients send `a/b.md` or `a%2Fb.md` for a multi-segment parameter; route on the encoded form.
    let path = request.path;
    for (const pattern of multiSegment) {
      path = path.replace(
        pattern,
        (_all, prefix: string, rest: string) => prefix + rest.replaceAll('/', '%2F'),
      );
    }
    const req = {
      method: request.method,
      path,
      query: request.query,
      headers: request.headers,
      body: request.body,
    };
    const operation = api.router.matchOperation(req);
    if (!operation?.operationId) return undefined;
    const validation = api.validator.validateRequest(req, operation);
    const parsed = api.router.parseRequest(req, operation);
    const params: Record<string, string> = {};
    // bath-es5 has already percent-decoded them.
    for (const [key, value] of Object.entries(parsed.params ?? {})) params[key] = String(value);
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries(parsed.query ?? {})) query[key] = String(value);
    return { operationId: operation.operationId, params, query, errors: formatErrors(validation.errors) };
  }

  function validateResponse(operationId: string, status: number, body: unknown): string[] {
    const operation = api.router.getOperation(operationId);
    if (!operation) return [`unknown operation ${operationId}`];
    if (documentsStatus(operation, status)) {
      return formatErrors(api.validator.validateResponse(body ?? null, operation, status).errors);
    }
    // Undocumented statuses (404 on a dispatch, injected 5xx) carry GitHub's generic error body.
    return basicError(body) ? [] : formatErrors(basicError.errors);
  }

  return { match, validateResponse };
}
