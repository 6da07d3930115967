import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';

/**
 * Fly's Machines API description (Swagger 2.0, `test/fixtures/fly/fly-machines.swagger.json`) as
 * a request matcher and request/response validator for the fake Fly server. openapi-backend
 * reads OpenAPI 3 only, so this matches Swagger 2.0 path templates itself and validates with ajv
 * against the description's own `definitions`.
 */

const FIXTURE = new URL('../../fixtures/fly/fly-machines.swagger.json', import.meta.url);
const addFormats = ajvFormats.default;

type JsonNode = { [key: string]: unknown };

interface SwaggerParameter {
  name: string;
  in: 'path' | 'query' | 'body' | 'header';
  required?: boolean;
  type?: string;
  enum?: string[];
  schema?: JsonNode;
}

interface SwaggerOperation {
  operationId: string;
  parameters?: SwaggerParameter[];
  responses: Record<string, { schema?: JsonNode }>;
}

export interface MatchedFlyRequest {
  operationId: string;
  params: Record<string, string>;
  /** Failures of the request against the description; empty when valid. */
  errors: string[];
}

export interface FlySwagger {
  match(method: string, path: string, query: URLSearchParams, body: unknown): MatchedFlyRequest | undefined;
  /** Failures of a response body: the operation's schema for 2xx, `ErrorResponse` otherwise. */
  validateResponse(operationId: string, status: number, body: unknown): string[];
}

/**
 * Swagger 2.0 → JSON Schema for ajv, meaning unchanged: `x-nullable: true` allows null (Fly's
 * `AppSecretsUpdateRequest.values` uses it: `null` unsets a secret); other `x-` annotations go;
 * an `enum` listing a value twice (Fly's `time.Duration`) lists it once, which JSON Schema requires.
 */
function adapt(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(adapt);
  if (typeof node !== 'object' || node === null) return node;
  const out: JsonNode = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-') || key === 'example') continue;
    out[key] = adapt(value);
  }
  const nullable = (node as JsonNode)['x-nullable'] === true;
  if (nullable && typeof out.type === 'string') out.type = [out.type, 'null'];
  if (Array.isArray(out.enum)) out.enum = [...new Set(out.enum)];
  return out;
}

function format(errors: ValidateFunction['errors']): string[] {
  return (errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}

let loaded: FlySwagger | undefined;

export function loadFlySwagger(): FlySwagger {
  loaded ??= compile();
  return loaded;
}

function compile(): FlySwagger {
  const raw = JSON.parse(readFileSync(FIXTURE, 'utf8')) as JsonNode;
  const basePath = String(raw.basePath ?? '');
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addSchema({ $id: 'fly.json', definitions: adapt(raw.definitions) as JsonNode });
  const compiled = new Map<string, ValidateFunction>();
  const validator = (schema: JsonNode): ValidateFunction => {
    const adapted = JSON.parse(
      JSON.stringify(adapt(schema)).replaceAll('"#/definitions/', '"fly.json#/definitions/'),
    );
    const key = JSON.stringify(adapted);
    let fn = compiled.get(key);
    if (!fn) {
      fn = ajv.compile(adapted as JsonNode);
      compiled.set(key, fn);
    }
    return fn;
  };
  const operations: { method: string; pattern: RegExp; names: string[]; op: SwaggerOperation }[] = [];
  const byId = new Map<string, SwaggerOperation>();
  for (const [template, item] of Object.entries(
    raw.paths as Record<string, Record<string, SwaggerOperation>>,
  )) {
    const names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    const pattern = new RegExp(`^${basePath}${template.replace(/\{[^}]+\}/g, '([^/]+)')}$`);
    for (const [method, op] of Object.entries(item)) {
      operations.push({ method: method.toUpperCase(), pattern, names, op });
      byId.set(op.operationId, op);
    }
  }
  const errorSchema = validator({ $ref: '#/definitions/ErrorResponse' });

  return {
    match(method, path, query, body) {
      for (const candidate of operations) {
        if (candidate.method !== method) continue;
        const found = candidate.pattern.exec(path);
        if (!found) continue;
        const params = Object.fromEntries(
          candidate.names.map((name, i) => [name, decodeURIComponent(found[i + 1]!)]),
        );
        const errors: string[] = [];
        for (const parameter of candidate.op.parameters ?? []) {
          if (parameter.in === 'query') {
            const value = query.get(parameter.name);
            if (value === null) {
              if (parameter.required) errors.push(`query ${parameter.name} is required`);
            } else if (parameter.type === 'boolean' && value !== 'true' && value !== 'false') {
              errors.push(`query ${parameter.name} must be a boolean`);
            } else if (parameter.type === 'integer' && !/^-?\d+$/.test(value)) {
              errors.push(`query ${parameter.name} must be an integer`);
            } else if (parameter.enum && !parameter.enum.includes(value)) {
              errors.push(`query ${parameter.name} must be one of ${parameter.enum.join(', ')}`);
            }
          }
          if (parameter.in === 'body') {
            if (body === undefined) {
              if (parameter.required) errors.push('body is required');
            } else if (parameter.schema) {
              const validate = validator(parameter.schema);
              if (!validate(body)) errors.push(...format(validate.errors).map((e) => `body${e}`));
            }
          }
        }
        for (const key of query.keys()) {
          if (!(candidate.op.parameters ?? []).some((p) => p.in === 'query' && p.name === key)) {
            errors.push(`query ${key} is not a parameter of ${candidate.op.operationId}`);
          }
        }
        return { operationId: candidate.op.operationId, params, errors };
      }
      return undefined;
    },
    validateResponse(operationId, status, body) {
      const op = byId.get(operationId);
      if (!op) return [`unknown operation ${operationId}`];
      if (status >= 200 && status < 300) {
        const documented = op.responses[String(status)];
        if (!documented) return [`status ${status} is not documented for ${operationId}`];
        if (!documented.schema) return [];
        const validate = validator(documented.schema);
        return validate(body) ? [] : format(validate.errors);
      }
      return errorSchema(body) ? [] : format(errorSchema.errors);
    },
  };
}
