import type { DispatchPayload } from '../runners/types.ts';
import { renderTemplate, type TemplateValues } from './prompt-template.ts';
import type { RunContext } from './run-context.ts';
import type { WorkUnit } from './planning-output.ts';

/**
 * The prompts of a run: the repository's template (WORKFLOW.md / PLANNING.md body, or the
 * built-in one below when the file is missing), filled with the run's values, followed by the
 * runner's own instructions for the pass — which the runner depends on (the review verdict line,
 * the planning and gap analysis sections), so a template cannot drop them by accident.
 */

export const DEFAULT_WORKFLOW_TEMPLATE = `You are implementing ticket {{ issue.identifier }} in {{ repository }}.

# {{ issue.title }}

{{ issue.description }}

Ticket: {{ issue.url }}

## Related tickets
{{ related }}

## Planning
{{ planning }}

Follow the repository's conventions, keep the change focused on the ticket, and add or update
tests for what you change.`;

export const DEFAULT_PLANNING_TEMPLATE = `You are planning ticket {{ issue.identifier }} in {{ repository }}. Read the
code; do not change any file.

# {{ issue.title }}

{{ issue.description }}

Ticket: {{ issue.url }}

## Related tickets
{{ related }}`;

/** The values every template placeholder is filled with. */
export function templateValues(ctx: RunContext): TemplateValues {
  const { issue } = ctx.payload;
  return {
    'issue.id': issue.id,
    'issue.identifier': issue.identifier,
    'issue.title': issue.title,
    'issue.description': issue.description.trim() || '(no description)',
    'issue.url': issue.url,
    related: relatedMarkdown(ctx.payload.related),
    planning: ctx.state.planningContext || '(no planning output)',
    phase: ctx.payload.phase,
    repository: `${ctx.settings.owner}/${ctx.settings.repo}`,
    base_branch: ctx.state.baseBranch ?? '',
    branch: ctx.state.branch ?? '',
    gaps: ctx.state.priorGaps || '(no previous gap analysis)',
    feedback: ctx.state.feedback || '(no review feedback)',
  };
}

function relatedMarkdown(related: DispatchPayload['related']): string {
  const lines: string[] = [];
  if (related?.parent)
    lines.push(`- Parent: ${related.parent.identifier} ${related.parent.title} (${related.parent.url})`);
  for (const sibling of related?.siblings ?? [])
    lines.push(`- Sibling: ${sibling.identifier} ${sibling.title} (${sibling.url})`);
  for (const dependency of related?.dependencies ?? []) {
    const state = dependency.resolved ? 'done' : 'open';
    lines.push(`- Depends on (${state}): ${dependency.identifier} ${dependency.title} (${dependency.url})`);
  }
  return lines.length > 0 ? lines.join('\n') : '(none)';
}

/** The repository's template, filled. */
export function basePrompt(ctx: RunContext): string {
  return renderTemplate(ctx.state.workflow?.body ?? '', templateValues(ctx));
}

export function planningPrompt(ctx: RunContext): string {
  return `${basePrompt(ctx)}

---
Answer with a plan in Markdown, using exactly these second-level headings (leave out a section
that has nothing to say, except the first two):

## Architecture Analysis
How the relevant code is structured and which changes the ticket needs, file by file.
## Test Plan
Which tests to write or update, and how to run them.
## Work Units
Only when the work splits into pieces touching different files: a \`\`\`yaml block with
\`units:\`, each unit having \`id\`, \`files\` (the files it may change), \`task\`, and
\`depends_on\` (ids of units that must land first). Independent units run in parallel.
## Cross-Story Context
What the related tickets imply for this one.`;
}

/** The implementation pass: template, then what this iteration must do. */
export function implementPrompt(ctx: RunContext, unit?: WorkUnit): string {
  const parts = [basePrompt(ctx), '---'];
  const { phase } = ctx.payload;
  if (phase === 'gap-fill') {
    parts.push(
      `This pull request exists already. Close the gaps of its last gap analysis:\n\n${templateValues(ctx).gaps}`,
    );
  } else if (phase === 'review-fix') {
    parts.push(
      `This pull request exists already. Address the reviewers' feedback:\n\n${templateValues(ctx).feedback}`,
    );
  } else if (phase === 'ci-fix') {
    parts.push(
      `This pull request exists already and its CI checks fail. Find the cause and fix it so the ` +
        `checks pass, without weakening or skipping tests and without unrelated changes:\n\n${templateValues(ctx).feedback}`,
    );
    if (ctx.state.reproduction) parts.push(ctx.state.reproduction);
  }
  if (unit) {
    parts.push(
      `You are one of several agents working in parallel. Your unit is "${unit.id}": ${unit.task}\n` +
        `Change only these files: ${unit.files.join(', ')}. Other agents own the other files.`,
    );
  }
  if (ctx.state.iteration > 1) {
    if (ctx.state.verifyPassed === false) {
      parts.push(
        `The previous attempt failed the repository's verify command. Its output ends with:\n\n\`\`\`\n${ctx.state.verifyOutput}\n\`\`\`\nFix the cause.`,
      );
    } else if (ctx.state.reviewNotes) {
      parts.push(
        `A review of the previous attempt asked for changes:\n\n${ctx.state.reviewNotes}\n\nAddress them.`,
      );
    }
  }
  parts.push(
    'Work in the current directory. Do not commit or push: the runner does that. End with a short summary of what you changed.',
  );
  return parts.join('\n\n');
}

export function reviewPrompt(ctx: RunContext, diff: string): string {
  const { issue } = ctx.payload;
  return `Review this change for ticket ${issue.identifier}: ${issue.title}

${issue.description.trim() || '(no description)'}

The diff against the starting point:

\`\`\`diff
${diff}
\`\`\`

Check that it does what the ticket asks, is correct, is tested, and fits the codebase. Do not
change files. End your answer with exactly one line:
VERDICT: APPROVE
or
VERDICT: REQUEST_CHANGES
preceded by the changes you ask for, as a list.`;
}

export function gapAnalysisPrompt(ctx: RunContext, diff: string): string {
  const { issue } = ctx.payload;
  return `Compare the ticket with the pull request's diff and report what is done and what is not.

# ${issue.identifier}: ${issue.title}

${issue.description.trim() || '(no description)'}

\`\`\`diff
${diff}
\`\`\`

Answer in Markdown with exactly these three second-level headings:
## Implemented
Requirements the diff fully addresses.
## Gaps / Partial Implementation
Requirements that are missing or only partly done ("None" if there are none).
## Manual Steps Required
What a person must still do: environment variables, migrations, external services ("None" if nothing).`;
}
