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
let faults: ('503' | 'refused' | 'lost-answer')[];
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

function reporter() {
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
    const response = await app.request(String(input), init);
    if (fault === 'lost-answer') throw new TypeError('fetch failed: socket hang up');
    return response;
  };
  const log = createRunLog({ secrets: [payload.callback!.resultToken], write: (line) => lines.push(line) });
  return createReporter({ callback: payload.callback, log, fetch: network, sleep: async () => undefined });
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
    faults = Array.from({ length: 8 }, () => 'refused' as const);
    expect(await reporter().result(SUCCESS)).toBe('undelivered');
    expect(attempts).toBe(8);
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
