import pRetry, { AbortError } from 'p-retry';
import { z } from 'zod';
import type { RunProgress, RunResult } from '../domain/run-result.ts';
import type { DispatchPayload } from '../runners/types.ts';
import type { RunLog } from './run-log.ts';

/**
 * The runner's side of CONTRACTS.md §4: `POST {callback.url}/runner/progress` for each step's
 * start and end, `POST {callback.url}/runner/result` once at the end. Without a `callback` in the
 * payload (the orchestrator has no RUNNER_CALLBACK_BASE_URL) both only log.
 *
 * The result is retried (p-retry, jittered exponential backoff) on network errors, 429 and 5xx:
 * the orchestrator answers the same body again with 200 `{ "ok": true, "duplicate": true }`, so a
 * retry after a lost answer is harmless and is recognised from the parsed JSON body. A 409 (a
 * different result is locked in), 401 (token refused) or other 4xx is final. A 2xx whose body is
 * not the orchestrator's JSON (a proxy's page) is not taken as delivered: it is retried too.
 * Progress reports are best effort: two attempts, and a failure never fails the run.
 */
export interface Reporter {
  progress(report: RunProgress): Promise<void>;
  /** Resolves with how the orchestrator took the result; never throws. */
  result(body: RunResult): Promise<ResultDelivery>;
  /**
   * `POST /runner/question` (progress token): the agent's question for a person; resolves with
   * the question's id. `key` names the question within the run (the same key again is the same
   * question: a retry after a lost answer asks nothing twice). Retried like the result; throws
   * when it cannot be delivered or there is no callback (nobody could answer).
   */
  ask(body: { key: string; pass: string; question: string }): Promise<string>;
  /**
   * `POST /runner/answer` (progress token): the person's reply to question `questionId`, or
   * undefined while there is none. One attempt; throws on failure (the caller polls again).
   */
  answer(questionId: string): Promise<{ answer: string; by?: string } | undefined>;
}

export type ResultDelivery = 'accepted' | 'duplicate' | 'refused' | 'undelivered' | 'no-callback';

export interface ReporterOptions {
  callback: DispatchPayload['callback'];
  log: RunLog;
  fetch?: typeof fetch;
  /** Attempts for the result (default 8: about 1.5 minutes of backoff in all). */
  resultAttempts?: number;
  /** First backoff delay in ms, doubled per retry (×1–2 jitter) up to 30 s (default 1 000). */
  baseDelayMs?: number;
}

/** One request's time limit: the orchestrator answers in milliseconds unless something is wrong. */
const REQUEST_TIMEOUT_MS = 15_000;
const MAX_DELAY_MS = 30_000;

/** What `/runner/*` answers (src/http/runner-callbacks/runner-routes.ts), as far as the runner reads it. */
const CallbackAnswer = z.object({
  ok: z.boolean().optional(),
  duplicate: z.boolean().optional(),
  questionId: z.string().optional(),
  answer: z.string().nullable().optional(),
  by: z.string().nullable().optional(),
  error: z.string().optional(),
  message: z.string().optional(),
});
type CallbackAnswer = z.infer<typeof CallbackAnswer>;

/** A call that did not get an accepting answer; `final` ones are not retried. */
class CallbackError extends Error {
  override name = 'CallbackError';
  /** The HTTP status, or undefined when no answer came (network error, timeout). */
  readonly status: number | undefined;
  constructor(message: string, status: number | undefined) {
    super(message);
    this.status = status;
  }
}

