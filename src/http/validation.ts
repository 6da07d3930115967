import type { Context } from 'hono';
import type { z } from 'zod';

/** One failing field: a dotted path (`ticketingConfig.jql`) and why it failed. */
export interface FieldError {
  field: string;
  message: string;
}

/** The 400 body every route sends for bad input: `{ error, message, fields: [...] }`. */
export function badRequest(c: Context, message: string, fields: FieldError[] = []) {
  return c.json({ error: 'invalid_request', message, fields }, 400);
}

/** zod issues as field errors, e.g. `{ field: 'awsRegion', message: 'is required when provider is bedrock' }`. */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : '(body)',
    message: issue.message,
  }));
}

/**
 * Reads and validates a JSON body. Returns the parsed value, or a ready 400 response naming
 * each failing field — malformed JSON included — so no bad body reaches a handler.
 */
export async function readJson<S extends z.ZodType>(
  c: Context,
  schema: S,
): Promise<{ ok: true; value: z.output<S> } | { ok: false; response: Response }> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    return { ok: false, response: badRequest(c, 'the body must be JSON (Content-Type: application/json)') };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const fields = fieldErrors(parsed.error);
    return {
      ok: false,
      response: badRequest(c, fields.map((f) => `${f.field}: ${f.message}`).join('; '), fields),
    };
  }
  return { ok: true, value: parsed.data };
}
