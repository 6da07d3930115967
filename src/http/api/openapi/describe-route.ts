import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ErrorSchema } from './response-schemas.ts';

/** What one route of the admin API takes and answers, for `describeRoute`. */
export interface RouteDescription {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** The Hono path (`/api/mappings/:teamKey`); turned into OpenAPI's `{teamKey}`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** The JSON body's zod schema: the one the route validates with. */
  body?: z.ZodType;
  query?: z.ZodObject;
  /** The success answer(s): status → zod schema (JSON) and what it means. */
  ok: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
  /** Error statuses the route answers (each a documented `Error` body), with when. */
  errors?: Record<number, string>;
  /** Routes that carry their own authentication (sign-in, signed webhooks). */
  open?: boolean;
}

/** Every admin-API route answers these when its authentication fails (CONTRACTS.md §5). */
const AUTH_ERRORS = {
  401: 'no valid bearer token or session cookie',
  403: 'the CSRF token is missing or wrong (cookie sessions, writes)',
};

/** Registers one route in the registry, path parameters derived from its `:name` segments. */
export function describeRoute(registry: OpenAPIRegistry, route: RouteDescription): void {
  const names = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((match) => match[1]!);
  const errors = { ...(route.open ? {} : AUTH_ERRORS), ...route.errors };
  const responses: RouteConfig['responses'] = {};
  for (const [status, answer] of Object.entries(route.ok)) {
    responses[status] = {
      description: answer.description,
      ...(answer.schema
        ? { content: { [answer.contentType ?? 'application/json']: { schema: answer.schema } } }
        : {}),
    };
  }
  for (const [status, when] of Object.entries(errors)) {
    responses[status] = { description: when, content: { 'application/json': { schema: ErrorSchema } } };
  }
  registry.registerPath({
    method: route.method,
    path: openApiPath(route.path),
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(route.open ? { security: [] } : {}),
    request: {
      ...(names.length > 0
        ? { params: z.object(Object.fromEntries(names.map((name) => [name, z.string()]))) }
        : {}),
      ...(route.query ? { query: route.query } : {}),
      ...(route.body
        ? { body: { required: true, content: { 'application/json': { schema: route.body } } } }
        : {}),
    },
    responses,
  });
}

/** `/api/mappings/:teamKey` → `/api/mappings/{teamKey}` (OpenAPI's path template). */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z]+)/g, '{$1}');
}
