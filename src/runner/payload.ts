import { z } from 'zod';
import { PHASES } from '../domain/phases.ts';
import type { DispatchPayload } from '../runners/types.ts';

/**
 * The dispatch payload as the runner receives it (CONTRACTS.md §3), validated at the edge: the
 * workflow input `payload`, `AI_IMPLEMENT_PAYLOAD` or `--payload-file`. Unknown members are
 * tolerated (a newer orchestrator may add optional ones); known ones must have their types.
 */

const related = z.object({
  id: z.string(),
  identifier: z.string(),
  title: z.string(),
  url: z.string(),
});

const PayloadSchema = z.object({
  version: z.literal(1, { error: 'must be 1 (this runner speaks payload version 1)' }),
  dispatchId: z.string().min(1),
  phase: z.enum(PHASES),
  issue: z.object({
    id: z.string().min(1),
    identifier: z.string().min(1),
    title: z.string(),
    description: z.string(),
    url: z.string(),
    provider: z.enum(['linear', 'jira', 'github']),
  }),
  related: z
    .object({
      parent: related.optional(),
      siblings: z.array(related).optional(),
      dependencies: z.array(related.extend({ resolved: z.boolean() })).optional(),
    })
    .optional(),
  caps: z
    .object({
      maxTurns: z.number().int().positive().optional(),
      maxIterations: z.number().int().positive().optional(),
      maxJobMinutes: z.number().int().positive().optional(),
      maxRunCostUsd: z.number().positive().optional(),
    })
    .optional(),
  provider: z.object({ name: z.enum(['anthropic', 'bedrock']), awsRegion: z.string().optional() }),
  sessionMode: z.enum(['interactive', 'hybrid']).optional(),
  image: z.string().optional(),
  pullRequest: z.object({ number: z.number().int().positive(), branch: z.string().min(1) }).optional(),
  callback: z
    .object({ url: z.url(), resultToken: z.string().min(1), progressToken: z.string().min(1) })
    .optional(),
  ciFailure: z
    .object({
      headSha: z.string(),
      checks: z.array(
        z.object({
          name: z.string(),
          conclusion: z.string(),
          url: z.string().optional(),
          annotations: z.array(z.string()),
          logTail: z.string().optional(),
        }),
      ),
    })
    .optional(),
  secrets: z
    .object({
      prefix: z.string().regex(/^[A-Za-z0-9_]+_$/, 'must be a secret prefix like ENG_'),
      otherPrefixes: z.array(z.string().regex(/^[A-Za-z0-9_]+_$/, 'must be a secret prefix like OPS_')),
    })
    .optional(),
  pipeline: z
    .string()
    .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'must be a pipeline name like implementation')
    .optional(),
  shadow: z.literal(true).optional(),
}) satisfies z.ZodType<DispatchPayload>;

/** The payload could not be read: `message` names the field and what is wrong with it. */
export class PayloadError extends Error {
  override name = 'PayloadError';
}

/**
 * Parses the payload JSON text. Throws `PayloadError` naming every failing field
 * ("payload.issue.identifier: …"), or saying the text is not JSON. Gap-fill and review-fix runs
 * (and ci-fix) need `pullRequest` (they work on an existing PR), and Bedrock runs need `provider.awsRegion`.
 */
export function parsePayload(text: string): DispatchPayload {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new PayloadError(`the payload is not JSON: ${(error as Error).message}`);
  }
  const parsed = PayloadSchema.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map(
      (issue) => `payload.${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new PayloadError(`the payload is invalid — ${fields.join('; ')}`);
  }
  const payload = parsed.data as DispatchPayload;
  if (payload.phase !== 'planning' && payload.phase !== 'implementation' && !payload.pullRequest) {
    throw new PayloadError(
      `the payload is invalid — payload.pullRequest: is required for ${payload.phase} runs`,
    );
  }
  if (payload.provider.name === 'bedrock' && !payload.provider.awsRegion) {
    throw new PayloadError('the payload is invalid — payload.provider.awsRegion: is required for bedrock');
  }
  return payload;
}
