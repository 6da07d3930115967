import type { RunProgress, RunResult } from '../domain/run-result.ts';
import type { DispatchPayload } from '../runners/types.ts';
import type { RunLog } from './run-log.ts';

/**
 * The runner's side of CONTRACTS.md §4: `POST {callback.url}/runner/progress` for each step's
 * start and end, `POST {callback.url}/runner/result` once at the end. Without a `callback` in the
 * payload (the orchestrator has no RUNNER_CALLBACK_BASE_URL) both only log.
 *
 * The result is retried with exponential backoff on network errors, 429 and 5xx: the orchestrator
 * answers the same body again with 200 `{ duplicate: true }`, so a retry after a lost answer is
 * harmless. A 409 (a different result is locked in), 401 (token refused) or other 4xx is final.
 * Progress reports are best effort: two attempts, and a failure never fails the run.
 */
export interface Reporter {
  progress(report: RunProgress): Promise<void>;
  /** Resolves with how the orchestrator took the result; never throws. */
  result(body: RunResult): Promise<ResultDelivery>;
}

export type ResultDelivery = 'accepted' | 'duplicate' | 'refused' | 'undelivered' | 'no-callback';

export interface ReporterOptions {
  callback: DispatchPayload['callback'];
  log: RunLog;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Attempts for the result (default 8: about 1.5 minutes of backoff in all). */
  resultAttempts?: number;
  /** First backoff delay in ms, doubled per attempt up to 30 s (default 1 000). */
  baseDelayMs?: number;
}

/** One request's time limit: the orchestrator answers in milliseconds unless something is wrong. */
const REQUEST_TIMEOUT_MS = 15_000;
const MAX_DELAY_MS = 30_000;

type Attempt =
  | { kind: 'ok'; duplicate: boolean }
  | { kind: 'final'; status: number; message: string }
  | { kind: 'retry'; reason: string };

export function createReporter(options: ReporterOptions): Reporter {
  const { callback, log } = options;
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const baseDelayMs = options.baseDelayMs ?? 1_000;

  async function post(path: string, token: string, body: unknown): Promise<Attempt> {
    let response: Response;
    try {
      response = await doFetch(`${callback?.url.replace(/\/+$/, '')}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      return { kind: 'retry', reason: (error as Error).message };
    }
    const text = await response.text().catch(() => '');
    if (response.ok) {
      const duplicate = /"duplicate"\s*:\s*true/.test(text);
      return { kind: 'ok', duplicate };
    }
    if (response.status === 429 || response.status >= 500) {
      return { kind: 'retry', reason: `HTTP ${response.status}` };
    }
    return { kind: 'final', status: response.status, message: text.slice(0, 500) };
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
      for (let attempt = 1; attempt <= 2; attempt += 1) {
        const outcome = await post('/runner/progress', callback.progressToken, report);
        if (outcome.kind === 'ok') return;
        if (outcome.kind === 'final') {
          log.warn(`progress report refused (HTTP ${outcome.status}): ${outcome.message}`);
          return;
        }
        if (attempt === 2) log.warn(`progress report not delivered: ${outcome.reason}`);
        else await sleep(Math.min(baseDelayMs, 1_000));
      }
    },

    async result(body) {
      if (!callback) {
        log.warn('no callback in the payload: the result is only in this log', { result: body });
        return 'no-callback';
      }
      const attempts = options.resultAttempts ?? 8;
      for (let attempt = 1; attempt <= attempts; attempt += 1) {
        const outcome = await post('/runner/result', callback.resultToken, body);
        if (outcome.kind === 'ok') {
          log.info(outcome.duplicate ? 'result already recorded (duplicate)' : 'result accepted');
          return outcome.duplicate ? 'duplicate' : 'accepted';
        }
        if (outcome.kind === 'final') {
          const why =
            outcome.status === 409
              ? 'a different result is already locked in for this dispatch'
              : outcome.status === 401
                ? 'the result token was refused (expired, or signed with another RUNNER_TOKEN_SECRET)'
                : `HTTP ${outcome.status}`;
          log.error(`result refused: ${why}: ${outcome.message}`);
          return 'refused';
        }
        if (attempt < attempts) {
          const delay = Math.min(baseDelayMs * 2 ** (attempt - 1), MAX_DELAY_MS);
          log.warn(`result not delivered (${outcome.reason}); retrying in ${delay} ms`, { attempt });
          await sleep(delay);
        } else {
          log.error(`result not delivered after ${attempts} attempts (${outcome.reason})`, { result: body });
        }
      }
      return 'undelivered';
    },
  };
}
