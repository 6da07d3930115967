import { Mutex } from 'async-mutex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { MappingInputSchema, type MappingInput } from '../../src/domain/mapping.ts';
import { createNoopNotifier } from '../../src/notify/registry.ts';
import type { NotificationEvent, Notifier } from '../../src/notify/types.ts';
import { DEFAULT_POLICY, type OrchestratorContext } from '../../src/orchestrator/context.ts';
import { createKeyedLock } from '../../src/orchestrator/keyed-lock.ts';
import { createRunTokenSigner } from '../../src/orchestrator/run-tokens.ts';
import { createMemoryBackend, type MemoryBackend } from '../../src/runners/memory/memory-backend.ts';
import { openStore, type Store } from '../../src/store/database.ts';
import { upsertMapping } from '../../src/store/mappings.ts';
import {
  createMemoryProvider,
  type MemoryTicketingProvider,
} from '../../src/ticketing/memory/memory-provider.ts';

/** An orchestrator wired to in-memory fakes, a temp SQLite file and a clock the test moves. */
export interface Harness {
  ctx: OrchestratorContext;
  store: Store;
  linear: MemoryTicketingProvider;
  backend: MemoryBackend;
  notifications: NotificationEvent[];
  advance(ms: number): void;
  addMapping(input: Partial<MappingInput> & { teamKey: string }): Promise<void>;
  close(): Promise<void>;
}

export const TOKEN_SECRET = 'test-runner-token-secret-0123456789';

export async function createHarness(): Promise<Harness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-implement-harness-'));
  const store = await openStore({ kind: 'sqlite', path: path.join(dir, 'test.sqlite') });
  let now = new Date('2026-11-21T09:00:00.000Z').getTime();
  const clock = () => new Date(now);
  const linear = createMemoryProvider({ name: 'linear' });
  const backend = createMemoryBackend();
  const notifications: NotificationEvent[] = [];
  const noop = createNoopNotifier();
  const notifier: Notifier = {
    kind: noop.kind,
    async notify(event) {
      notifications.push(event);
    },
  };
  const ctx: OrchestratorContext = {
    db: store.db,
    ticketing: new Map([['linear', linear]]),
    backends: new Map([['github-actions', backend]]),
    runnerMode: async () => 'default',
    callback: { baseUrl: 'https://orchestrator.test', signer: createRunTokenSigner(TOKEN_SECRET, clock) },
    defaultImage: undefined,
    notifier,
    logger: pino({ level: 'silent' }),
    clock,
    // The fake repositories' heads have no checks unless a test plants some: none at once.
    policy: { ...DEFAULT_POLICY, ciChecksGraceMs: 0 },
    dispatchLock: new Mutex(),
    ticketLock: createKeyedLock(),
    callsInProgress: new Set(),
  };
  return {
    ctx,
    store,
    linear,
    backend,
    notifications,
    advance(ms) {
      now += ms;
    },
    async addMapping(input) {
      const mapping = MappingInputSchema.parse({
        owner: 'acme',
        repo: 'api',
        defaultBranch: 'main',
        ...input,
      });
      await upsertMapping(store.db, mapping, clock());
    },
    async close() {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
