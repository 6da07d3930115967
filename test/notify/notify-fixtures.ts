import pino, { type Logger } from 'pino';
import type { NotificationEvent, NotifiedRun } from '../../src/notify/types.ts';

/** A pino logger whose lines land in `lines` (one JSON string per line). */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

export const RUN: NotifiedRun = {
  issue: {
    identifier: 'ENG-123',
    title: 'Add <b>dark</b> mode & fix *bold* [links](x)',
    url: 'https://linear.app/acme/issue/ENG-123',
  },
  repo: 'acme/web_app',
  phase: 'implementation',
  dispatchNumber: 2,
  runnerMode: 'github-actions',
};

/** One event of every kind. */
export const EVENTS: Record<string, NotificationEvent> = {
  dispatchSucceeded: { type: 'dispatch_succeeded', ...RUN },
  dispatchFailed: { type: 'dispatch_failed', ...RUN, error: 'workflow claude-implement.yml not found (404)' },
  runSucceeded: {
    type: 'run_finished',
    ...RUN,
    result: { status: 'success', prUrl: 'https://github.com/acme/web_app/pull/7' },
  },
  runFailed: {
    type: 'run_finished',
    ...RUN,
    result: { status: 'failure', error: 'tests failed:\n```\nboom <!channel>\n```' },
  },
  reaperAlert: { type: 'reaper_alert', destroyedCount: 14, threshold: 10, windowHours: 24, dryRun: false },
};
