import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { Hono } from 'hono';
import { z } from 'zod';
import { describeRoute, type RouteDescription } from './describe-route.ts';
import { PIPELINE_ROUTES } from './pipeline-paths.ts';
import { PLATFORM_ROUTES } from './platform-paths.ts';
import { WORK_ROUTES } from './work-paths.ts';

/** The OpenAPI document's own route, described like the others. */
const SELF: RouteDescription = {
  method: 'get',
  path: '/api/openapi.json',
  tag: 'Reference',
  summary: 'This description (OpenAPI 3.1)',
  ok: { 200: { description: 'The OpenAPI document', schema: z.looseObject({ openapi: z.string() }) } },
};

/** Every `/api/*` route the HTTP app can serve, as `describeRoute` takes them. */
export const API_ROUTES: readonly RouteDescription[] = [
  ...WORK_ROUTES,
  ...PLATFORM_ROUTES,
  ...PIPELINE_ROUTES,
  SELF,
];

/** The OpenAPI 3.1 document object (a JSON-able tree). */
export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

let built: OpenApiDocument | undefined;

/**
 * The OpenAPI 3.1 description of the admin API (CONTRACTS.md §10, issue 16), generated from the
 * zod schemas the routes validate with (request bodies, queries) and their answers'
 * schemas (response-schemas.ts). Built once; the routes do not change while the process runs.
 * https://spec.openapis.org/oas/v3.1.0
 */
export function openApiDocument(): OpenApiDocument {
  if (built) return built;
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'The token `POST /api/auth` answers for ADMIN_ACCESS_CODE.',
  });
  registry.registerComponent('securitySchemes', 'sessionCookie', {
    type: 'apiKey',
    in: 'cookie',
    name: 'ai_implement_session',
    description: "The admin UI's session; writes also need its CSRF token in `X-CSRF-Token`.",
  });
  for (const route of API_ROUTES) describeRoute(registry, route);
  built = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'AI-Implement admin API',
      // The API's version, not the product's: raised when an answer changes incompatibly.
      version: '1',
      description:
        'The JSON API behind the admin UI. Every route needs a bearer token from `POST /api/auth` (or the admin UI session) unless it says otherwise. Bad input answers 400 with `fields` naming each field and why.',
    },
    security: [{ bearerToken: [] }, { sessionCookie: [] }],
  });
  return built;
}

/** `GET /api/openapi.json` (behind the admin API's authentication, like every `/api/*` route). */
export function openApiRoutes(): Hono {
  const app = new Hono();
  app.get('/api/openapi.json', (c) => c.json(openApiDocument()));
  return app;
}
