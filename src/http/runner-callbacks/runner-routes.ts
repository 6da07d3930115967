import { Hono, type Context } from 'hono';
import { describeError } from '../../domain/errors.ts';
import { RunProgressSchema, RunResultSchema } from '../../domain/run-result.ts';
import { AnswerPollSchema, RunQuestionSchema } from '../../domain/run-question.ts';
import { handleAnswerPoll, handleRunQuestion } from '../../orchestrator/questions/run-questions.ts';
import type { OrchestratorContext } from '../../orchestrator/context.ts';
import { handleRunProgress, handleRunResult } from '../../orchestrator/run-results.ts';
import { RunTokenError, type RunTokenAudience } from '../../orchestrator/run-tokens.ts';
import { bearerToken } from '../api/auth-routes.ts';
import { readJson } from '../validation.ts';

/**
 * Runner callbacks (CONTRACTS.md §4; seed 002 "Runner callback endpoints"):
 * - `POST /runner/progress` with the reusable progress token → 200;
 * - `POST /runner/result` with the single-use result token → 200 the first time,
 *   200 `{ duplicate: true }` for the same body again, 409 for a different body.
 * - `POST /runner/question` `{ key, pass, question }` with the progress token → 200
 *   `{ ok, questionId }` (the same key again → the same question, asked once; 409 once the run
 *   finished); `POST /runner/answer` `{ questionId }` → 200 `{ ok, answer: null }` while nobody
 *   answered, `{ ok, answer, by }` after (issue 21, src/orchestrator/questions/).
 * All answer 501 while RUNNER_TOKEN_SECRET is unset and 401 for a missing, forged, expired or
 * wrong-audience token. The token is checked before the body, so an unauthenticated caller
 * learns nothing about what a valid body looks like.
 */
export function runnerRoutes(ctx: OrchestratorContext): Hono {
  const app = new Hono();

  app.post('/runner/progress', async (c) => {
    const auth = await authenticate(ctx, c, 'runner-progress');
    if ('response' in auth) return auth.response;
    const body = await readJson(c, RunProgressSchema);
    if (!body.ok) return body.response;
    if (!(await handleRunProgress(ctx, auth.dispatchId, body.value))) {
      return c.json({ error: 'not_found', message: 'unknown dispatch' }, 404);
    }
    return c.json({ ok: true });
  });

  app.post('/runner/question', async (c) => {
    const auth = await authenticate(ctx, c, 'runner-progress');
    if ('response' in auth) return auth.response;
    const body = await readJson(c, RunQuestionSchema);
    if (!body.ok) return body.response;
    let outcome;
    try {
      outcome = await handleRunQuestion(ctx, auth.dispatchId, body.value);
    } catch (error) {
      // Recorded, not yet put to anyone: the runner retries and the same key puts it then.
      ctx.logger.warn({ dispatchId: auth.dispatchId, err: describeError(error) }, 'question not put');
      return c.json({ error: 'tracker_unavailable', message: 'the question could not be posted yet' }, 502);
    }
    if (outcome === 'unknown_dispatch')
      return c.json({ error: 'not_found', message: 'unknown dispatch' }, 404);
    if (outcome === 'finished') {
      return c.json({ error: 'conflict', message: 'the run already finished: nobody can answer it' }, 409);
    }
    return c.json({ ok: true, questionId: outcome.questionId });
  });

  app.post('/runner/answer', async (c) => {
    const auth = await authenticate(ctx, c, 'runner-progress');
    if ('response' in auth) return auth.response;
    const body = await readJson(c, AnswerPollSchema);
    if (!body.ok) return body.response;
    const answer = await handleAnswerPoll(ctx, auth.dispatchId, body.value.questionId);
    if (answer === 'unknown_question') {
      return c.json({ error: 'not_found', message: 'questionId: no such question of this run' }, 404);
    }
    return c.json(answer === 'pending' ? { ok: true, answer: null } : { ok: true, ...answer });
  });

  app.post('/runner/result', async (c) => {
    const auth = await authenticate(ctx, c, 'runner-result');
    if ('response' in auth) return auth.response;
    const body = await readJson(c, RunResultSchema);
    if (!body.ok) return body.response;
    const outcome = await handleRunResult(ctx, auth.dispatchId, body.value);
    switch (outcome) {
      case 'accepted':
        return c.json({ ok: true });
      case 'duplicate':
        return c.json({ ok: true, duplicate: true });
      case 'conflict':
        return c.json(
          { error: 'conflict', message: 'a different result was already recorded for this dispatch' },
          409,
        );
      case 'unknown_dispatch':
        return c.json({ error: 'not_found', message: 'unknown dispatch' }, 404);
    }
  });
  return app;
}

async function authenticate(
  ctx: OrchestratorContext,
  c: Context,
  audience: RunTokenAudience,
): Promise<{ dispatchId: string } | { response: Response }> {
  if (!ctx.callback) {
    return {
      response: c.json(
        {
          error: 'not_implemented',
          message: 'runner callbacks are disabled: RUNNER_TOKEN_SECRET is not set',
        },
        501,
      ),
    };
  }
  const token = bearerToken(c.req.header('authorization'));
  if (!token)
    return { response: c.json({ error: 'unauthorized', message: 'a bearer run token is required' }, 401) };
  try {
    const claims = await ctx.callback.signer.verify(token, audience);
    return { dispatchId: claims.dispatchId };
  } catch (error) {
    const message = error instanceof RunTokenError ? error.message : 'invalid token';
    return { response: c.json({ error: 'unauthorized', message }, 401) };
  }
}
