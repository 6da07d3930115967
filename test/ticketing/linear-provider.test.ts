import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IntegrationError } from '../../src/domain/errors.ts';
import {
  createLinearProvider,
  type LinearProviderOptions,
} from '../../src/ticketing/linear/linear-provider.ts';
import type { TicketingProvider, TicketRef } from '../../src/ticketing/types.ts';
import {
  startFakeLinear,
  type FakeLinear,
  type InjectedFailure,
} from '../fakes/linear/fake-linear-server.ts';
import { runTicketingContract } from './ticketing-contract.ts';
import { linearMapping } from './ticketing-harness.ts';

/** Retries fast: a few ms of backoff instead of seconds, and waits recorded instead of slept. */
function fastOptions(fake: FakeLinear, sleeps: number[] = []): LinearProviderOptions {
  return {
    apiKey: fake.apiKey,
    apiUrl: fake.url,
    retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 5_000 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
}

runTicketingContract('linear (fake Linear server)', async () => {
  const fake = await startFakeLinear();
  return {
    provider: createLinearProvider(fastOptions(fake)),
    addTeam: fake.addTeam,
    addLabel: fake.addLabel,
    addIssue: fake.addIssue,
    updateIssue: fake.updateIssue,
    getIssue: fake.getIssue,
    teamLabels: fake.teamLabels,
    async close() {
      await fake.close();
      fake.assertNoRejections();
    },
  };
});

describe('linear provider against the fake Linear server', () => {
  let fake: FakeLinear;
  let provider: TicketingProvider;
  let sleeps: number[];
  const ref = (issue: { id: string; identifier: string }, teamKey = 'ENG'): TicketRef => ({
    ...issue,
    teamKey,
  });
  const requestsDuring = async (action: () => Promise<unknown>) => {
    const before = fake.requestCount;
    await action();
    return fake.lastRequests(fake.requestCount - before);
  };
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected the call to fail');
      },
      (error: unknown) => {
        expect(error).toBeInstanceOf(IntegrationError);
        return error as IntegrationError;
      },
    );

  beforeEach(async () => {
    fake = await startFakeLinear();
    sleeps = [];
    provider = createLinearProvider(fastOptions(fake, sleeps));
    fake.addTeam({ key: 'ENG' });
  });
  afterEach(async () => {
    await fake.close();
    fake.assertNoRejections();
  });

  it('fetches candidates of three mapped teams in exactly one request', async () => {
    fake.addTeam({ key: 'WEB' });
    fake.addTeam({ key: 'OPS' });
    for (const team of ['ENG', 'WEB', 'OPS']) fake.addIssue({ team, labels: ['AI-Implement'] });

    let tickets: { teamKey: string }[] = [];
    const requests = await requestsDuring(async () => {
      tickets = await provider.fetchCandidates(['ENG', 'WEB', 'OPS'].map(linearMapping));
    });

    expect(requests.map((r) => r.operationName)).toEqual(['AiImplementCandidates']);
    expect(tickets.map((t) => t.teamKey).sort()).toEqual(['ENG', 'OPS', 'WEB']);
  });

  it('follows pages of 250 when the candidates do not fit in one', async () => {
    for (let i = 0; i < 260; i += 1) fake.addIssue({ team: 'ENG', labels: ['AI-Implement'] });

    let count = 0;
    const requests = await requestsDuring(async () => {
      count = new Set((await provider.fetchCandidates([linearMapping('ENG')])).map((t) => t.id)).size;
    });

    expect(count).toBe(260);
    expect(requests.map((r) => [r.variables.first, r.variables.after])).toEqual([
      [250, null],
      [250, expect.any(String)],
    ]);
  });

  it('reads details by id 50 at a time, and every blocker past the first page of relations', async () => {
    const blockers = Array.from({ length: 12 }, (_, i) =>
      fake.addIssue({ team: 'ENG', title: `Blocker ${i}`, state: i === 11 ? 'Todo' : 'Done' }),
    );
    const blocked = fake.addIssue({
      team: 'ENG',
      labels: ['AI-Implement'],
      blockedBy: blockers.map((b) => b.id),
    });
    const others = Array.from({ length: 55 }, () => fake.addIssue({ team: 'ENG', labels: ['AI-Implement'] }));

    let tickets = new Map<string, { dependencies: { identifier: string; resolved: boolean }[] }>();
    const requests = await requestsDuring(async () => {
      tickets = await provider.getTickets([blocked.id, ...others.map((o) => o.id)]);
    });

    expect(tickets.size).toBe(56);
    expect(requests.map((r) => r.operationName)).toEqual([
      'AiImplementIssues',
      'AiImplementIssueRelations',
      'AiImplementIssues',
    ]);
    const dependencies = tickets.get(blocked.id)?.dependencies ?? [];
    expect(dependencies).toHaveLength(12);
    expect(dependencies.filter((d) => !d.resolved).map((d) => d.identifier)).toEqual([
      blockers[11]!.identifier,
    ]);
  });

  it('makes no request without Linear mappings or ids', async () => {
    const requests = await requestsDuring(async () => {
      await provider.fetchCandidates([]);
      await provider.getTickets([]);
    });
    expect(requests).toHaveLength(0);
  });

  it.each<InjectedFailure>(['http-429', 'ratelimited-200', 'ratelimited-400'])(
    'retries a rate limit (%s) and then succeeds',
    async (kind) => {
      fake.addIssue({ team: 'ENG', labels: ['AI-Implement'] });
      fake.failNext(kind, 2, { resetInMs: 300 });

      let tickets: unknown[] = [];
      const requests = await requestsDuring(async () => {
        tickets = await provider.fetchCandidates([linearMapping('ENG')]);
      });

      expect(tickets).toHaveLength(1);
      expect(requests.map((r) => r.status)).toEqual([
        kind === 'http-429' ? 429 : kind === 'ratelimited-200' ? 200 : 400,
        expect.any(Number),
        200,
      ]);
      // It waited for X-RateLimit-Requests-Reset (epoch ms) each time.
      expect(sleeps).toHaveLength(2);
      for (const waited of sleeps) expect(waited).toBeGreaterThan(100);
      for (const waited of sleeps) expect(waited).toBeLessThanOrEqual(300);
    },
  );

  it('honours Retry-After when Linear sends it', async () => {
    fake.failNext('http-429', 1, { retryAfterSeconds: 2, resetInMs: 3_600_000 });
    expect(await provider.checkConnection()).toMatchObject({ ok: true });
    expect(sleeps).toEqual([2_000]);
  });

  it('does not wait in place for a reset far away: rate_limited with retryAfterMs', async () => {
    fake.failNext('ratelimited-400', 1, { resetInMs: 3_600_000 });

    const error = await failure(provider.fetchCandidates([linearMapping('ENG')]));

    expect(error.category).toBe('rate_limited');
    expect(error.retryAfterMs).toBeGreaterThan(3_500_000);
    expect(fake.requestCount).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('gives up on a persistent 500 with a transient error after the retries', async () => {
    fake.failNext('http-500', 10);

    const error = await failure(provider.fetchCandidates([linearMapping('ENG')]));

    expect(error.category).toBe('transient');
    expect(fake.requestCount).toBe(3); // the first attempt and 2 retries
  });

  it('reports an unreachable Linear as transient', async () => {
    const gone = await startFakeLinear();
    await gone.close();
    const unreachable = createLinearProvider({ ...fastOptions(gone), retry: { retries: 0 } });

    const error = await failure(unreachable.getTickets(['00000000-0000-4000-8000-000000000000']));

    expect(error.category).toBe('transient');
  });

  it('reports a bad API key as an auth error, without retrying and without echoing the key', async () => {
    const badKey = 'lin_api_not_the_right_one';
    const unauthorized = createLinearProvider({ ...fastOptions(fake), apiKey: badKey });

    const error = await failure(unauthorized.fetchCandidates([linearMapping('ENG')]));

    expect(error.category).toBe('auth');
    expect(error.message).toContain('LINEAR_API_KEY');
    expect(error.message).not.toContain(badKey);
    expect(fake.requestCount).toBe(1);
    expect(await unauthorized.checkConnection()).toEqual({ ok: false, detail: error.message });
  });

  it('names the API key’s user when the connection works', async () => {
    expect(await provider.checkConnection()).toEqual({
      ok: true,
      detail: 'Connected to Linear as AI-Implement Bot',
    });
  });

  it('caches the marker label id per team: one lookup, one creation', async () => {
    const first = fake.addIssue({ team: 'ENG' });
    const second = fake.addIssue({ team: 'ENG' });

    const firstRequests = await requestsDuring(() => provider.setMarker(ref(first), 'planning'));
    const secondRequests = await requestsDuring(() => provider.setMarker(ref(second), 'planning'));

    expect(firstRequests.map((r) => r.operationName)).toEqual([
      'AiImplementMarkerContext',
      'AiImplementCreateLabel',
      'AiImplementUpdateIssue',
    ]);
    expect(secondRequests.map((r) => r.operationName)).toEqual([
      'AiImplementMarkerContext',
      'AiImplementUpdateIssue',
    ]);
    expect(secondRequests[0]?.variables.lookupLabel).toBe(false);
    expect(fake.getIssue(second.id)?.labels).toEqual(['AI-Planning']);
  });

  it('swaps markers and moves the state in a single update', async () => {
    const issue = fake.addIssue({ team: 'ENG', labels: ['AI-Implement'] });
    fake.addLabel({ name: 'AI-Working', team: 'ENG' });

    const requests = await requestsDuring(() =>
      provider.setMarker(ref(issue), 'working', { moveToStarted: true }),
    );

    expect(requests.map((r) => r.operationName)).toEqual([
      'AiImplementMarkerContext',
      'AiImplementUpdateIssue',
    ]);
    expect(fake.getIssue(issue.id)).toMatchObject({ labels: ['AI-Working'], state: { name: 'In Progress' } });
  });

  it('recovers when a cached label was deleted in Linear', async () => {
    const first = fake.addIssue({ team: 'ENG' });
    const second = fake.addIssue({ team: 'ENG' });
    await provider.setMarker(ref(first), 'planning');
    fake.deleteLabel('AI-Planning', 'ENG');

    await provider.setMarker(ref(second), 'planning');

    expect(fake.getIssue(second.id)?.labels).toEqual(['AI-Planning']);
    expect(fake.teamLabels('ENG')).toEqual(['AI-Planning']);
  });

  it('uses the issue’s current team when the ref’s team key is stale', async () => {
    fake.addTeam({ key: 'WEB' });
    const first = fake.addIssue({ team: 'ENG' });
    const moved = fake.addIssue({ team: 'ENG' });
    await provider.setMarker(ref(first), 'planning');
    fake.updateIssue(moved.id, { team: 'WEB' });

    await provider.setMarker(ref(moved, 'ENG'), 'planning');

    expect(fake.getIssue(moved.id)).toMatchObject({ teamKey: 'WEB', labels: ['AI-Planning'] });
    expect(fake.teamLabels('WEB')).toEqual(['AI-Planning']);
  });

  it('sends no update when the marker is already set', async () => {
    const issue = fake.addIssue({ team: 'ENG', labels: ['AI-Working', 'Bug'] });
    const requests = await requestsDuring(() => provider.setMarker(ref(issue), 'working'));
    expect(requests.map((r) => r.operationName)).toEqual(['AiImplementMarkerContext']);
  });

  it('reports a team without a started state as invalid', async () => {
    fake.addTeam({
      key: 'TINY',
      states: [
        { name: 'Todo', type: 'unstarted' },
        { name: 'Done', type: 'completed' },
      ],
    });
    const issue = fake.addIssue({ team: 'TINY' });

    const error = await failure(provider.setMarker(ref(issue, 'TINY'), 'working', { moveToStarted: true }));

    expect(error.category).toBe('invalid');
    expect(error.message).toContain('TINY');
  });
});
