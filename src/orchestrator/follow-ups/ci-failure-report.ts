import {
  MAX_ANNOTATIONS,
  MAX_CI_FAILURE_CHARS,
  fitCiFailure,
  type CiFailure,
} from '../../domain/ci-failure.ts';
import { looksInfrastructural, type HeadCheck } from '../../domain/ci-checks.ts';
import { describeError } from '../../domain/errors.ts';
import type { PullRequestRow } from '../../store/pull-requests.ts';
import { HANDED_OVER_LABEL } from './follow-up-policy.ts';
import type { LoopDeps } from './loop-deps.ts';
import { loadTicket } from './request-follow-up.ts';

/** A single job's log tail: enough for a stack trace and the test summary above it. */
const MAX_LOG_TAIL_CHARS = 12_000;

/**
 * Reads the annotations of the failed check runs (they tell an infrastructural failure apart)
 * and returns the checks with them, and whether every failure now looks infrastructural.
 * Unreadable annotations are logged and left out.
 */
export async function withAnnotations(
  deps: LoopDeps,
  repo: string,
  failed: HeadCheck[],
): Promise<{ failed: HeadCheck[]; infrastructural: boolean }> {
  const read: HeadCheck[] = [];
  for (const check of failed) {
    if (check.source !== 'check_run' || check.id === undefined || !deps.host) {
      read.push(check);
      continue;
    }
    try {
      read.push({ ...check, annotations: await deps.host.checkAnnotations(repo, check.id, MAX_ANNOTATIONS) });
    } catch (error) {
      deps.ctx.logger.warn(
        { repo, check: check.name, err: describeError(error) },
        'could not read annotations',
      );
      read.push(check);
    }
  }
  return { failed: read, infrastructural: read.every(looksInfrastructural) };
}

/**
 * The `ciFailure` payload member of a ci-fix run: each failed check with its annotations and the
 * tail of its GitHub Actions job log (a check run of Actions has the job's id), fitted to
 * `MAX_CI_FAILURE_CHARS`. A log that cannot be read is left out, never fatal: the names and
 * annotations still tell the agent where to look.
 */
export async function collectCiFailure(
  deps: LoopDeps,
  repo: string,
  headSha: string,
  failed: HeadCheck[],
): Promise<CiFailure> {
  const checks: CiFailure['checks'] = [];
  const share = Math.min(MAX_LOG_TAIL_CHARS, Math.floor(MAX_CI_FAILURE_CHARS / Math.max(1, failed.length)));
  for (const check of failed) {
    let logTail: string | undefined;
    if (deps.host && check.workflowRunId !== undefined && check.id !== undefined) {
      try {
        logTail = await deps.host.jobLogTail(repo, check.id, share);
      } catch (error) {
        deps.ctx.logger.warn(
          { repo, check: check.name, err: describeError(error) },
          'could not read the job log',
        );
      }
    }
    checks.push({
      name: check.name,
      conclusion: check.conclusion ?? 'failure',
      ...(check.url ? { url: check.url } : {}),
      annotations: (check.annotations ?? []).slice(0, MAX_ANNOTATIONS),
      ...(logTail ? { logTail } : {}),
    });
  }
  return fitCiFailure({ headSha, checks });
}

/** `- **test** (failure): https://…` per failed check, for PR and ticket comments. */
export function describeFailedChecks(failed: HeadCheck[]): string[] {
  return failed.map(
    (check) => `- **${check.name}** (${check.conclusion ?? 'failure'})${check.url ? `: ${check.url}` : ''}`,
  );
}

/**
 * The ci-fix attempts are spent and the head still fails: the PR gets the needs-a-person label
 * and a comment saying what failed, and so does the ticket. GitHub and tracker errors are logged;
 * the ledger's `exhausted` state (recorded by the caller first) keeps this to once per head.
 */
export async function handOverFailingChecks(
  deps: LoopDeps,
  pr: PullRequestRow,
  headSha: string,
  failed: HeadCheck[],
  attempts: number,
): Promise<void> {
  const { ctx, host } = deps;
  const log = ctx.logger.child({ pr: `${pr.repo}#${pr.number}`, issue: pr.issue_identifier });
  const what = describeFailedChecks(failed);
  const sentence =
    `AI-Implement stops fixing CI here: the checks of ${headSha.slice(0, 7)} still fail after ` +
    `${attempts} ci-fix run${attempts === 1 ? '' : 's'}. A person needs to take it from here.`;
  log.warn(`checks still fail after ${attempts} ci-fix run(s); the pull request is left for a person`);
  if (host) {
    try {
      await host.addLabels(pr.repo, pr.number, [HANDED_OVER_LABEL]);
      await host.createComment(
        pr.repo,
        pr.number,
        ['<!-- ai-implement:ci-fix-exhausted -->', sentence, '', 'Failing checks:', ...what].join('\n'),
      );
    } catch (error) {
      log.warn({ err: describeError(error) }, 'could not label or comment on the pull request');
    }
  }
  const loaded = await loadTicket(ctx, pr);
  if ('missing' in loaded) return;
  try {
    await ctx.ticketing
      .get(loaded.ticket.provider)
      ?.postComment(
        loaded.ticket,
        [`${sentence} Pull request: ${pr.url}`, '', 'Failing checks:', ...what].join('\n'),
      );
  } catch (error) {
    log.warn({ err: describeError(error) }, 'could not comment on the ticket');
  }
}
