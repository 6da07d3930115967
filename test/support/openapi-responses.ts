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
