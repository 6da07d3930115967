import { describeError } from '../../domain/errors.ts';

/**
 * Background work, one job at a time in arrival order: webhook deliveries are answered at once
 * and handled here, and serial handling means two events on one PR never race each other.
 */
export interface WorkQueue {
  /** Queues `job`; its failure is logged, never thrown at the caller. */
  push(name: string, job: () => Promise<void>): void;
  /** Resolves when every job queued so far (and any they queue) has finished. */
  idle(): Promise<void>;
  /** Jobs queued or running. */
  readonly size: number;
}

export interface WorkQueueLogger {
  error(fields: Record<string, unknown>, message: string): void;
}

/**
 * `exclusive` wraps each job: with replicas (docs/decisions/replicas.md) a lock every replica
 * shares, so jobs run one at a time across processes as they do within one. Default: none.
 */
export function createWorkQueue(
  logger: WorkQueueLogger,
  exclusive: (job: () => Promise<void>) => Promise<void> = (job) => job(),
): WorkQueue {
  let tail: Promise<void> = Promise.resolve();
  let size = 0;
  return {
    push(name, job) {
      size += 1;
      tail = tail
        .then(() => exclusive(job))
        .catch((error: unknown) => logger.error({ job: name, err: describeError(error) }, `${name} failed`))
        .finally(() => {
          size -= 1;
        });
    },
    async idle() {
      // A job may queue another one; wait until the chain stops growing.
      for (;;) {
        const current = tail;
        await current;
        if (current === tail) return;
      }
    },
    get size() {
      return size;
    },
  };
}
