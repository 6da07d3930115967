import { IntegrationError } from '../../domain/errors.ts';

/**
 * Why a runner-mode, settings or secrets request was not carried out, in terms the HTTP layer
 * turns into a status (src/http/api/platform-routes.ts):
 * - `invalid` → 400 naming `field` and the rule;
 * - `not_found` → 404 (unknown mapping or secret);
 * - `unconfigured` → 503 (no Fly token or sessions app: says what to set);
 * - `upstream` → 502 (Fly or GitHub refused or failed; `cause` has the category), or 503 with
 *   Retry-After for a rate limit.
 * Messages never contain a secret's value.
 */
export class PlatformRefusal extends Error {
  readonly kind: 'invalid' | 'not_found' | 'unconfigured' | 'upstream';
  readonly field: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly service: string | undefined;
  readonly category: string | undefined;

  constructor(
    kind: PlatformRefusal['kind'],
    message: string,
    options: { field?: string; retryAfterMs?: number; service?: string; category?: string } = {},
  ) {
    super(message);
    this.name = 'PlatformRefusal';
    this.kind = kind;
    this.field = options.field;
    this.retryAfterMs = options.retryAfterMs;
    this.service = options.service;
    this.category = options.category;
  }
}

/** An IntegrationError as an `upstream` refusal, with `value` (when given) scrubbed from the message. */
export function upstreamRefusal(error: unknown, value?: string): PlatformRefusal {
  if (error instanceof PlatformRefusal) return error;
  if (!(error instanceof IntegrationError)) throw error;
  const message = value && value.length > 0 ? error.message.split(value).join('[redacted]') : error.message;
  return new PlatformRefusal('upstream', message, {
    service: error.service,
    category: error.category,
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
  });
}
