import type { Logger } from 'pino';
import { describeError } from '../../domain/errors.ts';
import type { PullRequestLoop } from './pull-request-loop.ts';

export interface Sweeper {
  stop(): Promise<void>;
}

/**
 * Runs `loop.sweep()` every `intervalMs` (the poll interval), never two at once: feedback that
 * waited for review providers, for a run in flight or for a free slot is dispatched here when
 * no webhook or result comes to do it. The sweep runs on the loop's work queue, so it never
 * races the handling of a webhook.
 *
 * `isLeader` (leadership.ts) is asked before each sweep: only the leader replica sweeps.
 */
export function startFollowUpSweeper(
  loop: PullRequestLoop,
  intervalMs: number,
  logger: Logger,
  isLeader: () => Promise<boolean> = async () => true,
): Sweeper {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = () => {
    if (!stopped) timer = setTimeout(run, intervalMs);
  };
  const run = () => {
    loop.queue.push('follow-up sweep', async () => {
      try {
        if (!(await isLeader())) return;
        const lines = await loop.sweep();
        if (lines.length > 0) logger.info({ sweep: lines }, 'follow-up sweep');
      } catch (error) {
        logger.error({ err: describeError(error) }, 'follow-up sweep failed');
      } finally {
        schedule();
      }
    });
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await loop.queue.idle();
    },
  };
}