function answerOf(text: string): CallbackAnswer | undefined {
  try {
    const parsed = CallbackAnswer.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function createReporter(options: ReporterOptions): Reporter {
  const { callback, log } = options;
  const doFetch = options.fetch ?? fetch;
  const baseDelayMs = options.baseDelayMs ?? 1_000;

  /** The message without the token, should a network error ever quote the request. */
  const scrub = (message: string, token: string) => message.replaceAll(token, '[redacted]');

  /**
   * One POST. Resolves with the parsed answer of a 2xx; throws `AbortError(CallbackError)` for a
   * final 4xx and `CallbackError` for what is worth retrying.
   */
  async function post(path: string, token: string, body: unknown): Promise<CallbackAnswer> {
    let response: Response;
    try {
      response = await doFetch(`${callback?.url.replace(/\/+$/, '')}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      // Wrapped: p-retry gives up at once on a TypeError it does not recognise as a network error.
      throw new CallbackError(scrub((error as Error).message, token), undefined);
    }
    const text = await response.text().catch(() => '');
    const answer = answerOf(text);
    if (response.ok) {
      if (answer) return answer;
      throw new CallbackError(
        `HTTP ${response.status} without the orchestrator's JSON answer`,
        response.status,
      );
    }
    if (response.status === 429 || response.status >= 500) {
      throw new CallbackError(`HTTP ${response.status}`, response.status);
    }
    const detail = answer?.message ?? answer?.error ?? text.slice(0, 500);
    throw new AbortError(new CallbackError(scrub(detail, token), response.status));
  }

  function send(path: string, token: string, body: unknown, attempts: number, what: string) {
    return pRetry(() => post(path, token, body), {
      retries: attempts - 1,
      factor: 2,
      minTimeout: baseDelayMs,
      maxTimeout: MAX_DELAY_MS,
      randomize: true,
      onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft > 0) {
          log.warn(`${what} not delivered (${error.message}); retrying with backoff`, {
            attempt: attemptNumber,
            of: attempts,
          });
        }
      },
    });
  }

  return {
    async progress(report) {
      if (!callback) {
        log.info(
          `step ${report.step} ${report.status}`,
          report.elapsedMs === undefined ? {} : { elapsedMs: report.elapsedMs },
        );
        return;
      }
      try {
        await send('/runner/progress', callback.progressToken, report, 2, 'progress report');
      } catch (error) {
        const status = error instanceof CallbackError ? error.status : undefined;
        const message = (error as Error).message;
        if (status !== undefined && status < 500 && status !== 429) {
          log.warn(`progress report refused (HTTP ${status}): ${message}`);
        } else {
          log.warn(`progress report not delivered: ${message}`);
        }
      }
    },

    async ask(body) {
      if (!callback) {
        throw new CallbackError(
          'no callback in the payload: a question cannot reach anyone, so this run cannot ask',
          undefined,
        );
      }
      const answer = await send('/runner/question', callback.progressToken, body, 6, 'question');
      if (!answer.questionId) throw new CallbackError('the orchestrator answered without a questionId', 200);
      return answer.questionId;
    },

    async answer(questionId) {
      if (!callback) return undefined;
      const answer = await post('/runner/answer', callback.progressToken, { questionId });
      return typeof answer.answer === 'string'
        ? { answer: answer.answer, ...(answer.by ? { by: answer.by } : {}) }
        : undefined;
    },

    async result(body) {
      if (!callback) {
        log.warn('no callback in the payload: the result is only in this log', { result: body });
        return 'no-callback';
      }
      const attempts = options.resultAttempts ?? 8;
      try {
        const answer = await send('/runner/result', callback.resultToken, body, attempts, 'result');
        log.info(answer.duplicate ? 'result already recorded (duplicate)' : 'result accepted');
        return answer.duplicate ? 'duplicate' : 'accepted';
      } catch (error) {
        const status = error instanceof CallbackError ? error.status : undefined;
        const message = (error as Error).message;
        if (status !== undefined && status < 500 && status !== 429 && status >= 400) {
          const why =
            status === 409
              ? 'a different result is already locked in for this dispatch'
              : status === 401
                ? 'the result token was refused (expired, or signed with another RUNNER_TOKEN_SECRET)'
                : `HTTP ${status}`;
          log.error(`result refused: ${why}: ${message}`);
          return 'refused';
        }
        log.error(`result not delivered after ${attempts} attempts (${message})`, { result: body });
        return 'undelivered';
      }
    },
  };
}
