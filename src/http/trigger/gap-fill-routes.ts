import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import type { PullRequestLoop } from '../../orchestrator/follow-ups/pull-request-loop.ts';
import { bearerToken } from '../api/auth-routes.ts';
import { readJson } from '../validation.ts';

export interface GapFillTriggerDeps {
  /** GAP_FILL_TRIGGER_SECRET; unset → 503. */
  secret: string | undefined;
  loop: PullRequestLoop | undefined;
}

/** The body comment-trigger.yml sends (CONTRACTS.md §6). */
const GapFillTriggerSchema = z
  .object({
    repository: z
      .string({ error: 'is required: "owner/repo"' })
      .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be "owner/repo"'),
    pullRequest: z
      .number({ error: 'is required: the pull request number' })
      .int('must be a whole number')
      .positive('must be a pull request number (1 or more)'),
    commentId: z.number().int('must be a whole number').positive('must be a comment id').optional(),
    commenter: z
      .string()
      .regex(/^[A-Za-z0-9-]+(\[bot\])?$/, 'must be a GitHub login')
      .optional(),
  })
  .strict();

/**
 * `POST /trigger/gap-fill` (CONTRACTS.md §6): `comment-trigger.yml` in a target repository
 * reports an `/ai-implement` comment. 503 while GAP_FILL_TRIGGER_SECRET is unset; 401 unless
 * `Authorization: Bearer <secret>` (compared in constant time); 400 naming each bad field;
 * 404 for a PR the orchestrator did not open; 202 `{ dispatchId }` when a gap-fill run is
 * dispatched (also when the same `commentId` already started one — `duplicate: true`); 200
 * `{ skipped, detail }` when the admission gate or the PR's state refuses it.
 */
export function gapFillTriggerRoutes(deps: GapFillTriggerDeps): Hono {
  const app = new Hono();
  const expected = deps.secret ? sha256(deps.secret) : undefined;

  app.post('/trigger/gap-fill', async (c) => {
    if (!expected || !deps.loop) {
      return c.json(
        { error: 'disabled', message: 'the gap-fill trigger is disabled: set GAP_FILL_TRIGGER_SECRET' },
        503,
      );
    }
    const token = bearerToken(c.req.header('authorization'));
    if (!token || !timingSafeEqual(sha256(token), expected)) {
      return c.json(
        {
          error: 'unauthorized',
          message:
            'send Authorization: Bearer <GAP_FILL_TRIGGER_SECRET> (the repository secret of comment-trigger.yml)',
        },
        401,
      );
    }
    const body = await readJson(c, GapFillTriggerSchema);
    if (!body.ok) return body.response;
    const { repository, pullRequest, commentId, commenter } = body.value;
    const outcome = await deps.loop.requestGapFill({
      repo: repository,
      number: pullRequest,
      ...(commentId !== undefined ? { commentId } : {}),
      ...(commenter !== undefined ? { commenter } : {}),
    });
    if (outcome.status === 'not_found') return c.json({ error: 'not_found', message: outcome.detail }, 404);
    if (outcome.status === 'skipped') return c.json({ skipped: outcome.reason, detail: outcome.detail });
    return c.json({ dispatchId: outcome.dispatchId, ...(outcome.duplicate ? { duplicate: true } : {}) }, 202);
  });
  return app;
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
