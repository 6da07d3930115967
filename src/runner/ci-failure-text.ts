import type { CiFailure } from '../domain/ci-failure.ts';

/**
 * The payload's `ciFailure` (issue 17) as Markdown for the ci-fix prompt: each failed check with
 * its conclusion, link, annotations and log tail in a fenced block.
 */
export function ciFailureMarkdown(failure: CiFailure | undefined): string {
  if (!failure || failure.checks.length === 0) return '(the orchestrator sent no details of the failure)';
  const parts = [`Failing checks on commit ${failure.headSha}:`];
  for (const check of failure.checks) {
    parts.push(`### ${check.name} (${check.conclusion})${check.url ? `\n${check.url}` : ''}`);
    if (check.annotations.length > 0) parts.push(check.annotations.map((a) => `- ${a}`).join('\n'));
    // A fence longer than any backtick run in the log keeps the block closed where it should be.
    if (check.logTail) {
      const fence = '`'.repeat(
        Math.max(3, ...[...check.logTail.matchAll(/`+/g)].map((m) => m[0].length + 1)),
      );
      parts.push(`End of the job's log:\n${fence}\n${check.logTail}\n${fence}`);
    }
  }
  return parts.join('\n\n');
}
