import type { FeedbackRow } from '../../store/pull-request-feedback.ts';
import { isProviderLogin, type ReviewProvider } from './repo-config.ts';

/** Whether a follow-up pass may start now, or waits for review providers to post. */
export type ReviewWait =
  { ready: true; timedOut: string[] } | { ready: false; waitingFor: string[]; until: Date };

/**
 * The `reviewProviders` wait (seed 003 step 9): a pass starts once every named review bot has
 * posted on the PR's current head — a review or inline comment on that commit, or any comment
 * after the head was first seen — so one pass takes both a person's and the bots' findings.
 * A bot that stays silent is waited for at most its `timeoutMinutes`, counted from when the head
 * was first seen (or, when the head is unknown, from the oldest feedback waiting); then the pass
 * starts without it and `timedOut` names it for the log.
 */
export function reviewWait(input: {
  providers: ReviewProvider[];
  feedback: FeedbackRow[];
  headSha: string | undefined;
  headSeenAt: string | null;
  now: Date;
}): ReviewWait {
  const { providers, feedback, headSha, now } = input;
  if (providers.length === 0) return { ready: true, timedOut: [] };
  const headSeenAt = input.headSeenAt ?? undefined;
  const posted = (provider: ReviewProvider) =>
    feedback.some(
      (item) =>
        isProviderLogin(provider, item.author) &&
        (item.commit_id !== null
          ? item.commit_id === headSha
          : headSeenAt === undefined || item.received_at >= headSeenAt),
    );
  const silent = providers.filter((provider) => !posted(provider));
  if (silent.length === 0) return { ready: true, timedOut: [] };

  const waiting = feedback.filter((item) => item.status === 'pending' && item.triggers === 1);
  const since = headSeenAt ?? waiting.map((item) => item.received_at).sort()[0] ?? now.toISOString();
  const timeoutMinutes = Math.max(...silent.map((provider) => provider.timeoutMinutes));
  const until = new Date(Date.parse(since) + timeoutMinutes * 60_000);
  if (now.getTime() >= until.getTime()) {
    return { ready: true, timedOut: silent.map((provider) => provider.login) };
  }
  return { ready: false, waitingFor: silent.map((provider) => provider.login), until };
}
