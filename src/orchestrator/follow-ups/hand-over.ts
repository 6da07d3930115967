import { describeError } from '../../domain/errors.ts';
import { listFeedbackOfPullRequest, setFeedbackStatus } from '../../store/pull-request-feedback.ts';
import { markHandedOver, type PullRequestRow } from '../../store/pull-requests.ts';
import { HANDED_OVER_LABEL } from './follow-up-policy.ts';
import type { LoopDeps } from './loop-deps.ts';

/**
 * The PR used its follow-up budget: it is labelled for a person (once), told why in a comment,
 * and the feedback still waiting is set aside, so nothing starts another run on it. GitHub
 * errors are logged; the hand-over itself is recorded in the ledger first, so it happens once.
 */
export async function handOver(deps: LoopDeps, pr: PullRequestRow, detail: string): Promise<void> {
  const { ctx, host } = deps;
  const now = ctx.clock();
  for (const item of await listFeedbackOfPullRequest(ctx.db, pr.repo, pr.number)) {
    if (item.status === 'pending') {
      await setFeedbackStatus(ctx.db, item.id, {
        status: 'ignored',
        note: 'follow-up budget used up; left for a person',
        at: now,
      });
    }
  }
  if (!(await markHandedOver(ctx.db, pr.repo, pr.number, now))) return;
  const log = ctx.logger.child({ pr: `${pr.repo}#${pr.number}`, issue: pr.issue_identifier });
  log.warn(`follow-up budget used up (${detail}); the pull request is left for a person`);
  if (!host) return;
  try {
    await host.addLabels(pr.repo, pr.number, [HANDED_OVER_LABEL]);
    await host.createComment(
      pr.repo,
      pr.number,
      [
        '<!-- ai-implement:handed-over -->',
        `AI-Implement stops here: ${detail}. Further review feedback on this pull request will not start runs; a person needs to take it from here.`,
      ].join('\n'),
    );
  } catch (error) {
    log.warn({ err: describeError(error) }, 'could not label the pull request for a person');
  }
}
