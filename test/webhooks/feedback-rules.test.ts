import { describe, expect, it } from 'vitest';
import {
  feedbackFingerprint,
  isGapFillCommand,
  judgeFeedback,
} from '../../src/orchestrator/follow-ups/feedback-rules.ts';
import { followUpBudget } from '../../src/orchestrator/follow-ups/follow-up-policy.ts';
import { parseRepoConfig } from '../../src/orchestrator/follow-ups/repo-config.ts';
import { reviewWait } from '../../src/orchestrator/follow-ups/review-wait.ts';
import type { FeedbackRow } from '../../src/store/pull-request-feedback.ts';

describe('which feedback asks for a pass', () => {
  it.each([
    ['review', 'changes_requested', '', true],
    ['review', 'approved', 'You must rename this.', false],
    ['review', 'commented', 'Looks fine overall.', false],
    ['review', 'commented', '**Blocking:** the token is logged.', true],
    ['review', 'commented', 'Non-blocking: consider a helper.', false],
    ['review_comment', undefined, 'This returns the wrong status.', true],
    ['review_comment', undefined, 'nit: trailing space', false],
    ['comment', undefined, 'Please add a test for the empty case.', true],
    ['comment', undefined, 'Thanks, this is great!', false],
    ['comment', undefined, 'When will this be deployed?', false],
  ] as const)('%s %s “%s” → %s', (kind, state, body, actionable) => {
    expect(judgeFeedback(kind, body, state).actionable).toBe(actionable);
  });

  it('recognises /ai-implement only as the first word of the first line', () => {
    expect(isGapFillCommand('/ai-implement')).toBe(true);
    expect(isGapFillCommand('\n  /ai-implement please cover CSV')).toBe(true);
    expect(isGapFillCommand('Run /ai-implement later')).toBe(false);
    expect(isGapFillCommand('/ai-implementation')).toBe(false);
  });

  it('gives reworded whitespace and case the same fingerprint, another line a different one', () => {
    const a = feedbackFingerprint('Please  handle\nEMPTY lists', 'src/a.ts', 3);
    expect(feedbackFingerprint('please handle empty lists', 'src/a.ts', 3)).toBe(a);
    expect(feedbackFingerprint('please handle empty lists', 'src/a.ts', 4)).not.toBe(a);
  });
});

describe('the follow-up budget', () => {
  it('is maxIterations (or its provider default) times two', () => {
    expect(followUpBudget({ provider: 'anthropic', maxIterations: undefined })).toBe(6);
    expect(followUpBudget({ provider: 'bedrock', maxIterations: undefined })).toBe(4);
    expect(followUpBudget({ provider: 'anthropic', maxIterations: 5 })).toBe(10);
  });
});

describe('.ai-implement/config.yml', () => {
  it('reads review providers as logins or objects, with a default wait', () => {
    expect(
      parseRepoConfig(
        'packageManager: pnpm\nreviewProviders:\n  - claude[bot]\n  - name: coderabbitai[bot]\n    timeoutMinutes: 30\n',
      ),
    ).toEqual({
      reviewProviders: [
        { login: 'claude[bot]', timeoutMinutes: 10 },
        { login: 'coderabbitai[bot]', timeoutMinutes: 30 },
      ],
      problems: [],
    });
    expect(parseRepoConfig(undefined)).toEqual({ reviewProviders: [], problems: [] });
    expect(parseRepoConfig('reviewProviders: false\n').reviewProviders).toEqual([]);
  });

  it('names what is wrong and waits for nobody when the file is broken', () => {
    expect(parseRepoConfig('reviewProviders:\n  - login: claude[bot]\n    timeoutMinutes: 600\n')).toEqual({
      reviewProviders: [],
      problems: ['reviewProviders.0.timeoutMinutes: must be at most 120'],
    });
    expect(parseRepoConfig('reviewProviders: [unclosed').problems[0]).toMatch(/^not valid YAML/);
  });
});

describe('the review-provider wait', () => {
  const now = new Date('2026-11-21T10:00:00.000Z');
  const row = (author: string, extra: Partial<FeedbackRow> = {}): FeedbackRow => ({
    id: `review:${author}`,
    repo: 'acme/api',
    pr_number: 1,
    kind: 'review',
    github_id: '1',
    review_id: null,
    author,
    author_kind: author.endsWith('[bot]') ? 'bot' : 'person',
    review_state: 'commented',
    body: 'x',
    url: 'https://github.com/acme/api/pull/1',
    path: null,
    line: null,
    commit_id: 'head',
    fingerprint: 'f',
    triggers: 1,
    status: 'pending',
    note: null,
    dispatch_id: null,
    created_at: '2026-11-21T09:55:00.000Z',
    received_at: '2026-11-21T09:55:00.000Z',
    settled_at: null,
    ...extra,
  });
  const providers = [{ login: 'claude[bot]', timeoutMinutes: 10 }];

  it('waits until the provider posts on the head, or its timeout from when the head was seen', () => {
    const base = { providers, headSha: 'head', headSeenAt: '2026-11-21T09:52:00.000Z', now };
    expect(reviewWait({ ...base, feedback: [row('alice')] })).toEqual({
      ready: false,
      waitingFor: ['claude[bot]'],
      until: new Date('2026-11-21T10:02:00.000Z'),
    });
    expect(
      reviewWait({ ...base, feedback: [row('alice'), row('claude[bot]', { commit_id: 'old' })] }).ready,
    ).toBe(false);
    expect(reviewWait({ ...base, feedback: [row('alice'), row('Claude', { status: 'ignored' })] })).toEqual({
      ready: true,
      timedOut: [],
    });
    expect(
      reviewWait({ ...base, now: new Date('2026-11-21T10:02:00.000Z'), feedback: [row('alice')] }),
    ).toEqual({
      ready: true,
      timedOut: ['claude[bot]'],
    });
  });
});
