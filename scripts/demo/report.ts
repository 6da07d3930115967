import type { AdminApi } from './admin-api.ts';
import { DEMO_OWNER, DEMO_REPO } from './demo-repo.ts';
import type { DemoWorld } from './demo-world.ts';
import type { WatchOutcome } from './watch.ts';

/**
 * What the run left behind, as a reviewer would look at it: the pull request (as the orchestrator
 * recorded it and on the fake GitHub), the diff on the git remote, the gap-analysis comment and
 * the ticket's comments.
 */
const GAP_MARKER = '<!-- ai-implement:gap-analysis -->';

interface PullsView {
  pulls: { number: number; url: string; branch: string; costUsd: number | null; issue: { id: string } }[];
}

function clip(text: string, maxLines: number): string {
  const lines = text
    .replace(/<!--[\s\S]*?-->\n?/g, '')
    .replace(/^\n+|\s+$/g, '')
    .split('\n');
  const kept = lines.slice(0, maxLines);
  if (lines.length > maxLines) kept.push(`… (${lines.length - maxLines} more lines)`);
  return kept.map((line) => `    ${line}`).join('\n');
}

export async function printReport(input: {
  world: DemoWorld;
  api: AdminApi;
  say: (line?: string) => void;
  outcome: WatchOutcome;
}): Promise<void> {
  const { world, api, say, outcome } = input;
  const issue = world.linear.getIssue(world.issue.id)!;
  if (outcome.kind === 'ready') say(`✔ ${issue.identifier} is Ready for Review.`);
  else say(`✘ ${issue.identifier} did not reach Ready for Review: ${outcome.detail}`);

  const recorded = (await api<PullsView>('GET', '/api/pulls').catch(() => ({ pulls: [] }))).pulls.find(
    (pull) => pull.issue.id === world.issue.id,
  );
  const pull = world.repo.pulls.find((candidate) => candidate.head.startsWith('ai-implement/')) ?? undefined;
  if (pull) {
    say('');
    say(`Pull request #${pull.number}: ${pull.title}  (${pull.head} → ${pull.base})`);
    say(
      `  PR URL:   ${recorded?.url ?? `https://github.com/${DEMO_OWNER}/${DEMO_REPO}/pull/${pull.number}`}`,
    );
    say(`  on the fake GitHub: ${world.github.url}/repos/${DEMO_OWNER}/${DEMO_REPO}/pulls/${pull.number}`);
    if (recorded?.costUsd !== null && recorded?.costUsd !== undefined) {
      say(`  Claude cost recorded by the orchestrator: $${recorded.costUsd.toFixed(3)}`);
    }
    say('');
    say(`Diff (${pull.base}...${pull.head} on the git remote):`);
    try {
      const range = `${pull.base}...${pull.head}`;
      say(clip(world.git.git(DEMO_OWNER, DEMO_REPO, ['diff', '--stat', range]), 20));
      say('');
      say(clip(world.git.git(DEMO_OWNER, DEMO_REPO, ['diff', range]), 60));
    } catch (error) {
      say(`    (git diff failed: ${error instanceof Error ? error.message : String(error)})`);
    }
    const gap = world.repo.comments.find(
      (comment) => comment.issueNumber === pull.number && comment.body.includes(GAP_MARKER),
    );
    say('');
    say('Gap analysis (PR comment):');
    say(gap ? clip(gap.body, 40) : '    (none posted)');
  } else {
    say('No pull request was opened.');
  }

  say('');
  say(`Ticket ${issue.identifier} comments (${issue.comments.length}):`);
  issue.comments.forEach((body, index) => {
    say(`  — comment ${index + 1}`);
    say(clip(body, 20));
  });
  say('');
  say(`Ticket markers: ${issue.labels.join(', ')} · state ${issue.state.name}`);
}
