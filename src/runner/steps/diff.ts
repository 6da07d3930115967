import type { RunContext } from '../run-context.ts';

/** Prompts carry at most this much diff; a longer one is cut with a note saying so. */
const MAX_DIFF_CHARS = 80_000;

/**
 * `git diff <since>` of the checkout's HEAD, for a review or gap analysis prompt, cut to
 * MAX_DIFF_CHARS (the agent can read the files themselves for the rest).
 */
export async function diffSince(
  ctx: RunContext,
  since: string,
): Promise<{ text: string; files: number; cut: boolean }> {
  const text = await ctx.git.run(['diff', '--no-color', '--no-ext-diff', since, 'HEAD']);
  const files = (await ctx.git.run(['diff', '--name-only', since, 'HEAD']))
    .split('\n')
    .filter(Boolean).length;
  if (text.length <= MAX_DIFF_CHARS) return { text, files, cut: false };
  const note = `\n[… diff cut by AI-Implement: ${text.length - MAX_DIFF_CHARS} more characters; read the files for the rest]`;
  return { text: text.slice(0, MAX_DIFF_CHARS) + note, files, cut: true };
}
