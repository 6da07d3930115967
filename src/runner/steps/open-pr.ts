import type { RepoApi } from '../github-api.ts';
import { StepFailure, skipped, type StepOutcome } from '../pipeline.ts';
import { githubIssueReference } from '../../ticketing/github/github-issue-fields.ts';
import type { RunContext } from '../run-context.ts';
import { defineStep, NO_OPTIONS } from './step-module.ts';

/** The agent's summary in the PR body is cut here; the commits and the diff say the rest. */
const MAX_SUMMARY_CHARS = 6_000;

/**
 * Opens the pull request against the default branch (seed 003 step 5): title
 * `IDENTIFIER: Title`, a body that links the ticket — `Fixes ENG-123` for Linear, so Linear
 * closes the issue on merge. An open PR from the branch already (an earlier attempt) is reused.
 * Gap-fill and review-fix runs never open one: they look up the PR they work on.
 */
export async function openPr(ctx: RunContext): Promise<StepOutcome> {
  const github = requireGitHub(ctx);
  const { payload, state } = ctx;
  if (payload.pullRequest) {
    state.pull = await github.getPull(payload.pullRequest.number);
    return skipped(`${payload.phase} runs push to the existing pull request`, {
      number: state.pull.number,
      url: state.pull.url,
    });
  }
  const head = state.branch ?? '';
  const base = state.baseBranch ?? '';
  const existing = await github.findOpenPull(head, base);
  if (existing) {
    state.pull = existing;
    return { output: { number: existing.number, url: existing.url, created: false } };
  }
  const title = `${payload.issue.identifier}: ${payload.issue.title}`;
  try {
    state.pull = await github.createPull({ title, body: pullBody(ctx), head, base });
  } catch (error) {
    // A PR opened between the lookup and the create (a retried run) is the one we want.
    const raced = await github.findOpenPull(head, base).catch(() => undefined);
    if (!raced) throw error;
    state.pull = raced;
  }
  state.notes.push(`Opened ${state.pull.url}.`);
  return { output: { number: state.pull.number, url: state.pull.url, created: true, title } };
}

/** The PR body: the ticket link first, then what the agent says it did, then how the run went. */
export function pullBody(ctx: RunContext): string {
  const { issue, dispatchId } = ctx.payload;
  const link =
    issue.provider === 'linear'
      ? `Fixes ${issue.identifier}`
      : issue.provider === 'github'
        ? `Fixes ${githubIssueReference(issue.identifier, ctx.settings.owner, ctx.settings.repo)}`
        : `Resolves [${issue.identifier}](${issue.url})`;
  const summary = ctx.state.agentSummary.trim();
  const review = ctx.state.reviewApproved
    ? `Review approved after ${ctx.state.iteration} iteration(s).`
    : `The review still asked for changes after ${ctx.state.iteration} iteration(s):\n\n${ctx.state.reviewNotes}`;
  return [
    link,
    '',
    `**[${issue.identifier}](${issue.url}): ${issue.title}**`,
    '',
    summary ? summary.slice(0, MAX_SUMMARY_CHARS) : '_The agent gave no summary._',
    '',
    review,
    '',
    `<sub>Opened by AI-Implement · dispatch \`${dispatchId}\` · the gap analysis follows as a comment.</sub>`,
  ].join('\n');
}

/** The REST client, or a failure that says the run has no GitHub token. */
export function requireGitHub(ctx: RunContext): RepoApi {
  if (!ctx.github) throw new StepFailure('GITHUB_TOKEN is not set: the runner cannot call the GitHub API');
  return ctx.github;
}

export default defineStep({
  id: 'open-pr',
  description: 'Opens the pull request (or looks up the existing one)',
  options: NO_OPTIONS,
  run: (ctx) => openPr(ctx),
});
