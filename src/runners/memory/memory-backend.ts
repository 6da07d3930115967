import type { IntegrationError } from '../../domain/errors.ts';
import type {
  DispatchReceipt,
  DispatchRequest,
  ExecutionBackend,
  ExecutionMode,
  FoundRun,
} from '../types.ts';

/**
 * The in-memory execution backend: records each dispatch instead of starting a run, and can be
 * told to refuse the next ones. Used by orchestrator tests and by contract checks of the
 * `ExecutionBackend` interface.
 */
export interface MemoryBackend extends ExecutionBackend {
  readonly dispatched: DispatchRequest[];
  /** The next `count` dispatches throw `error`. */
  failNext(error: IntegrationError, count?: number): void;
  /**
   * The next `count` dispatches start their run and then throw `error` (an answer lost after
   * the call was applied, as a 502 from a proxy).
   */
  failNextAfterApplying(error: IntegrationError, count?: number): void;
  /** External ids of cancelled runs. */
  readonly cancelled: string[];
  /** While set, `findRun` throws this (the backend cannot be asked). */
  lookupError: IntegrationError | undefined;
}

export function createMemoryBackend(mode: ExecutionMode = 'github-actions'): MemoryBackend {
  const dispatched: DispatchRequest[] = [];
  const cancelled: string[] = [];
  const failures: { error: IntegrationError; applied: boolean }[] = [];
  return {
    mode,
    dispatched,
    cancelled,
    lookupError: undefined,
    failNext(error, count = 1) {
      for (let i = 0; i < count; i += 1) failures.push({ error, applied: false });
    },
    failNextAfterApplying(error, count = 1) {
      for (let i = 0; i < count; i += 1) failures.push({ error, applied: true });
    },
    async dispatch(request): Promise<DispatchReceipt> {
      const failure = failures.shift();
      if (failure && !failure.applied) throw failure.error;
      dispatched.push(structuredClone(request));
      if (failure) throw failure.error;
      return { externalId: `memory-${dispatched.length}` };
    },
    async findRun(query): Promise<FoundRun> {
      if (this.lookupError) throw this.lookupError;
      const index = dispatched.findIndex((request) => request.payload.dispatchId === query.dispatchId);
      return index < 0 ? { kind: 'absent' } : { kind: 'found', externalId: `memory-${index + 1}` };
    },
    async cancel(run): Promise<void> {
      cancelled.push(run.externalId);
    },
  };
}
