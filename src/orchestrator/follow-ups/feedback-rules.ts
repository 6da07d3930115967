import { createHash } from 'node:crypto';

/**
 * Which PR feedback asks Claude for another pass (CONTRACTS.md §7, seed 003 step 9), as pure
 * functions of what a webhook payload says. Deliberately conservative: feedback that is not
 * clearly actionable is kept (a run that starts for other reasons still sees it on the PR) but
 * never starts a run by itself.
 */

/**
 * Author associations allowed to start runs: people with a role in the repository. Anyone can
 * comment on a public repository's PR, and every run costs money.
 * https://docs.github.com/graphql/reference/enums#commentauthorassociation
 */
export const TRUSTED_ASSOCIATIONS: ReadonlySet<string> = new Set(['OWNER', 'MEMBER', 'COLLABORATOR']);

/** Hidden marker in every comment the orchestrator or its runner writes (`<!-- ai-implement:… -->`). */
const OWN_MARKER = /<!--\s*ai-implement/i;

/** A GitHub account is a bot when GitHub says so, or by the `[bot]` suffix of App bot users. */
export function isBotAccount(user: { login: string; type?: string }): boolean {
  return user.type === 'Bot' || /\[bot\]$/i.test(user.login);
}

/** Text the orchestrator or its runner wrote carries the hidden marker. */
export function isOrchestratorText(body: string): boolean {
  return OWN_MARKER.test(body);
}

/** `/ai-implement` as the first word of the comment's first non-empty line asks for a gap-fill run. */
export function isGapFillCommand(body: string): boolean {
  const first = body.split('\n').find((line) => line.trim() !== '') ?? '';
  return /^\s*\/ai-implement(\s|$)/i.test(first);
}

/** Lower-case, whitespace collapsed, quoted replies and the hidden markers dropped. */
export function normalizeFeedback(body: string): string {
  return body
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('>'))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/**
 * Identity of a piece of feedback across passes: SHA-256 over where it points (file and line)
 * and its normalized text. The same finding posted again (a bot re-reviewing, a comment pasted
 * twice) gets the same fingerprint; a reworded one does not.
 */
export function feedbackFingerprint(body: string, path?: string | null, line?: number | null): string {
  return createHash('sha256')
    .update(`${path ?? ''}\n${line ?? ''}\n${normalizeFeedback(body)}`)
    .digest('hex');
}

/** Says the reviewer does not block on it: nits, optional suggestions, praise, thanks. */
const NON_BLOCKING =
  /^(nit|nitpick|minor|optional|non[- ]blocking|fyi|lgtm|looks good|ship it|thanks|thank you|great|nice)\b|^(\+1|👍|🎉)|\b(non[- ]blocking|not blocking|feel free to ignore|no action needed)\b/iu;

/** Words that ask for a change, or say something is wrong. */
const ASKS_FOR_CHANGE =
  /\b(please|must|should|needs? to|has to|have to|fix|change|update|add|remove|rename|replace|missing|broken|fails?|failing|error|bug|wrong|incorrect|instead|don'?t|do not|typo|blocking|blocker|request(ed)? changes|revert|handle|validate|security|vulnerab\w*)\b/i;

/** Says outright that it blocks the merge. */
const BLOCKING =
  /\b(blocking|blocker|must (be )?fix(ed)?|request(ing|ed)? changes|changes requested|do not merge|don'?t merge|not ready to merge|critical|high severity|security (issue|bug|vulnerability)|vulnerab\w*)\b|🔴|❌|⛔/iu;

export type FeedbackKind = 'review' | 'review_comment' | 'comment';

export interface Verdict {
  actionable: boolean;
  /** Why, in a few words, for the operator (stored with ignored feedback). */
  reason: string;
}

/**
 * Whether one piece of feedback asks for changes:
 * - a review: *Request changes* always; an approval or a dismissed review never; a plain
 *   comment review only when its body says it blocks (BLOCKING) — "Comment" is how review bots
 *   and careful people post findings, but also how they post praise;
 * - an inline review comment: it points at a line of the diff, so it asks for a change unless
 *   it says it does not (nit, optional, praise);
 * - a PR comment: only with words that ask for a change, and not marked non-blocking.
 */
export function judgeFeedback(kind: FeedbackKind, body: string, reviewState?: string): Verdict {
  const text = normalizeFeedback(body);
  if (kind === 'review') {
    const state = (reviewState ?? '').toLowerCase();
    if (state === 'changes_requested') return { actionable: true, reason: 'changes requested' };
    if (state === 'approved') return { actionable: false, reason: 'approval' };
    if (state === 'dismissed') return { actionable: false, reason: 'dismissed review' };
    if (BLOCKING.test(text) && !NON_BLOCKING.test(text)) {
      return { actionable: true, reason: 'blocking feedback in the review body' };
    }
    return { actionable: false, reason: 'review without blocking feedback' };
  }
  if (text === '') return { actionable: false, reason: 'empty' };
  if (NON_BLOCKING.test(text)) return { actionable: false, reason: 'marked non-blocking' };
  if (kind === 'review_comment') return { actionable: true, reason: 'inline review comment' };
  if (ASKS_FOR_CHANGE.test(text)) return { actionable: true, reason: 'comment asks for a change' };
  return { actionable: false, reason: 'comment does not ask for a change' };
}
