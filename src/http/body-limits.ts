import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

const MB = 1024 * 1024;

/**
 * Request body limits (`CONTRACTS.md` §10), in bytes. GitHub caps webhook payloads at 25 MB
 * (https://docs.github.com/webhooks/webhook-events-and-payloads#payload-cap); runner callbacks
 * and tracker webhooks carry a result or an event, never more than 1 MB; everything else (the
 * admin API and UI, sign-in, the gap-fill trigger) is a small form or JSON document.
 */
export const BODY_LIMITS = {
  githubWebhook: 25 * MB,
  callbacks: 1 * MB,
  other: 64 * 1024,
} as const;

/** Paths that take up to {@link BODY_LIMITS.callbacks}: runner callbacks and tracker webhooks. */
const CALLBACK_PATHS = ['/api/linear/webhook', '/api/jira/webhook'];

/** The limit for a request path: one of {@link BODY_LIMITS}. */
export function bodyLimitFor(path: string): number {
  if (path === '/api/github/webhook') return BODY_LIMITS.githubWebhook;
  if (path.startsWith('/runner/') || CALLBACK_PATHS.includes(path)) return BODY_LIMITS.callbacks;
  return BODY_LIMITS.other;
}

/**
 * One middleware for the whole app, before any route reads a body or checks a signature: a body
 * above its path's limit answers 413 `{ error: 'payload_too_large', message, limitBytes }`.
 * `hono/body-limit` refuses on `Content-Length` without reading, and counts a chunked body as it
 * streams in, stopping at the limit — so an unauthenticated caller can never make the server
 * hold more than the limit in memory.
 */
export function bodyLimits(): MiddlewareHandler {
  const limiters = new Map(
    Object.values(BODY_LIMITS).map((maxSize) => [
      maxSize,
      bodyLimit({
        maxSize,
        onError: (c) =>
          c.json(
            {
              error: 'payload_too_large',
              message: `the request body is larger than ${describeBytes(maxSize)}, the limit for ${c.req.path}`,
              limitBytes: maxSize,
            },
            413,
          ),
      }),
    ]),
  );
  return (c, next) => limiters.get(bodyLimitFor(c.req.path))!(c, next);
}

function describeBytes(bytes: number): string {
  return bytes >= MB ? `${bytes / MB} MB` : `${bytes / 1024} KB`;
}
