import type { IntegrationError } from '../../domain/errors.ts';
import type { DispatchReceipt, DispatchRequest, ExecutionBackend, ExecutionMode } from '../types.ts';

/**
 * The in-memory execution backend: records each dispatch instead of starting a run, and can be
 * told to refuse the next ones. Used by orchestrator tests and by contract checks of the
 * `ExecutionBackend` interface.
 */
export interface MemoryBackend extends ExecutionBackend {
  readonly dispatched: DispatchRequest[];
  /** The next `count` dispatches throw `error`. */
  failNext(error: IntegrationError, count?: number): void;
}

export function createMemoryBackend(mode: ExecutionMode = 'github-actions'): MemoryBackend {
  const dispatched: DispatchRequest[] = [];
  const failures: IntegrationError[] = [];
  return {
    mode,
    dispatched,
    failNext(error, count = 1) {
      for (let i = 0; i < count; i += 1) failures.push(error);
    },
    async dispatch(request): Promise<DispatchReceipt> {
      const failure = failures.shift();
      if (failure) throw failure;
      dispatched.push(structuredClone(request));
      return { externalId: `memory-${dispatched.length}` };
    },
  };
}
