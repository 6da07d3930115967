import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from 'vitest';
import { openApiPath } from '../../src/http/api/openapi/describe-route.ts';
import { openApiDocument } from '../../src/http/api/openapi/openapi-document.ts';

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema(openApiDocument() as object, 'openapi');

/**
 * Checks an answer the API really gave against the OpenAPI description's schema for that
 * route and status (issue 16: the description says what the routes answer). `path` is the Hono
 * path (`/api/jobs/:jobId/steps`).
 */
export function expectDocumentedAnswer(
  method: string,
  path: string,
  status: number,
  body: unknown,
  contentType = 'application/json',
): void {
  const pointer = [
    'paths',
    openApiPath(path),
    method.toLowerCase(),
    'responses',
    String(status),
    'content',
    contentType,
    'schema',
  ]
    .map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1'))
    .join('/');
  const validate = ajv.getSchema(`openapi#/${pointer}`);
  expect(
    validate,
    `${method} ${path} ${status} is not described (src/http/api/openapi/*-paths.ts)`,
  ).toBeDefined();
  const valid = validate!(body);
  expect(
    valid ? [] : validate!.errors,
    `${method} ${path} ${status} answered outside its schema (describe the change in src/http/api/openapi/response-schemas.ts)`,
  ).toEqual([]);
}

/** The described path template a concrete path falls under (literal segments win), if any. */
function templateOf(method: string, path: string): string | undefined {
  const paths = (openApiDocument().paths ?? {}) as Record<string, Record<string, unknown>>;
  const matches = Object.keys(paths).filter(
    (template) =>
      paths[template]![method.toLowerCase()] !== undefined &&
      new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
  );
  return matches.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))[0];
}

/**
 * Checks a response an API test received against the description, whatever the route: the
 * concrete path (`/api/mappings/ENG`, query allowed) is matched to its template, and a JSON
 * body must fit the schema of its status. A path the description lacks fails; non-JSON
 * answers (CSV, redirects) are left to the test. The response is cloned, so the caller can
 * still read it.
 */
export async function expectDocumentedResponse(
  method: string,
  url: string,
  response: Response,
): Promise<void> {
  const path = new URL(url, 'http://localhost').pathname;
  if (!path.startsWith('/api/')) return;
  const template = templateOf(method, path);
  expect(template, `${method} ${path} is not described (src/http/api/openapi/*-paths.ts)`).toBeDefined();
  if (!response.headers.get('content-type')?.startsWith('application/json')) return;
  expectDocumentedAnswer(
    method,
    template!.replace(/\{([^}]+)\}/g, ':$1'),
    response.status,
    await response.clone().json(),
  );
}
