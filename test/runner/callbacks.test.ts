import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/domain/run-result.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { requestRun } from '../../src/orchestrator/request-run.ts';
import { createReporter } from '../../src/runner/callbacks.ts';
import { createRunLog } from '../../src/runner/run-log.ts';
import type { DispatchPayload } from '../../src/runners/types.ts';
import { getDispatch } from '../../src/store/dispatches.ts';
import { getMapping } from '../../src/store/mappings.ts';
import { listStepsOfJob } from '../../src/store/run-steps.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';

/**
 * The runner's callback client against the orchestrator's real routes (createHttpApp over the
 * harness), through a fetch that can lose requests or answers the way a network does.
 */
let h: Harness;
let payload: DispatchPayload;
let lines: string[];
/** What the "network" does with the next calls: deliver, fail before, or lose the answer after. */
let faults: ('503' | '429' | 'refused' | 'lost-answer' | 'html-200' | 'leaky-error')[];
let attempts: number;

beforeEach(async () => {
  h = await createHarness();
  h.linear.addTeam({ key: 'ENG' });
  const issue = h.linear.addIssue({ team: 'ENG', title: 'Export users', labels: ['AI-Implement'] });
  await h.addMapping({ teamKey: 'ENG' });
  const ticket = (await h.linear.getTickets([issue.id])).get(issue.id)!;
  await requestRun(h.ctx, {
    kind: 'pickup',
    phase: 'implementation',
    ticket,
    mapping: (await getMapping(h.store.db, 'ENG'))!,
  });
  payload = h.backend.dispatched[0]!.payload;
  lines = [];
  faults = [];
  attempts = 0;
});
afterEach(() => h.close());

function reporter(options: { baseDelayMs?: number; secretsInLog?: boolean } = {}) {
  const app = createHttpApp({
    orchestrator: h.ctx,
    adminAccessCode: undefined,
    statusChecks: async () => [],
  });
  const network: typeof fetch = async (input, init) => {
    attempts += 1;
    const fault = faults.shift();
    if (fault === 'refused') throw new TypeError('fetch failed: ECONNREFUSED');
    if (fault === '503') return new Response('{"error":"unavailable"}', { status: 503 });
    if (fault === '429') return new Response('{"error":"rate_limited"}', { status: 429 });
    // A proxy's page: a 2xx that is not the orchestrator's answer is not a delivery.
    if (fault === 'html-200') return new Response('<html>"duplicate": true</html>', { status: 200 });
    if (fault === 'leaky-error') {
      const auth = new Headers(init?.headers).get('authorization');
      throw new Error(`connect ETIMEDOUT while sending ${auth}`);
    }
    const response = await app.request(String(input), init);
    if (fault === 'lost-answer') throw new TypeError('fetch failed: socket hang up');
    return response;
  };
  // Without `secretsInLog` the log masks nothing, so only the reporter keeps the token out of it.
  const secrets = options.secretsInLog === false ? [] : [payload.callback!.resultToken];
  const log = createRunLog({ secrets, write: (line) => lines.push(line) });
  return createReporter({
    callback: payload.callback,
    log,
    fetch: network,
    baseDelayMs: options.baseDelayMs ?? 1,
  });
}

const SUCCESS: RunResult = {
  status: 'success',
  prUrl: 'https://github.com/acme/api/pull/7',
  branch: 'ai-implement/eng-1',
  usage: { costUsd: 0.5, inputTokens: 10, outputTokens: 5, turns: 3 },
};

describe('reporting the result', () => {
  it('retries through refused connections and 5xx until the orchestrator takes it', async () => {
    faults = ['refused', '503', '503'];
    expect(await reporter().result(SUCCESS)).toBe('accepted');
    expect(attempts).toBe(4);
    expect(await getDispatch(h.store.db, payload.dispatchId)).toMatchObject({
      status: 'succeeded',
      pr_number: 7,
    });
  });

  it('backs off exponentially between retries of 429 and 5xx', async () => {
    faults = ['503', '429', '503'];
    const started = performance.now();
    expect(await reporter({ baseDelayMs: 40 }).result(SUCCESS)).toBe('accepted');
    // 40 + 80 + 160 ms at least (the jitter only lengthens them).
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
    expect(attempts).toBe(4);
    expect(lines.filter((line) => line.includes('retrying with backoff'))).toHaveLength(3);
  });

  it('does not take a 2xx without the orchestrator\'s JSON as delivered, even if it mentions "duplicate"', async () => {
    faults = ['html-200'];
    expect(await reporter().result(SUCCESS)).toBe('accepted');
    expect(attempts).toBe(2);
  });

  it('stops at once on a 4xx other than 429', async () => {
    const app = reporter();
    const forged = createReporter({
      callback: { ...payload.callback!, resultToken: 'not-a-run-token' },
      log: createRunLog({ secrets: [], write: (line) => lines.push(line) }),
      fetch: async (input, init) => {
        attempts += 1;
        return createHttpApp({
          orchestrator: h.ctx,
          adminAccessCode: undefined,
          statusChecks: async () => [],
        }).request(String(input), init);
      },
      baseDelayMs: 1,
    });
    expect(await forged.result(SUCCESS)).toBe('refused');
    expect(attempts).toBe(1);
    expect(lines.join('')).toMatch(/the result token was refused/);
    expect(await app.result(SUCCESS)).toBe('accepted');
  });

  it('treats an answer lost after delivery as delivered: the retry is a duplicate, nothing changes', async () => {
    faults = ['lost-answer'];
    expect(await reporter().result(SUCCESS)).toBe('duplicate');
    expect(attempts).toBe(2);
    expect(await getDispatch(h.store.db, payload.dispatchId)).toMatchObject({ status: 'succeeded' });
  });

  it('stops at once on a conflict: the first result stays locked in', async () => {
    expect(await reporter().result(SUCCESS)).toBe('accepted');
    attempts = 0;
    expect(await reporter().result({ status: 'failure', error: 'step verify failed: x' })).toBe('refused');
    expect(attempts).toBe(1);
    expect(lines.join('')).toMatch(/a different result is already locked in/);
    expect(await getDispatch(h.store.db, payload.dispatchId)).toMatchObject({ status: 'succeeded' });
  });

  it('gives up after its attempts when the orchestrator stays away, and never logs the token', async () => {
    faults = ['leaky-error', ...Array.from({ length: 7 }, () => 'refused' as const)];
    expect(await reporter({ secretsInLog: false }).result(SUCCESS)).toBe('undelivered');
    expect(attempts).toBe(8);
    expect(lines.join('')).toMatch(/ETIMEDOUT while sending Bearer \[redacted\]/);
    expect(lines.join('')).not.toContain(payload.callback!.resultToken);
  });

  it('reports progress that /api/jobs/:jobId/steps shows, and shrugs off a lost report', async () => {
    const report = reporter();
    faults = ['refused', 'refused'];
    await report.progress({ step: 'checkout', status: 'started' });
    await report.progress({ step: 'checkout', status: 'succeeded', elapsedMs: 12, output: { sha: 'abc' } });
    const steps = await listStepsOfJob(h.store.db, payload.dispatchId);
    expect(steps.map((step) => [step.step, step.status, step.elapsed_ms])).toEqual([
      ['checkout', 'succeeded', 12],
    ]);
    expect(lines.join('')).toMatch(/progress report not delivered/);
  });
});
